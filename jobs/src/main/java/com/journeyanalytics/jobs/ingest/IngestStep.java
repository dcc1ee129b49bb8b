package com.journeyanalytics.jobs.ingest;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import com.journeyanalytics.common.config.DatasetConfig;
import com.journeyanalytics.common.config.JobConfig;
import com.journeyanalytics.common.config.QualitySettings;
import com.journeyanalytics.common.delta.TableStore;
import com.journeyanalytics.common.delta.TableStore.WriteResult;
import com.journeyanalytics.common.quality.QualityCheck;
import com.journeyanalytics.common.quality.QualityCheck.Status;
import com.journeyanalytics.common.schema.InputContract;
import com.journeyanalytics.common.schema.InputContract.Kind;
import com.journeyanalytics.common.schema.Silver;
import com.journeyanalytics.common.schema.PipelineTables;
import com.journeyanalytics.common.schema.TableSpec;
import com.journeyanalytics.jobs.pipeline.RunContext;
import com.journeyanalytics.jobs.pipeline.RunHistory;
import com.journeyanalytics.jobs.pipeline.RunMode;
import com.journeyanalytics.jobs.pipeline.Step;
import com.journeyanalytics.jobs.pipeline.StepFailedException;
import com.journeyanalytics.jobs.pipeline.StepResult;
import java.sql.Date;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads each dataset's exports for the run, quarantines what cannot be used, deduplicates, and
 * writes the cleaned silver table: snapshots replace it, increments merge into it by key (newer
 * updated_at wins), a full refresh rebuilds it from every export up to the run date.
 */
public final class IngestStep implements Step {

  private static final Logger LOG = LoggerFactory.getLogger(IngestStep.class);
  /** 1 for a row with a quarantine reason, else 0: what the profile sums and the split filters on. */
  private static final String QUARANTINED = "_is_quarantined";

  @Override
  public String name() {
    return "ingest";
  }

  @Override
  public StepResult run(RunContext ctx) {
    DeequMetrics metrics = new DeequMetrics(ctx.spark(), ctx.tables().warehouse());
    List<DatasetConfig> datasets = List.copyOf(ctx.config().datasets().values());
    // Every dataset's rejects go to the one quarantine table: those slice writes take turns.
    Object quarantineWrites = new Object();
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(ctx.config().ingestParallelDatasets(), datasets.size()),
        new NamedThreads());
    List<Future<Ingested>> running = new ArrayList<>();
    try {
      for (DatasetConfig dataset : datasets) {
        running.add(pool.submit(() -> ingestLogged(ctx, dataset, metrics, quarantineWrites)));
      }
    } finally {
      pool.shutdown();
    }
    // Every dataset ends, written or failed, before the step does: nothing is written once the run
    // has recorded a failure. The first failure in dataset order is the step's.
    List<Ingested> ingested = new ArrayList<>();
    Throwable failure = null;
    for (Future<Ingested> dataset : running) {
      try {
        ingested.add(awaitUninterruptibly(dataset));
      } catch (ExecutionException e) {
        if (failure == null) {
          failure = e.getCause();
        } else {
          failure.addSuppressed(e.getCause());
        }
      }
    }
    if (failure instanceof Error error) {
      throw error;
    }
    if (failure != null) {
      // ingestLogged throws no checked exception.
      throw (RuntimeException) failure;
    }

    List<WriteResult> writes = new ArrayList<>();
    List<QualityCheck> checks = new ArrayList<>();
    Map<String, Long> input = new TreeMap<>();
    Map<String, Long> quarantined = new TreeMap<>();
    Map<String, Long> output = new TreeMap<>();
    List<String> errors = new ArrayList<>();
    for (Ingested dataset : ingested) {
      checks.addAll(dataset.outcome().checks());
      if (dataset.schemaError() != null) {
        errors.add(dataset.schemaError());
        continue;
      }
      writes.addAll(dataset.outcome().writes());
      IngestChecks.Counts c = dataset.outcome().counts();
      if (c != null) {
        input.put(dataset.name(), c.input());
        quarantined.put(dataset.name(), c.quarantined());
        output.put(dataset.name() + ".accepted", c.accepted());
        output.put(dataset.name() + ".duplicates_removed", c.duplicatesRemoved());
      }
    }
    StepResult result = new StepResult(writes, checks, input, quarantined, output);
    if (!errors.isEmpty()) {
      throw new StepFailedException(String.join("; ", errors), result);
    }
    return result;
  }

  /** A dataset ingested, or refused for its columns ({@code schemaError}; its outcome then holds only that check). */
  private record Ingested(String name, DatasetOutcome outcome, String schemaError) {}

  private Ingested ingestLogged(RunContext ctx, DatasetConfig dataset, DeequMetrics metrics, Object quarantineWrites) {
    long started = System.nanoTime();
    try {
      DatasetOutcome outcome = ingest(ctx, dataset, metrics, quarantineWrites);
      IngestChecks.Counts c = outcome.counts();
      if (c != null) {
        LOG.info("ingest {}: {} rows read, {} quarantined, {} duplicates removed, {} accepted ({} s)",
            dataset.name(), c.input(), c.quarantined(), c.duplicatesRemoved(), c.accepted(),
            (System.nanoTime() - started) / 1_000_000_000);
      }
      return new Ingested(dataset.name(), outcome, null);
    } catch (InputSchemaException e) {
      // A file without a header line names its first data row as its columns: addresses included.
      String message = ctx.masking().mask(e.getMessage());
      QualityCheck check = new QualityCheck(dataset.name(), "required_columns", Status.FAIL, null, null, message);
      return new Ingested(dataset.name(), new DatasetOutcome(List.of(), List.of(check), null), message);
    }
  }

  private static <T> T awaitUninterruptibly(Future<T> future) throws ExecutionException {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return future.get();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Daemon threads named ingest-1, ingest-2, ...: they show in thread dumps. */
  private static final class NamedThreads implements ThreadFactory {
    private final AtomicInteger next = new AtomicInteger(1);

    @Override
    public Thread newThread(Runnable task) {
      Thread thread = new Thread(task, "ingest-" + next.getAndIncrement());
      thread.setDaemon(true);
      return thread;
    }
  }

  private record DatasetOutcome(List<WriteResult> writes, List<QualityCheck> checks, IngestChecks.Counts counts) {}

  private DatasetOutcome ingest(RunContext ctx, DatasetConfig dataset, DeequMetrics metrics, Object quarantineWrites) {
    JobConfig config = ctx.config();
    ExportFiles exports = new ExportFiles(ctx.spark().sparkContext().hadoopConfiguration(), config.exports(), dataset.path(),
        dataset.requireSuccessMarker());
    ExportFiles.Days listed = exports.days();
    TreeMap<LocalDate, Path> days = new TreeMap<>(listed.present().headMap(ctx.runDate(), true));
    TreeMap<LocalDate, Path> unmarked = new TreeMap<>(listed.unmarked().headMap(ctx.runDate(), true));
    List<QualityCheck> checks = new ArrayList<>();
    boolean snapshot = dataset.contract().kind() == Kind.SNAPSHOT;

    Map<LocalDate, Path> toRead = new TreeMap<>();
    boolean milestones = dataset.contract() == InputContract.ACCOUNTS;
    if (snapshot) {
      if (!days.isEmpty()) {
        toRead.put(days.lastKey(), days.lastEntry().getValue());
      }
    } else if (ctx.mode() == RunMode.FULL_REFRESH) {
      toRead.putAll(days);
    } else if (days.containsKey(ctx.runDate())) {
      toRead.put(ctx.runDate(), days.get(ctx.runDate()));
    }
    QualityCheck freshness = freshness(dataset, days, unmarked, ctx.runDate(), snapshot);
    checks.add(freshness);
    if (toRead.isEmpty()) {
      // Nothing to read: the silver table keeps what it had; a missing export never wipes data.
      return new DatasetOutcome(List.of(), checks, null);
    }
    List<String> files = new ArrayList<>();
    toRead.values().forEach(folder -> files.addAll(exports.files(folder)));
    RawExport raw = new ExportReader(ctx.spark(), exports).read(dataset, files);
    if (!raw.extraColumns().isEmpty()) {
      String extra = ctx.masking().mask(raw.extraColumns().toString());
      LOG.warn("dataset {}: ignoring extra columns {}", dataset.name(), extra);
      checks.add(new QualityCheck(dataset.name(), "extra_columns", Status.WARN, (double) raw.extraColumns().size(), 0.0,
          "ignored extra columns " + extra));
    }
    Instant futureCutoff = ctx.runDate().plusDays(1L + config.futureToleranceDays()).atStartOfDay(ZoneOffset.UTC).toInstant();
    Dataset<Row> typed = ExportValidation.withDatasetRules(
            ExportValidation.withTypedColumns(raw.rows(), dataset.contract(), futureCutoff, ctx.masking()),
            dataset.name(), config.fxRates(), config.reportingCurrency())
        .withColumn(QUARANTINED, when(size(col(ExportValidation.REASONS)).gt(0), 1).otherwise(0))
        // Only a quarantined row needs its raw text: for the rest it would be computed and cached for nothing.
        .withColumn(RawExport.RAW_RECORD, when(col(QUARANTINED).equalTo(1), col(RawExport.RAW_RECORD)))
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      DeequMetrics.InputProfile profile = metrics.profile(typed, QUARANTINED, ExportValidation.UNKNOWN_ENUMS,
          requiredColumns(dataset));
      long inputRows = profile.rows();
      boolean comparableDay = ctx.mode() == RunMode.NIGHTLY || ctx.mode() == RunMode.BACKFILL;
      List<Long> volumeHistory = comparableDay
          ? metrics.inputSizesBefore(dataset.name(), ctx.runDate(), config.quality().volumeHistoryRuns()) : List.of();
      if (comparableDay) {
        metrics.record(dataset.name(), ctx.runDate(), profile);
      }
      if (inputRows == 0) {
        checks.set(checks.indexOf(freshness), new QualityCheck(dataset.name(), "freshness", Status.WARN, 0.0, 1.0,
            "the export for " + toRead.keySet() + " holds no rows"));
      }

      List<WriteResult> writes = new ArrayList<>();
      // Found before taking a turn (a scan of every row read, in parallel with the other datasets'); the
      // turn then only compares and writes these few rows.
      Dataset<Row> rejected = quarantineRows(typed, ctx, dataset).localCheckpoint();
      synchronized (quarantineWrites) {
        writes.add(ctx.tables().replaceSlice(PipelineTables.QUARANTINE, rejected,
            Map.of("run_date", Date.valueOf(ctx.runDate()), "dataset", dataset.name())));
      }

      Dataset<Row> usable = typed.where(col(QUARANTINED).equalTo(0))
          .drop(ExportValidation.REASONS, ExportValidation.UNKNOWN_ENUMS, QUARANTINED, RawExport.RAW_RECORD);
      String key = dataset.contract().key();
      Dataset<Row> repeated = Deduplication.repeatedKeys(usable, key).persist(StorageLevel.MEMORY_AND_DISK());
      try {
        long acceptedRows = inputRows - profile.quarantined() - Deduplication.surplusRows(repeated);
        // Judged before anything of the dataset is written: a sharply shrunk snapshot must not replace history.
        QualityCheck shrink = snapshot ? snapshotShrink(ctx, dataset, acceptedRows, config.quality()) : null;
        boolean keepPrevious = shrink != null && shrink.status() == Status.FAIL;
        if (keepPrevious) {
          LOG.error("dataset {}: {}", dataset.name(), shrink.message());
        }
        if (milestones && !keepPrevious) {
          writes.add(writeMilestones(ctx, exports, dataset, days, usable, futureCutoff));
        }
        Dataset<Row> accepted = Deduplication.keepLatestPerKey(usable, repeated, key, dataset.contract().hasUpdatedAt())
            .withColumn(TableStore.RUN_ID, lit(ctx.runId()));
        if (!keepPrevious && (acceptedRows > 0 || !snapshot)) {
          // An empty snapshot would wipe the table: it is reported (freshness) and not written.
          writes.add(writeSilver(ctx, dataset, accepted, snapshot));
        }
        IngestChecks.Counts counts = new IngestChecks.Counts(inputRows, profile.quarantined(), profile.unknownEnums(),
            acceptedRows);
        checks.addAll(IngestChecks.evaluate(dataset.name(), counts, profile.completeness(), config.quality(), volumeHistory,
            comparableDay));
        if (shrink != null) {
          checks.add(shrink);
        }
        checks.add(keyUniqueness(ctx.staging(), dataset, metrics));
        return new DatasetOutcome(writes, checks, counts);
      } finally {
        repeated.unpersist();
      }
    } finally {
      typed.unpersist();
    }
  }

  /**
   * Upserts the conversion and churn instants the accounts rows show into silver_account_milestones
   * (a full refresh rebuilds it, also from the earlier snapshots).
   */
  private static WriteResult writeMilestones(RunContext ctx, ExportFiles exports, DatasetConfig dataset,
      TreeMap<LocalDate, Path> days, Dataset<Row> usable, Instant futureCutoff) {
    Dataset<Row> snapshots = usable.select("account_id", "converted_at", "churned_at", "export_date");
    if (ctx.mode() == RunMode.FULL_REFRESH) {
      // Earlier snapshots carry conversion/churn instants the newest one has overwritten.
      List<String> earlier = new ArrayList<>();
      days.headMap(days.lastKey(), false).values().forEach(folder -> earlier.addAll(exports.files(folder)));
      if (!earlier.isEmpty()) {
        snapshots = earlierMilestoneColumns(ctx, exports, dataset, earlier, futureCutoff).unionByName(snapshots);
      }
    }
    // Aggregated over all snapshots read at once: an instant seen in several of them is one row.
    Dataset<Row> seen = accountMilestones(snapshots, ctx.runId());
    return ctx.mode() == RunMode.FULL_REFRESH
        ? ctx.staging().replace(Silver.ACCOUNT_MILESTONES, seen)
        : ctx.staging().upsert(Silver.ACCOUNT_MILESTONES, seen, "false");
  }

  /**
   * snapshot_shrink of a snapshot dataset: its accepted rows against the snapshot the last succeeded
   * night before this run date accepted (its cleaned table at the version that night recorded), so
   * a rerun after a killed or failed attempt of the same date judges exactly as the first attempt.
   */
  private static QualityCheck snapshotShrink(RunContext ctx, DatasetConfig dataset, long acceptedRows,
      QualitySettings q) {
    String table = dataset.contract().silver().name();
    Long previous = RunHistory.versionBefore(ctx.tables(), ctx.runDate(), RunContext.stagingKey(ctx.staging(), table))
        .map(version -> ctx.spark().read().format("delta").option("versionAsOf", version)
            .load(ctx.staging().location(table)).count())
        .orElse(null);
    return IngestChecks.snapshotShrink(dataset.name(), acceptedRows, previous, q);
  }

  private static WriteResult writeSilver(RunContext ctx, DatasetConfig dataset, Dataset<Row> accepted, boolean snapshot) {
    TableSpec spec = dataset.contract().silver();
    if (snapshot || ctx.mode() == RunMode.FULL_REFRESH) {
      return ctx.staging().replace(spec, accepted);
    }
    String newer = dataset.contract().hasUpdatedAt()
        ? "s.updated_at > t.updated_at OR (s.updated_at = t.updated_at AND s.export_date >= t.export_date)"
        : "s.export_date >= t.export_date";
    return ctx.staging().upsert(spec, accepted, newer);
  }

  /**
   * Only account_id, converted_at and churned_at of earlier accounts snapshots, for a full
   * refresh: Spark parses just those columns, and rows that do not parse are left out (each
   * snapshot's rejects were quarantined by the run of its own day).
   */
  private static Dataset<Row> earlierMilestoneColumns(RunContext ctx, ExportFiles exports, DatasetConfig dataset,
      List<String> files, Instant futureCutoff) {
    Dataset<Row> typed = ExportValidation.withTypedColumns(
        new ExportReader(ctx.spark(), exports).read(dataset, files).rows(), dataset.contract(), futureCutoff, ctx.masking());
    return typed.where(col("account_id").isNotNull())
        .select("account_id", "converted_at", "churned_at", "export_date");
  }

  /** The distinct conversion and churn instants of the accounts rows read, first seen on the earliest export. */
  static Dataset<Row> accountMilestones(Dataset<Row> accounts, String runId) {
    // One explode rather than a union of two selects, which would scan the (many) snapshots twice.
    return accounts
        .select(col("account_id"), col("export_date"), explode(array(
            struct(lit("converted_at").as("milestone"), col("converted_at").as("occurred_at")),
            struct(lit("churned_at").as("milestone"), col("churned_at").as("occurred_at")))).as("m"))
        .where(col("m.occurred_at").isNotNull())
        .groupBy(col("account_id"), col("m.milestone").as("milestone"), col("m.occurred_at").as("occurred_at"))
        .agg(min("export_date").as("export_date"))
        .withColumn(TableStore.RUN_ID, lit(runId));
  }

  private static Dataset<Row> quarantineRows(Dataset<Row> typed, RunContext ctx, DatasetConfig dataset) {
    return typed.where(col(QUARANTINED).equalTo(1)).select(
        lit(ctx.runId()).as("run_id"),
        lit(Date.valueOf(ctx.runDate())).as("run_date"),
        lit(dataset.contract().source()).as("source"),
        lit(dataset.name()).as("dataset"),
        col(RawExport.SOURCE_FILE).as("source_file"),
        ctx.masking().masked(col(RawExport.RAW_RECORD)).as("raw_record"),
        concat_ws("; ", col(ExportValidation.REASONS)).as("reason"));
  }

  /** Uniqueness of the key in the silver table after the merge: a real check of the table, not of our own dedup. */
  private static QualityCheck keyUniqueness(TableStore staging, DatasetConfig dataset, DeequMetrics metrics) {
    String key = dataset.contract().key();
    double unique = metrics.uniqueness(staging.read(dataset.contract().silver().name()), key);
    double percent = Math.round(unique * 10000.0) / 100.0;
    return new QualityCheck(dataset.name(), "key_uniqueness", unique == 1.0 ? Status.PASS : Status.FAIL, percent, 100.0,
        String.format("%.2f%% of the cleaned table's rows have a %s no other row has", percent, key));
  }

  /** The typed names of the dataset's required columns (emails are kept as their hash). */
  private static List<String> requiredColumns(DatasetConfig dataset) {
    List<String> columns = new ArrayList<>();
    for (InputContract.Column column : dataset.contract().columns()) {
      if (column.required()) {
        columns.add(column.cleanedName());
      }
    }
    return columns;
  }

  /**
   * freshness: an incremental dataset needs its run date's folder, a snapshot dataset one on or
   * before it. A folder without the _SUCCESS marker the dataset requires counts as missing, and
   * the message names it.
   */
  private static QualityCheck freshness(DatasetConfig dataset, TreeMap<LocalDate, Path> days,
      TreeMap<LocalDate, Path> unmarked, LocalDate runDate, boolean snapshot) {
    boolean present = snapshot ? !days.isEmpty() : days.containsKey(runDate);
    // The folder that would have been read but lacks the marker: the run date's, or a snapshot newer than the one read.
    Path unfinished = !snapshot ? unmarked.get(runDate)
        : unmarked.isEmpty() || present && !unmarked.lastKey().isAfter(days.lastKey()) ? null
        : unmarked.lastEntry().getValue();
    String notFinished = unfinished == null ? null : "export folder " + unfinished + " has no " + ExportFiles.SUCCESS_MARKER
        + " marker, so it counts as not present (require-success-marker = true)";
    if (present) {
      String detail = snapshot && !days.lastKey().equals(runDate)
          ? "newest snapshot is from " + days.lastKey() + ", not the run date"
          : "export folder for " + runDate + " present";
      Status status = snapshot && !days.lastKey().equals(runDate) ? Status.WARN : Status.PASS;
      return new QualityCheck(dataset.name(), "freshness", status, 1.0, 1.0,
          detail + (notFinished == null ? "" : "; " + notFinished));
    }
    String what = !snapshot && notFinished != null ? notFinished
        : (snapshot ? "no snapshot on or before " + runDate : "no export folder export_date=" + runDate)
            + (notFinished == null ? "" : "; " + notFinished);
    return new QualityCheck(dataset.name(), "freshness", dataset.optional() ? Status.WARN : Status.FAIL, 0.0, 1.0,
        what + (dataset.optional() ? " (dataset is optional)" : " (required dataset; set optional = true to tolerate)"));
  }
}
