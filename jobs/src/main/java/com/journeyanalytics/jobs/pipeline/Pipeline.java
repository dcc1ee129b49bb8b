package com.journeyanalytics.jobs.pipeline;


import com.journeyanalytics.common.delta.TableStore;
import com.journeyanalytics.common.delta.TableStore.WriteResult;
import com.journeyanalytics.common.quality.QualityCheck;
import com.journeyanalytics.common.quality.QualityCheck.Status;
import com.journeyanalytics.common.schema.PipelineTables;
import com.journeyanalytics.jobs.report.ReportData.StepTime;
import com.journeyanalytics.jobs.report.RunReport;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.collection.JavaConverters;

/**
 * Runs the steps of one run in order, then publishes, and records it: a pipeline_runs row when
 * it starts, when every check passed (with the versions it publishes) and when it ends
 * (succeeded or failed, with the error), and the data_quality results. A failing data-quality
 * check stops the run after its step; a run publishes (Publisher) only after every step and
 * check passed, so readers of the journey database never see a failed night. Every run but
 * maintenance ends by writing the night's report (RunReport), whose failure is only a warning.
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
    writeRun(ctx, started, null, null, "running", null, List.of(), Map.of());
    List<StepResult> results = new ArrayList<>();
    List<StepTime> times = new ArrayList<>();
    String error = null;
    boolean checksWritten = false;
    Map<String, Long> versions = Map.of();
    Instant published = null;
    try {
      runSteps(ctx, results, times);
      if (ctx.mode() != RunMode.MAINTENANCE) {
        writeChecks(ctx, results);
        checksWritten = true;
        versions = tableVersions(ctx);
        // The run's manifest: every check passed and these are the versions it publishes. A run
        // killed from here on is published by the next run before anything else (RunHistory).
        writeRun(ctx, started, null, null, "running", null, results, versions);
        LOG.info("step {}/{} publish ...", steps.size() + 1, steps.size() + 1);
        long t0 = System.nanoTime();
        try {
          publish(ctx, versions);
        } catch (RuntimeException e) {
          times.add(new StepTime(PUBLISH, "failed", seconds(t0)));
          throw e;
        }
        times.add(new StepTime(PUBLISH, "succeeded", seconds(t0)));
        published = Instant.now();
      }
    } catch (Throwable e) {
      // Errors too (out of memory, a metastore failure): the run's row must not stay at running.
      boolean expected = e instanceof StepFailedException || e instanceof DataQualityFailure;
      // Messages of Spark and of checks may quote data (a header line, a value): masked before stored.
      error = ctx.masking().mask(expected ? e.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage());
      LOG.error("run {} failed: {}", ctx.runId(), error, expected ? null : e);
    }
    try {
      // Maintenance checks nothing; it must not replace the day's data-quality results.
      if (!checksWritten && ctx.mode() != RunMode.MAINTENANCE) {
        writeChecks(ctx, results);
      }
    } finally {
      writeRun(ctx, started, Instant.now(), published, error == null ? "succeeded" : "failed", error, results,
          error == null && ctx.mode() != RunMode.MAINTENANCE ? versions : tableVersions(ctx));
      Publisher.exposeRunLog(ctx.spark(), ctx.config(), ctx.tables());
    }
    LOG.info("run {} for {} ({}) {}", ctx.runId(), ctx.runDate(), ctx.mode().label(),
        error == null ? "succeeded" : "FAILED: " + error);
    LOG.info(summary(ctx, results, started));
    if (ctx.mode() != RunMode.MAINTENANCE) {
      RunReport.writeQuietly(ctx.spark(), ctx.config(), ctx.tables(), ctx.runId(), allSteps(times));
    }
    return new RunOutcome(ctx.runId(), error == null, error, results);
  }

  /** Name of the last step of a run (other than maintenance) in the report. */
  static final String PUBLISH = "publish";

  /** Every step of the run in order with its time; those it did not reach are {@code not run}. */
  private List<StepTime> allSteps(List<StepTime> times) {
    List<StepTime> all = new ArrayList<>(times);
    List<String> names = new ArrayList<>(steps.stream().map(Step::name).toList());
    names.add(PUBLISH);
    for (String name : names.subList(Math.min(times.size(), names.size()), names.size())) {
      all.add(new StepTime(name, "not run", 0));
    }
    return all;
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  /**
   * The steps in order; a step with a failing check stops the run after it. A run of a night whose
   * last run failed or was killed first takes over the steps that run completed (CompletedSteps).
   */
  private void runSteps(RunContext ctx, List<StepResult> results, List<StepTime> times) {
    boolean recorded = ctx.mode() != RunMode.MAINTENANCE;
    CompletedSteps record = null;
    List<CompletedSteps.Done> taken = List.of();
    Map<String, Long> before = Map.of();
    if (recorded) {
      record = CompletedSteps.startOf(ctx, appVersion);
      before = tableVersions(ctx);
      taken = CompletedSteps.resumable(ctx, record, steps.stream().map(Step::name).toList(), before);
      if (!taken.isEmpty()) {
        record = record.withSteps(taken);
        record.write(ctx);
      }
    }
    int total = steps.size() + (recorded ? 1 : 0);
    for (int i = 0; i < steps.size(); i++) {
      Step step = steps.get(i);
      if (i < taken.size()) {
        results.add(taken.get(i).result());
        times.add(new StepTime(step.name(), TAKEN_OVER, 0));
        LOG.info("step {}/{} {}: taken over", i + 1, total, step.name());
        continue;
      }
      LOG.info("step {}/{} {} ...", i + 1, total, step.name());
      long t0 = System.nanoTime();
      StepResult result;
      try {
        result = step.run(ctx);
      } catch (StepFailedException e) {
        times.add(new StepTime(step.name(), "failed", seconds(t0)));
        results.add(e.partial());
        throw e;
      } catch (RuntimeException | Error e) {
        times.add(new StepTime(step.name(), "failed", seconds(t0)));
        throw e;
      }
      results.add(result);
      LOG.info("step {} done in {} s: {}", step.name(), (System.nanoTime() - t0) / 1_000_000_000, describe(result));
      List<QualityCheck> failed = result.checks().stream().filter(c -> c.status() == Status.FAIL).toList();
      times.add(new StepTime(step.name(), failed.isEmpty() ? "succeeded" : "failed", seconds(t0)));
      if (!failed.isEmpty()) {
        throw new DataQualityFailure(failed);
      }
      if (recorded) {
        Map<String, Long> after = tableVersions(ctx);
        record = record.with(new CompletedSteps.Done(step.name(), CompletedSteps.masked(ctx, result), after,
            written(result, before, after)));
        record.write(ctx);
        before = after;
      }
    }
  }

  /** Status in the report of a step a run took over from the failed run before it. */
  static final String TAKEN_OVER = "taken over";

  /**
   * The version keys of the tables a step wrote: those whose version moved, and those it wrote
   * without a change (skipped commits), by name in either store.
   */
  private static Set<String> written(StepResult result, Map<String, Long> before, Map<String, Long> after) {
    Set<String> written = new TreeSet<>();
    after.forEach((key, version) -> {
      if (!version.equals(before.get(key))) {
        written.add(key);
      }
    });
    for (WriteResult write : result.writes()) {
      for (String key : after.keySet()) {
        if (key.equals(write.table()) || key.endsWith("." + write.table())) {
          written.add(key);
        }
      }
    }
    return written;
  }

  /**
   * Publishes the run's versions. If publishing fails part way, the views it already replaced are
   * put back to what they showed before, so readers keep the previous night whole.
   */
  private static void publish(RunContext ctx, Map<String, Long> versions) {
    Map<String, Publisher.Pin> before = Publisher.publishedPins(ctx.spark(), ctx.config().database());
    try {
      Publisher.publish(ctx.spark(), ctx.config(), ctx.tables(), ctx.runId(), versions);
    } catch (RuntimeException e) {
      try {
        Publisher.restore(ctx.spark(), ctx.config(), ctx.tables(), before, versions.keySet());
      } catch (RuntimeException restoreFailure) {
        LOG.error("publishing run {} failed and the previous views could not be restored: readers may see a mix "
            + "of nights until the next run publishes", ctx.runId(), restoreFailure);
        e.addSuppressed(restoreFailure);
      }
      throw e;
    }
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

  private void writeRun(RunContext ctx, Instant started, Instant finished, Instant published, String status,
      String error, List<StepResult> results, Map<String, Long> versions) {
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
    Row row = RowFactory.create(ctx.runId(), Date.valueOf(ctx.runDate()), ctx.mode().label(), Timestamp.from(started),
        finished == null ? null : Timestamp.from(finished), published == null ? null : Timestamp.from(published),
        status, error, scalaMap(input), scalaMap(quarantined), scalaMap(output), scalaMap(versions),
        ctx.config().configSha256(), appVersion);
    Dataset<Row> runs = ctx.spark().createDataFrame(List.of(row), PipelineTables.PIPELINE_RUNS.schema());
    ctx.tables().upsert(PipelineTables.PIPELINE_RUNS, runs, "true");
  }

  /** The current Delta version of every table of both databases (pipeline_runs itself excluded). */
  private static Map<String, Long> tableVersions(RunContext ctx) {
    Map<String, Long> versions = new TreeMap<>();
    for (TableStore store : List.of(ctx.tables(), ctx.staging())) {
      for (String table : store.tableNames()) {
        if (!table.equals(PipelineTables.PIPELINE_RUNS.name())) {
          versions.put(ctx.versionKey(store, table), store.version(table));
        }
      }
    }
    return versions;
  }

  private static scala.collection.Map<String, Long> scalaMap(Map<String, Long> map) {
    return JavaConverters.mapAsScalaMap(map);
  }

}
