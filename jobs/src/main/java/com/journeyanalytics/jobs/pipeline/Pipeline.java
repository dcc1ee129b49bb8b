package com.journeyanalytics.jobs.pipeline;


import com.journeyanalytics.common.delta.TableStore;
import com.journeyanalytics.common.delta.TableStore.WriteResult;
import com.journeyanalytics.common.quality.QualityCheck;
import com.journeyanalytics.common.quality.QualityCheck.Status;
import com.journeyanalytics.common.schema.PipelineTables;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.collection.JavaConverters;

/**
 * Runs the steps of one run in order and records it: a pipeline_runs row when it starts and
 * when it ends (succeeded or failed, with the error), the data_quality results and the Delta
 * version of every table. A failing data-quality check stops the run after its step, so the
 * tables of later steps stay as they were.
 */
public final class Pipeline {

  private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

  private final List<Step> steps;
  private final String appVersion;

  public Pipeline(List<Step> steps, String appVersion) {
    this.steps = List.copyOf(steps);
    this.appVersion = appVersion;
  }

  /** The outcome of a run, as recorded in pipeline_runs. */
  public record RunOutcome(String runId, boolean succeeded, String error, List<StepResult> results) {}

  public RunOutcome run(RunContext ctx) {
    Instant started = Instant.now();
    writeRun(ctx, started, null, "running", null, List.of());
    List<StepResult> results = new ArrayList<>();
    String error = null;
    try {
      for (int i = 0; i < steps.size(); i++) {
        Step step = steps.get(i);
        LOG.info("step {}/{} {} ...", i + 1, steps.size(), step.name());
        long t0 = System.nanoTime();
        StepResult result;
        try {
          result = step.run(ctx);
        } catch (StepFailedException e) {
          results.add(e.partial());
          throw e;
        }
        results.add(result);
        LOG.info("step {} done in {} s: {}", step.name(), (System.nanoTime() - t0) / 1_000_000_000, describe(result));
        List<QualityCheck> failed = result.checks().stream().filter(c -> c.status() == Status.FAIL).toList();
        if (!failed.isEmpty()) {
          throw new DataQualityFailure(failed);
        }
      }
    } catch (RuntimeException e) {
      // Messages of Spark and of checks may quote data (a header line, a value): masked before stored.
      error = ctx.masking().mask(e instanceof StepFailedException || e instanceof DataQualityFailure
          ? e.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage());
      LOG.error("run {} failed: {}", ctx.runId(), error, e instanceof StepFailedException || e instanceof DataQualityFailure ? null : e);
    }
    try {
      // Maintenance checks nothing; it must not replace the day's data-quality results.
      if (ctx.mode() != RunMode.MAINTENANCE) {
        writeChecks(ctx, results);
      }
    } finally {
      writeRun(ctx, started, Instant.now(), error == null ? "succeeded" : "failed", error, results);
    }
    LOG.info("run {} for {} ({}) {}", ctx.runId(), ctx.runDate(), ctx.mode().label(),
        error == null ? "succeeded" : "FAILED: " + error);
    LOG.info(summary(ctx, results, started));
    return new RunOutcome(ctx.runId(), error == null, error, results);
  }

  /** A check with status fail: the run stops after the step that ran it. */
  static final class DataQualityFailure extends RuntimeException {
    DataQualityFailure(List<QualityCheck> failed) {
      super("data-quality check failed: " + failed.stream()
          .map(c -> c.dataset() + "/" + c.checkName() + " (" + c.message() + ")")
          .collect(Collectors.joining("; ")));
    }
  }

  /** The run in one line: rows in and out, quarantined, warnings, skipped checks (not passes), duration. */
  static String summary(RunContext ctx, List<StepResult> results, Instant started) {
    long in = 0;
    long out = 0;
    long quarantined = 0;
    long warnings = 0;
    long skipped = 0;
    for (StepResult result : results) {
      in += result.inputRows().values().stream().mapToLong(Long::longValue).sum();
      quarantined += result.quarantinedRows().values().stream().mapToLong(Long::longValue).sum();
      out += result.writes().stream().filter(w -> w.rows() >= 0).mapToLong(WriteResult::rows).sum();
      warnings += result.checks().stream().filter(c -> c.status() == Status.WARN).count();
      skipped += result.checks().stream().filter(c -> c.status() == Status.SKIPPED).count();
    }
    return String.format("summary run %s (%s, %s): %d rows in, %d rows out, %d quarantined, %d warnings, %d checks skipped, %d s",
        ctx.runId(), ctx.mode().label(), ctx.runDate(), in, out, quarantined, warnings, skipped,
        Duration.between(started, Instant.now()).toSeconds());
  }

  private static String describe(StepResult result) {
    String written = result.writes().stream()
        .map(w -> w.table() + (w.rows() >= 0 ? " " + w.rows() + " rows" : "") + (w.changed() ? "" : " (unchanged)"))
        .collect(Collectors.joining(", "));
    long warnings = result.checks().stream().filter(c -> c.status() == Status.WARN).count();
    long skipped = result.checks().stream().filter(c -> c.status() == Status.SKIPPED).count();
    return (written.isEmpty() ? "nothing written" : written) + (warnings > 0 ? "; " + warnings + " warnings" : "")
        + (skipped > 0 ? "; " + skipped + " checks skipped (too little data)" : "");
  }

  private static void writeChecks(RunContext ctx, List<StepResult> results) {
    List<Row> rows = new ArrayList<>();
    Date runDate = Date.valueOf(ctx.runDate());
    for (StepResult result : results) {
      for (QualityCheck c : result.checks()) {
        rows.add(RowFactory.create(ctx.runId(), runDate, c.dataset(), c.checkName(), c.status().label(),
            c.observedValue(), c.threshold(), ctx.masking().mask(c.message())));
      }
    }
    Dataset<Row> checks = ctx.spark().createDataFrame(rows, PipelineTables.DATA_QUALITY.schema());
    ctx.tables().replaceSlice(PipelineTables.DATA_QUALITY, checks, Map.of("run_date", runDate));
  }

  private void writeRun(RunContext ctx, Instant started, Instant finished, String status, String error,
      List<StepResult> results) {
    Map<String, Long> input = new TreeMap<>();
    Map<String, Long> quarantined = new TreeMap<>();
    Map<String, Long> output = new TreeMap<>();
    for (StepResult result : results) {
      input.putAll(result.inputRows());
      quarantined.putAll(result.quarantinedRows());
      output.putAll(result.outputRows());
      for (WriteResult write : result.writes()) {
        if (write.rows() >= 0) {
          output.put(write.table(), write.rows());
        }
      }
    }
    Map<String, Long> versions = finished == null ? Map.of() : tableVersions(ctx);
    Row row = RowFactory.create(ctx.runId(), Date.valueOf(ctx.runDate()), ctx.mode().label(), Timestamp.from(started),
        finished == null ? null : Timestamp.from(finished), status, error, scalaMap(input), scalaMap(quarantined),
        scalaMap(output), scalaMap(versions), ctx.config().configSha256(), appVersion);
    Dataset<Row> runs = ctx.spark().createDataFrame(List.of(row), PipelineTables.PIPELINE_RUNS.schema());
    ctx.tables().upsert(PipelineTables.PIPELINE_RUNS, runs, "true");
  }

  /** The current Delta version of every table of both databases (pipeline_runs itself excluded). */
  private static Map<String, Long> tableVersions(RunContext ctx) {
    Map<String, Long> versions = new TreeMap<>();
    for (TableStore store : List.of(ctx.tables(), ctx.staging())) {
      for (String table : store.tableNames()) {
        if (!table.equals(PipelineTables.PIPELINE_RUNS.name())) {
          versions.put(store == ctx.staging() ? store.database() + "." + table : table, store.version(table));
        }
      }
    }
    return versions;
  }

  private static scala.collection.Map<String, Long> scalaMap(Map<String, Long> map) {
    return JavaConverters.mapAsScalaMap(map);
  }

}
