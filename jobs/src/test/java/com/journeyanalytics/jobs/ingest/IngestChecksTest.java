package com.journeyanalytics.jobs.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.journeyanalytics.common.config.InvalidConfigException;
import com.journeyanalytics.common.config.JobConfig;
import com.journeyanalytics.common.config.QualitySettings;
import com.journeyanalytics.common.quality.QualityCheck;
import com.journeyanalytics.common.quality.QualityCheck.Status;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IngestChecksTest {

  /** The documented defaults: min-rows 100, 3 earlier runs for volume, snapshot_shrink warn above 5%, fail above 20%. */
  private static QualitySettings defaults() {
    return JobConfig.load(null, Map.of()).quality();
  }

  private static QualityCheck named(List<QualityCheck> checks, String name) {
    return checks.stream().filter(c -> c.checkName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no check " + name + " in " + checks));
  }

  @Test
  void rateChecksBelowTheMinimumRowsAreSkippedNotPassedEvenWhenTheValueWouldFail() {
    // 50 input rows < min-rows 100; completeness 80% would fail (below 95%), 10 of 50 quarantined = 20% would fail (above 5%).
    IngestChecks.Counts counts = new IngestChecks.Counts(50, 10, 0, 40);

    List<QualityCheck> checks = IngestChecks.evaluate("accounts", counts, Map.of("created_at", 0.8), defaults(),
        List.of(50L, 50L, 50L), true);

    assertThat(checks).extracting(QualityCheck::checkName, QualityCheck::status, QualityCheck::observedValue,
            QualityCheck::threshold, QualityCheck::message)
        .containsExactlyInAnyOrder(
            tuple("completeness:created_at", Status.SKIPPED, 80.0, 95.0,
                "skipped: 50 input rows, fewer than the minimum of 100"),
            tuple("quarantine_rate", Status.SKIPPED, 20.0, 5.0, "skipped: 50 input rows, fewer than the minimum of 100"),
            tuple("unknown_enum_values", Status.PASS, 0.0, 0.0, "0 unknown enum values kept as 'other'"),
            tuple("volume", Status.SKIPPED, 50.0, null, "skipped: 50 input rows, fewer than the minimum of 100"));
    assertThat(Status.SKIPPED.label()).isEqualTo("skipped");
  }

  @Test
  void atTheMinimumRowsTheSameRatesAreJudged() {
    // 100 input rows = min-rows: completeness 80% < 95% fails; 20 of 100 quarantined = 20% > 5% fails.
    IngestChecks.Counts counts = new IngestChecks.Counts(100, 20, 0, 80);

    List<QualityCheck> checks = IngestChecks.evaluate("accounts", counts, Map.of("created_at", 0.8), defaults(),
        List.of(100L, 100L, 100L), true);

    assertThat(named(checks, "completeness:created_at")).extracting(QualityCheck::status, QualityCheck::observedValue,
        QualityCheck::threshold).containsExactly(Status.FAIL, 80.0, 95.0);
    assertThat(named(checks, "quarantine_rate")).extracting(QualityCheck::status, QualityCheck::observedValue,
        QualityCheck::threshold).containsExactly(Status.FAIL, 20.0, 5.0);
    // median of 100, 100, 100 = 100; 100 rows are 100% of it: between warn-below 50% and warn-above 300%.
    assertThat(named(checks, "volume")).extracting(QualityCheck::status, QualityCheck::observedValue,
        QualityCheck::threshold).containsExactly(Status.PASS, 100.0, 100.0);
  }

  @Test
  void volumeWithFewerEarlierRunsThanTheMinimumOrOutsideNightlyRunsIsSkipped() {
    QualitySettings q = defaults();

    QualityCheck twoRuns = IngestChecks.volume("events", 500, q, List.of(400L, 600L), true, true, "unused");
    QualityCheck fullRefresh = IngestChecks.volume("events", 500, q, List.of(), false, true, "unused");

    assertThat(twoRuns).extracting(QualityCheck::status, QualityCheck::observedValue, QualityCheck::threshold,
            QualityCheck::message)
        .containsExactly(Status.SKIPPED, 500.0, null, "skipped: 2 earlier runs, fewer than the minimum of 3");
    assertThat(fullRefresh).extracting(QualityCheck::status, QualityCheck::message)
        .containsExactly(Status.SKIPPED, "skipped: only nightly and backfill runs are compared");
  }

  @Test
  void aSnapshotOfOneAccountWhereThereWereFourFailsWhateverItsSize() {
    // (4 - 1) / 4 = 75% fewer > fail-above 20%; no minimum of rows applies.
    QualityCheck check = IngestChecks.snapshotShrink("accounts", 1, 4L, defaults());

    assertThat(check).extracting(QualityCheck::checkName, QualityCheck::status, QualityCheck::observedValue,
            QualityCheck::threshold, QualityCheck::message)
        .containsExactly("snapshot_shrink", Status.FAIL, 75.0, 20.0,
            "1 accepted rows against 4 in the previous accepted snapshot: 75.00% fewer (fail above 20.0%); "
                + "the previous snapshot is kept");
  }

  @Test
  void snapshotShrinkWarnsAboveFivePercentAndFailsAboveTwentyPercentFewer() {
    QualitySettings q = defaults();

    // 100 -> 95: 5% fewer, not above 5: pass. 100 -> 94: 6% > 5: warn. 100 -> 80: 20%, not above 20: warn.
    // 100 -> 79: 21% > 20: fail. 4 -> 5: (4 - 5) / 4 = -25%, it grew: pass. No previous snapshot: skipped.
    assertThat(List.of(
            IngestChecks.snapshotShrink("contacts", 95, 100L, q),
            IngestChecks.snapshotShrink("contacts", 94, 100L, q),
            IngestChecks.snapshotShrink("contacts", 80, 100L, q),
            IngestChecks.snapshotShrink("contacts", 79, 100L, q),
            IngestChecks.snapshotShrink("contacts", 5, 4L, q),
            IngestChecks.snapshotShrink("contacts", 7, null, q)))
        .extracting(QualityCheck::status, QualityCheck::observedValue, QualityCheck::threshold, QualityCheck::message)
        .containsExactly(
            tuple(Status.PASS, 5.0, 5.0, "95 accepted rows against 100 in the previous accepted snapshot: 5.00% fewer"),
            tuple(Status.WARN, 6.0, 5.0,
                "94 accepted rows against 100 in the previous accepted snapshot: 6.00% fewer (warn above 5.0%)"),
            tuple(Status.WARN, 20.0, 5.0,
                "80 accepted rows against 100 in the previous accepted snapshot: 20.00% fewer (warn above 5.0%)"),
            tuple(Status.FAIL, 21.0, 20.0, "79 accepted rows against 100 in the previous accepted snapshot: 21.00% fewer "
                + "(fail above 20.0%); the previous snapshot is kept"),
            tuple(Status.PASS, -25.0, 5.0, "5 accepted rows against 4 in the previous accepted snapshot: 25.00% more"),
            tuple(Status.SKIPPED, null, null, "skipped: no previous accepted snapshot to compare 7 accepted rows with"));
  }

  @Test
  void snapshotShrinkThresholdsAndTheMinimumsAreConfiguration() {
    QualitySettings q = JobConfig.load(null, Map.of(
        "journey.quality.snapshot-shrink.warn-above", "50",
        "journey.quality.snapshot-shrink.fail-above", "80",
        "journey.quality.min-rows", "10",
        "journey.quality.volume.min-history-runs", "1")).quality();

    // 4 -> 1 is 75% fewer: above warn 50, not above fail 80.
    assertThat(IngestChecks.snapshotShrink("accounts", 1, 4L, q)).extracting(QualityCheck::status, QualityCheck::threshold)
        .containsExactly(Status.WARN, 50.0);
    // 10 rows reach min-rows 10 and one earlier run reaches min-history-runs 1: 10 / 20 = 50%, not below warn-below 50.
    assertThat(IngestChecks.volume("events", 10, q, List.of(20L), true, true, "unused"))
        .extracting(QualityCheck::status, QualityCheck::observedValue).containsExactly(Status.PASS, 50.0);
    assertThatThrownBy(() -> JobConfig.load(null, Map.of(
        "journey.quality.snapshot-shrink.warn-above", "30",
        "journey.quality.snapshot-shrink.fail-above", "20")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("journey.quality.snapshot-shrink.fail-above");
  }
}
