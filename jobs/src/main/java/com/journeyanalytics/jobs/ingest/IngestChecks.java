package com.journeyanalytics.jobs.ingest;

import com.journeyanalytics.common.config.QualitySettings;
import com.journeyanalytics.common.quality.QualityCheck;
import com.journeyanalytics.common.quality.QualityCheck.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The data-quality verdicts of one dataset's ingestion, from its counts and the thresholds. */
public final class IngestChecks {

  private IngestChecks() {}

  /** Counts of one dataset in one run. */
  public record Counts(long input, long quarantined, long unknownEnumValues, long accepted) {
    public long duplicatesRemoved() {
      return input - quarantined - accepted;
    }
  }

  /**
   * {@code completeness}: per required column, the share (0..1) of input rows where it is present
   * and parseable, as Deequ measured it.
   */
  public static List<QualityCheck> evaluate(String dataset, Counts counts, Map<String, Double> completeness,
      QualitySettings q, List<Long> volumeHistory, boolean volumeComparable) {
    List<QualityCheck> checks = new ArrayList<>();
    boolean enough = counts.input() >= q.minRows();
    String skipped = "skipped: " + counts.input() + " input rows, fewer than the minimum of " + q.minRows();

    completeness.forEach((column, share) -> {
      double complete = share == null ? 100.0 : Math.round(share * 10000.0) / 100.0;
      String check = "completeness:" + column;
      checks.add(!enough
          ? QualityCheck.skipped(dataset, check, complete, q.completenessFailBelowPercent(), skipped)
          : new QualityCheck(dataset, check,
              complete < q.completenessFailBelowPercent() ? Status.FAIL
                  : complete < q.completenessWarnBelowPercent() ? Status.WARN : Status.PASS,
              complete, complete < q.completenessWarnBelowPercent() ? q.completenessFailBelowPercent() : q.completenessWarnBelowPercent(),
              String.format("%.2f%% of %d input rows have a usable %s", complete, counts.input(), column)));
    });

    double quarantineRate = percent(counts.quarantined(), counts.input(), 0.0);
    checks.add(!enough
        ? QualityCheck.skipped(dataset, "quarantine_rate", quarantineRate, q.quarantineFailPercent(), skipped)
        : new QualityCheck(dataset, "quarantine_rate",
            quarantineRate > q.quarantineFailPercent() ? Status.FAIL
                : quarantineRate > q.quarantineWarnPercent() ? Status.WARN : Status.PASS,
            quarantineRate, quarantineRate > q.quarantineWarnPercent() ? q.quarantineFailPercent() : q.quarantineWarnPercent(),
            String.format("%d of %d input rows quarantined (%.2f%%)", counts.quarantined(), counts.input(), quarantineRate)));

    checks.add(new QualityCheck(dataset, "unknown_enum_values",
        counts.unknownEnumValues() == 0 ? Status.PASS : Status.WARN, (double) counts.unknownEnumValues(), 0.0,
        counts.unknownEnumValues() + " unknown enum values kept as 'other'"));

    checks.add(volume(dataset, counts.input(), q, volumeHistory, volumeComparable, enough, skipped));
    return checks;
  }

  static QualityCheck volume(String dataset, long rows, QualitySettings q, List<Long> history, boolean comparable,
      boolean enough, String skipped) {
    if (!comparable) {
      return QualityCheck.skipped(dataset, "volume", (double) rows, null, "skipped: only nightly and backfill runs are compared");
    }
    if (!enough) {
      return QualityCheck.skipped(dataset, "volume", (double) rows, null, skipped);
    }
    if (history.size() < q.volumeMinHistoryRuns()) {
      return QualityCheck.skipped(dataset, "volume", (double) rows, null,
          "skipped: " + history.size() + " earlier runs, fewer than the minimum of " + q.volumeMinHistoryRuns());
    }
    List<Long> sorted = new ArrayList<>(history);
    sorted.sort(null);
    int n = sorted.size();
    double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
    double ratio = median == 0 ? (rows == 0 ? 100.0 : Double.POSITIVE_INFINITY) : rows * 100.0 / median;
    Status status = ratio < q.volumeFailBelowPercent() ? Status.FAIL
        : ratio < q.volumeWarnBelowPercent() || ratio > q.volumeWarnAbovePercent() ? Status.WARN : Status.PASS;
    double shown = Double.isInfinite(ratio) ? 1e9 : ratio;
    return new QualityCheck(dataset, "volume", status, shown, median,
        String.format("%d input rows are %.1f%% of the median %.1f of the last %d runs", rows, shown, median, n));
  }

  /**
   * snapshot_shrink: a snapshot's accepted rows against the previous accepted snapshot
   * ({@code previous}, null when there is none). observed_value is the percent fewer rows
   * (negative when the snapshot grew); threshold is the limit that decided the status. No minimum
   * of rows: losing 3 of 4 accounts is as much a loss as losing 75,000 of 100,000.
   */
  public static QualityCheck snapshotShrink(String dataset, long accepted, Long previous, QualitySettings q) {
    if (previous == null || previous == 0) {
      return QualityCheck.skipped(dataset, "snapshot_shrink", null, null,
          "skipped: no previous accepted snapshot to compare " + accepted + " accepted rows with");
    }
    double fewer = Math.round((previous - accepted) * 10000.0 / previous) / 100.0;
    Status status = fewer > q.snapshotShrinkFailPercent() ? Status.FAIL
        : fewer > q.snapshotShrinkWarnPercent() ? Status.WARN : Status.PASS;
    double threshold = status == Status.FAIL ? q.snapshotShrinkFailPercent() : q.snapshotShrinkWarnPercent();
    String change = fewer >= 0 ? String.format("%.2f%% fewer", fewer) : String.format("%.2f%% more", -fewer);
    return new QualityCheck(dataset, "snapshot_shrink", status, fewer, threshold,
        String.format("%d accepted rows against %d in the previous accepted snapshot: %s%s", accepted, previous, change,
            status == Status.FAIL ? String.format(" (fail above %.1f%%); the previous snapshot is kept", threshold)
                : status == Status.WARN ? String.format(" (warn above %.1f%%)", threshold) : ""));
  }

  static double percent(long part, long whole, double ifEmpty) {
    return whole == 0 ? ifEmpty : Math.round(part * 10000.0 / whole) / 100.0;
  }
}
