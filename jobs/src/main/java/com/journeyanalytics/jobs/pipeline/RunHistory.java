package com.journeyanalytics.jobs.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.lit;

import com.journeyanalytics.common.cli.Cli;
import com.journeyanalytics.common.config.DatasetConfig;
import com.journeyanalytics.common.config.JobConfig;
import com.journeyanalytics.common.delta.TableStore;
import com.journeyanalytics.common.schema.PipelineTables;
import com.journeyanalytics.jobs.ingest.ExportFiles;
import io.delta.tables.DeltaTable;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What pipeline_runs says about earlier runs, read by a new job under the run lock before it runs
 * anything: which nights it must run first (nights in order), and which rows were left at
 * {@code running} by a run that died.
 */
public final class RunHistory {

  private static final Logger LOG = LoggerFactory.getLogger(RunHistory.class);

  private RunHistory() {}

  /** A nightly run or backfill for a date before the last published run's; exit status 2. */
  public static final class OutOfOrderException extends RuntimeException {
    OutOfOrderException(String message) {
      super(message);
    }
  }

  /**
   * The run dates of a nightly run or backfill in the order they must run: first every export
   * day (a day with an export folder of any dataset) after the last published run's date and
   * before the first requested date, then the requested dates. Those earlier days were never run
   * to success, or a full refresh to an older date rolled them back; skipping them would lose
   * their incremental exports. A full refresh rebuilds from all exports and maintenance changes no
   * data: both run as requested.
   *
   * @throws OutOfOrderException if the first requested date is before the last published run's
   *     date (rerunning that same date is allowed: runs are idempotent)
   */
  public static List<LocalDate> nightsInOrder(TableStore tables, JobConfig config, Configuration hadoop, RunMode mode,
      List<LocalDate> requested) {
    if (mode != RunMode.NIGHTLY && mode != RunMode.BACKFILL) {
      return requested;
    }
    Optional<Row> last = lastPublished(tables);
    if (last.isEmpty()) {
      return requested;
    }
    LocalDate lastDate = last.get().getDate(1).toLocalDate();
    LocalDate first = requested.get(0);
    if (first.isBefore(lastDate)) {
      throw new OutOfOrderException("run date " + first + " is before " + lastDate + ", the date of the last "
          + "published run (" + last.get().getString(0) + "): nights run in order, and an older night would roll "
          + "the tables back; to rebuild history up to " + first + ", run --mode full_refresh --run-date " + first);
    }
    TreeSet<LocalDate> exportDays = new TreeSet<>();
    for (DatasetConfig dataset : config.datasets().values()) {
      exportDays.addAll(new ExportFiles(hadoop, config.exports(), dataset.path(), dataset.requireSuccessMarker())
          .days().present().keySet());
    }
    List<LocalDate> dates = new ArrayList<>(exportDays.subSet(lastDate, false, first, false));
    if (!dates.isEmpty()) {
      LOG.warn("catching up {} export day(s) after the last published run's date {} before {}: {}", dates.size(),
          lastDate, first, dates);
    }
    dates.addAll(requested);
    return dates;
  }

  /** run_id and run_date of the last run that published data (maintenance publishes none). */
  private static Optional<Row> lastPublished(TableStore tables) {
    if (!tables.exists(PipelineTables.PIPELINE_RUNS.name())) {
      return Optional.empty();
    }
    List<Row> rows = tables.read(PipelineTables.PIPELINE_RUNS.name())
        .filter(col("status").equalTo("succeeded").and(col("mode").notEqual(RunMode.MAINTENANCE.label())))
        .orderBy(col("finished_at").desc(), col("run_id").desc())
        .select("run_id", "run_date")
        .limit(1)
        .collectAsList();
    return rows.stream().findFirst();
  }

  /** A published run as pipeline_runs recorded it: what a later night compares itself with. */
  public record PublishedRun(String runId, LocalDate runDate, String configSha256, String appVersion,
      Map<String, Long> tableVersions) {

    /**
     * Why a night configured by {@code configSha256} cannot start from what this run derived (it
     * would derive it differently): the configuration or the job's version changed since. Empty
     * when it can.
     */
    public Optional<String> staleFor(String configSha256) {
      if (!configSha256.equals(this.configSha256)) {
        return Optional.of("the configuration changed since run " + runId);
      }
      if (!Cli.version().equals(appVersion)) {
        return Optional.of("run " + runId + " was made by version " + appVersion);
      }
      return Optional.empty();
    }

    /**
     * Why {@code table} of {@code store} (one of the run's two stores) no longer holds the rows this
     * run left in it: not recorded, gone, or a commit since changed rows. Maintenance's compaction
     * moves the version but no row, so it does not count. Empty when the table holds those rows.
     */
    public Optional<String> rowsMovedIn(RunContext ctx, TableStore store, String table) {
      String key = ctx.versionKey(store, table);
      Long version = tableVersions.get(key);
      if (version == null || !store.exists(table)) {
        return Optional.of(key + " has no version recorded by run " + runId + " or is gone");
      }
      if (!store.rowsUnchangedSince(table, version)) {
        return Optional.of(key + " changed rows since version " + version + ", which run " + runId + " published");
      }
      return Optional.empty();
    }
  }

  /**
   * The last succeeded run (maintenance excluded: it publishes no data) for a date before {@code
   * runDate}, if any. Before the date, not the last run: a rerun of a date, after a killed or failed
   * attempt or not, finds the same one.
   */
  public static Optional<PublishedRun> publishedBefore(TableStore tables, LocalDate runDate) {
    if (!tables.exists(PipelineTables.PIPELINE_RUNS.name())) {
      return Optional.empty();
    }
    List<Row> rows = tables.read(PipelineTables.PIPELINE_RUNS.name())
        .filter(col("status").equalTo("succeeded").and(col("mode").notEqual(RunMode.MAINTENANCE.label()))
            .and(col("run_date").lt(lit(java.sql.Date.valueOf(runDate)))))
        .orderBy(col("run_date").desc(), col("finished_at").desc(), col("run_id").desc())
        .select("run_id", "run_date", "config_sha256", "app_version", "table_versions")
        .limit(1)
        .collectAsList();
    return rows.stream().findFirst().map(r -> new PublishedRun(r.getString(0), r.getDate(1).toLocalDate(),
        r.getString(2), r.getString(3), r.isNullAt(4) ? Map.of() : Map.copyOf(r.<String, Long>getJavaMap(4))));
  }

  /**
   * The Delta version at which the last succeeded run for a date before {@code runDate} left the
   * table {@code key} (as pipeline_runs.table_versions names it), if any: what that night
   * accepted. A rerun of a date, after a killed or failed attempt, finds the same one.
   */
  public static Optional<Long> versionBefore(TableStore tables, LocalDate runDate, String key) {
    return publishedBefore(tables, runDate).map(run -> run.tableVersions().get(key));
  }

  /**
   * Completes the publishing of a run killed inside its publish step: its row is still at
   * {@code running} but holds the versions it was publishing (written only once every check
   * passed). Called by the holder of the run lock before anything else, so no table moved since.
   * Returns the run ids completed.
   */
  public static List<String> completeInterruptedPublish(TableStore tables, JobConfig config) {
    if (!tables.exists(PipelineTables.PIPELINE_RUNS.name())) {
      return List.of();
    }
    List<Row> interrupted = tables.read(PipelineTables.PIPELINE_RUNS.name())
        .filter(col("status").equalTo("running").and(col("mode").notEqual(RunMode.MAINTENANCE.label()))
            .and(functions.size(col("table_versions")).gt(0)))
        .orderBy(col("started_at"), col("run_id"))
        .select("run_id", "table_versions")
        .collectAsList();
    List<String> completed = new ArrayList<>();
    for (Row row : interrupted) {
      String runId = row.getString(0);
      LOG.warn("run {} was killed while publishing; completing its publishing first", runId);
      Publisher.publish(tables.spark(), config, tables, runId, row.<String, Long>getJavaMap(1));
      DeltaTable.forPath(tables.spark(), tables.location(PipelineTables.PIPELINE_RUNS.name())).update(
          col("run_id").equalTo(runId), Map.of(
              "status", lit("succeeded"),
              "finished_at", current_timestamp(),
              "published_at", current_timestamp()));
      completed.add(runId);
    }
    return completed;
  }

  /**
   * Marks {@code aborted} every pipeline_runs row still at {@code running}. Called by the holder
   * of the run lock before its first run: no other run is going, so such a row belongs to a run
   * that died (killed, its node lost) without recording its end. Returns how many rows.
   */
  public static long markDeadRunsAborted(TableStore tables, String foundBy) {
    if (!tables.exists(PipelineTables.PIPELINE_RUNS.name())) {
      return 0;
    }
    Column running = col("status").equalTo("running");
    List<String> dead = tables.read(PipelineTables.PIPELINE_RUNS.name()).filter(running).select("run_id")
        .collectAsList().stream().map(r -> r.getString(0)).sorted().toList();
    if (dead.isEmpty()) {
      return 0;
    }
    LOG.warn("runs {} were left at running by a run that died; marking them aborted", dead);
    DeltaTable.forPath(tables.spark(), tables.location(PipelineTables.PIPELINE_RUNS.name())).update(running, Map.of(
        "status", lit("aborted"),
        "finished_at", current_timestamp(),
        "error", lit("found dead by run " + foundBy + ": still running when that run took the run lock")));
    return dead.size();
  }
}
