package com.journeyanalytics.jobs.report;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_position;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.max;

import com.journeyanalytics.common.config.JobConfig;
import com.journeyanalytics.common.delta.TableStore;
import com.journeyanalytics.common.schema.PipelineTables;
import com.journeyanalytics.jobs.pipeline.Publisher;
import com.journeyanalytics.jobs.pipeline.RunMode;
import com.journeyanalytics.jobs.report.ReportData.ActivityPath;
import com.journeyanalytics.jobs.report.ReportData.ChangeCount;
import com.journeyanalytics.jobs.report.ReportData.Check;
import com.journeyanalytics.jobs.report.ReportData.Credit;
import com.journeyanalytics.jobs.report.ReportData.Driver;
import com.journeyanalytics.jobs.report.ReportData.Flow;
import com.journeyanalytics.jobs.report.ReportData.FunnelStep;
import com.journeyanalytics.jobs.report.ReportData.KpiChange;
import com.journeyanalytics.jobs.report.ReportData.KpiSeries;
import com.journeyanalytics.jobs.report.ReportData.Run;
import com.journeyanalytics.jobs.report.ReportData.StepTime;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The night's report, {@code <warehouse>/_reports/<run_date>.html}: gathers a run's row, its
 * checks and the main results (KPIs, stage transitions, funnels, attribution, conversion drivers,
 * activity paths, what the night changed in reported KPIs) through the session into a ReportData,
 * renders it (ReportHtml) and writes it with the Hadoop FileSystem API (local, HDFS or s3a).
 * Written by the pipeline at the end of every run but maintenance, and by scripts/report.sh on
 * demand.
 *
 * <p>The charts show the tables as the run left them (Delta time travel to its
 * pipeline_runs.table_versions) when it published; a run that published nothing shows what
 * readers of the journey database see, and says so. Step times are known only to the run
 * itself: it keeps them beside the reports, in {@code _reports/_steps/<run_id>.tsv}.
 */
public final class RunReport {

  private static final Logger LOG = LoggerFactory.getLogger(RunReport.class);

  /** Folder of the reports under the warehouse. */
  public static final String FOLDER = "_reports";

  /** The KPIs charted (dimension all), in this order; those with no value in the 13 months are left out. */
  public static final List<String> MAIN_KPIS = List.of("new_customers", "churned_customers", "churn_rate", "revenue",
      "arpa", "nps", "ctr", "mau", "journey_score");

  /** Attribution models in display order (others after them). */
  static final List<String> MODELS = List.of("first_touch", "last_touch", "linear", "time_decay", "position_based",
      "markov", "shapley");

  /** Conversion drivers shown: this many with the smallest q-values. */
  static final int DRIVERS = 10;

  /** Activity paths shown: the most common ones, by rank. */
  static final int ACTIVITY_PATHS = 10;

  /** Restated or removed KPI values listed (dimension all first); the counts cover all of them. */
  static final int KPI_CHANGES = 20;

  private RunReport() {}

  /** {@code <warehouse>/_reports/<run_date>.html}. */
  public static Path reportPath(String warehouse, LocalDate runDate) {
    return new Path(warehouse + "/" + FOLDER + "/" + runDate + ".html");
  }

  static Path stepsPath(String warehouse, String runId) {
    return new Path(warehouse + "/" + FOLDER + "/_steps/" + runId + ".tsv");
  }

  /**
   * Writes the report of a run that just ended, with its step times; never throws: a report that
   * cannot be written is a warning in the log, and the run's outcome stays what it is.
   */
  public static void writeQuietly(SparkSession spark, JobConfig config, TableStore tables, String runId,
      List<StepTime> steps) {
    long t0 = System.nanoTime();
    try {
      Configuration hadoop = spark.sparkContext().hadoopConfiguration();
      try {
        writeSteps(hadoop, stepsPath(tables.warehouse(), runId), steps);
      } catch (IOException | RuntimeException e) {
        LOG.warn("the step times of run {} could not be kept for later reports: {}", runId, e.toString());
      }
      ReportData data = gather(spark, config, tables, runId, steps);
      Path path = reportPath(tables.warehouse(), data.run().runDate());
      write(hadoop, path, ReportHtml.render(data));
      LOG.info("report of run {} written to {} in {} ms", runId, path, (System.nanoTime() - t0) / 1_000_000);
    } catch (Throwable e) {
      LOG.warn("the report of run {} could not be written (the run is not affected): {}", runId, e.toString(), e);
    }
  }

  /** The run id of the last run (other than maintenance) for {@code runDate}, or of all when empty. */
  public static Optional<String> findRun(TableStore tables, Optional<LocalDate> runDate) {
    if (!tables.exists(PipelineTables.PIPELINE_RUNS.name())) {
      return Optional.empty();
    }
    Column which = col("mode").notEqual(RunMode.MAINTENANCE.label());
    if (runDate.isPresent()) {
      which = which.and(col("run_date").equalTo(lit(Date.valueOf(runDate.get()))));
    }
    return tables.read(PipelineTables.PIPELINE_RUNS.name()).filter(which)
        .orderBy(col("started_at").desc(), col("run_id").desc()).select("run_id").limit(1)
        .collectAsList().stream().findFirst().map(r -> r.getString(0));
  }

  /** Reads what the report of {@code runId} shows; {@code steps} null: read the ones the run kept. */
  public static ReportData gather(SparkSession spark, JobConfig config, TableStore tables, String runId,
      List<StepTime> steps) {
    Row row = tables.read(PipelineTables.PIPELINE_RUNS.name()).filter(col("run_id").equalTo(runId)).limit(1)
        .collectAsList().stream().findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no run " + runId + " in pipeline_runs"));
    Run run = new Run(row.getAs("run_id"), ((Date) row.getAs("run_date")).toLocalDate(), row.getAs("mode"),
        row.getAs("status"), row.getAs("error"), instant(row.getAs("started_at")), instant(row.getAs("finished_at")),
        instant(row.getAs("published_at")), longs(row, "input_rows"), longs(row, "quarantined_rows"),
        longs(row, "output_rows"), row.getAs("app_version"));
    List<String> notes = new ArrayList<>();
    if (steps == null) {
      try {
        steps = readSteps(spark.sparkContext().hadoopConfiguration(), stepsPath(tables.warehouse(), runId));
      } catch (IOException | RuntimeException e) {
        notes.add("step times: " + firstLine(e));
        steps = List.of();
      }
    }

    boolean ownVersions = "succeeded".equals(run.status()) && run.publishedAt() != null;
    Map<String, Long> versions = ownVersions ? longs(row, "table_versions") : Map.of();
    String source;
    if (ownVersions) {
      source = "Shown as run " + run.runId() + " left the tables (the Delta versions it published).";
    } else {
      String published = Publisher.publishedPins(spark, config.database()).values().stream()
          .map(Publisher.Pin::runId).filter(id -> id != null).findFirst().orElse(null);
      source = "This run published nothing: shown is what readers of " + config.database() + " see"
          + (published == null ? " (nothing published yet)." : ", the night of run " + published + ".");
    }
    Tables t = new Tables(spark, config, tables, versions, run.runDate());
    LocalDate runDate = run.runDate();
    List<Check> checks = section("data quality", notes, () -> checks(tables, runId));
    List<KpiSeries> kpis = section("KPIs", notes, () -> kpis(t, runDate));
    List<Flow> sankey = section("stage Sankey", notes, () -> sankey(t, runDate, config.stages().order()));
    List<FunnelStep> funnels = section("funnels", notes, () -> funnels(t, runDate));
    List<Credit> attribution = section("attribution", notes, () -> attribution(t, runDate));
    List<Driver> drivers = section("conversion drivers", notes, () -> drivers(t));
    List<ActivityPath> paths = section("activity paths", notes, () -> activityPaths(t));
    List<ChangeCount> changeCounts = section("KPI changes", notes, () -> changeCounts(t));
    List<KpiChange> changes = section("KPI changes listed", notes, () -> kpiChanges(t));
    return new ReportData(run, steps, checks, kpis, sankey, funnels, attribution, drivers, paths, changeCounts, changes,
        source, notes, Instant.now());
  }

  /** Writes (replaces) a text file through Hadoop's FileSystem API. */
  public static void write(Configuration hadoop, Path path, String text) throws IOException {
    FileSystem fs = path.getFileSystem(hadoop);
    try (OutputStream out = fs.create(path, true)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }

  static void writeSteps(Configuration hadoop, Path path, List<StepTime> steps) throws IOException {
    StringBuilder text = new StringBuilder();
    for (StepTime s : steps) {
      text.append(s.name().replaceAll("\\s", " ")).append('\t').append(s.status()).append('\t')
          .append(String.format(Locale.ROOT, "%.3f", s.seconds())).append('\n');
    }
    write(hadoop, path, text.toString());
  }

  static List<StepTime> readSteps(Configuration hadoop, Path path) throws IOException {
    FileSystem fs = path.getFileSystem(hadoop);
    if (!fs.exists(path)) {
      return List.of();
    }
    String text;
    try (var in = fs.open(path)) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    List<StepTime> steps = new ArrayList<>();
    for (String line : text.split("\n")) {
      String[] f = line.split("\t");
      if (f.length == 3) {
        steps.add(new StepTime(f[0], f[1], Double.parseDouble(f[2])));
      }
    }
    return steps;
  }

  /** The tables a report reads: at the run's own versions when it published, else the published views. */
  private record Tables(SparkSession spark, JobConfig config, TableStore store, Map<String, Long> versions,
      LocalDate runDate) {
    Dataset<Row> read(String table) {
      Long version = versions.get(table);
      if (version != null) {
        return spark.read().format("delta").option("versionAsOf", version).load(store.location(table));
      }
      return spark.table("`" + config.database() + "`.`" + table + "`");
    }

    /** Rows of the latest snapshot on or before the run date. */
    Dataset<Row> latest(String table, Column filter) {
      Dataset<Row> rows = read(table).filter(filter.and(col("snapshot_date").leq(lit(Date.valueOf(runDate())))));
      Row max = rows.agg(org.apache.spark.sql.functions.max("snapshot_date")).first();
      if (max.isNullAt(0)) {
        return rows.limit(0);
      }
      return rows.filter(col("snapshot_date").equalTo(lit(max.getDate(0))));
    }
  }

  private static List<Check> checks(TableStore tables, String runId) {
    if (!tables.exists(PipelineTables.DATA_QUALITY.name())) {
      return List.of();
    }
    List<Check> checks = new ArrayList<>();
    for (Row r : tables.read(PipelineTables.DATA_QUALITY.name()).filter(col("run_id").equalTo(runId))
        .select("dataset", "check_name", "status", "observed_value", "threshold", "message").collectAsList()) {
      checks.add(new Check(r.getString(0), r.getString(1), r.getString(2), r.isNullAt(3) ? null : r.getDouble(3),
          r.isNullAt(4) ? null : r.getDouble(4), r.getString(5)));
    }
    return ReportHtml.sortedChecks(checks);
  }

  private static List<KpiSeries> kpis(Tables t, LocalDate runDate) {
    LocalDate last = runDate.withDayOfMonth(1);
    LocalDate first = last.minusMonths(12);
    List<Row> rows = t.read("kpis")
        .filter(col("period_grain").equalTo("month").and(col("dimension").equalTo("all"))
            .and(col("kpi").isin(MAIN_KPIS.toArray()))
            .and(col("period_start").between(lit(Date.valueOf(first)), lit(Date.valueOf(last)))))
        .selectExpr("kpi", "unit", "period_start", "CAST(value AS DOUBLE) AS value")
        .collectAsList();
    List<LocalDate> months = new ArrayList<>();
    for (LocalDate m = first; !m.isAfter(last); m = m.plusMonths(1)) {
      months.add(m);
    }
    Map<String, String> units = new HashMap<>();
    Map<String, Map<LocalDate, Double>> values = new HashMap<>();
    for (Row r : rows) {
      units.put(r.getString(0), r.getString(1));
      values.computeIfAbsent(r.getString(0), k -> new TreeMap<>())
          .put(r.getDate(2).toLocalDate(), r.isNullAt(3) ? null : r.getDouble(3));
    }
    List<KpiSeries> series = new ArrayList<>();
    for (String kpi : MAIN_KPIS) {
      Map<LocalDate, Double> byMonth = values.get(kpi);
      if (byMonth != null && byMonth.values().stream().anyMatch(v -> v != null)) {
        series.add(new KpiSeries(kpi, units.get(kpi), months, months.stream().map(byMonth::get).toList()));
      }
    }
    return series;
  }

  private static List<Flow> sankey(Tables t, LocalDate runDate, List<String> stageOrder) {
    List<Flow> flows = new ArrayList<>();
    for (Row r : t.latest("stage_transitions", lit(true))
        .selectExpr("from_stage", "to_stage", "CAST(customers AS BIGINT)").orderBy("from_stage", "to_stage")
        .collectAsList()) {
      String from = r.getString(0);
      String to = r.getString(1);
      // Re-entries (a comeback) flow backwards: a Sankey diagram cannot draw the loop.
      boolean forward = "(start)".equals(from) || stageOrder.indexOf(to) > stageOrder.indexOf(from);
      if (forward && !r.isNullAt(2) && r.getLong(2) > 0) {
        flows.add(new Flow(from, to, r.getLong(2)));
      }
    }
    return flows;
  }

  private static List<FunnelStep> funnels(Tables t, LocalDate runDate) {
    List<FunnelStep> steps = new ArrayList<>();
    for (Row r : t.latest("funnel_steps", col("dimension").equalTo("all"))
        .selectExpr("funnel", "CAST(step AS INT)", "step_name", "CAST(customers AS BIGINT)",
            "CAST(conversion_from_start AS DOUBLE)")
        .orderBy("funnel", "step").collectAsList()) {
      steps.add(new FunnelStep(r.getString(0), r.getInt(1), r.getString(2), r.isNullAt(3) ? 0 : r.getLong(3),
          r.isNullAt(4) ? null : r.getDouble(4)));
    }
    return steps;
  }

  private static List<Credit> attribution(Tables t, LocalDate runDate) {
    List<Credit> credits = new ArrayList<>();
    for (Row r : t.latest("attribution", col("campaign_id").isNull())
        .selectExpr("model", "channel", "CAST(conversions AS DOUBLE)", "CAST(revenue AS DOUBLE)",
            "CAST(conversions_ci_low AS DOUBLE)", "CAST(conversions_ci_high AS DOUBLE)")
        .collectAsList()) {
      credits.add(new Credit(r.getString(0), r.getString(1), r.isNullAt(2) ? 0 : r.getDouble(2),
          r.isNullAt(3) ? null : r.getDouble(3), r.isNullAt(4) ? null : r.getDouble(4),
          r.isNullAt(5) ? null : r.getDouble(5)));
    }
    credits.sort(java.util.Comparator.<Credit>comparingInt(c -> {
      int i = MODELS.indexOf(c.model());
      return i < 0 ? MODELS.size() : i;
    }).thenComparing(Credit::model).thenComparing(Credit::channel));
    return credits;
  }

  /** The {@value #DRIVERS} factors with the smallest q-values (ties: the larger effect, then by name). */
  private static List<Driver> drivers(Tables t) {
    List<Driver> drivers = new ArrayList<>();
    for (Row r : t.latest("conversion_drivers", lit(true))
        .orderBy(col("q_value"), abs(log(col("odds_ratio"))).desc(), col("factor_kind"), col("factor"))
        .limit(DRIVERS)
        .selectExpr("concat(factor_kind, ': ', factor)", "CAST(subjects_with AS BIGINT)",
            "CAST(conversion_rate_with AS DOUBLE)", "CAST(conversion_rate_without AS DOUBLE)", "odds_ratio", "ci_low",
            "ci_high", "q_value")
        .collectAsList()) {
      drivers.add(new Driver(r.getString(0), r.getLong(1), r.isNullAt(2) ? null : r.getDouble(2),
          r.isNullAt(3) ? null : r.getDouble(3), r.getDouble(4), r.getDouble(5), r.getDouble(6), r.getDouble(7)));
    }
    return drivers;
  }

  /** The {@value #ACTIVITY_PATHS} most common activity paths. */
  private static List<ActivityPath> activityPaths(Tables t) {
    List<ActivityPath> paths = new ArrayList<>();
    for (Row r : t.latest("activity_paths", col("rank").leq(ACTIVITY_PATHS).and(col("path").notEqual("(other)")))
        .selectExpr("CAST(rank AS INT)", "path", "CAST(customers AS BIGINT)", "CAST(share_of_customers AS DOUBLE)",
            "CAST(conversion_rate AS DOUBLE)")
        .orderBy("rank").collectAsList()) {
      paths.add(new ActivityPath(r.getInt(0), r.getString(1), r.getLong(2), r.isNullAt(3) ? null : r.getDouble(3),
          r.isNullAt(4) ? null : r.getDouble(4)));
    }
    return paths;
  }

  /** The run date's kpi_changes rows counted per change_kind, in the order new, in_progress, restated, removed. */
  private static List<ChangeCount> changeCounts(Tables t) {
    List<ChangeCount> counts = new ArrayList<>();
    for (Row r : t.read("kpi_changes").filter(col("run_date").equalTo(lit(Date.valueOf(t.runDate()))))
        .groupBy("change_kind")
        .agg(count(lit(1)), max("previous_run_id"), max("config_changed"))
        .orderBy(array_position(array(lit("new"), lit("in_progress"), lit("restated"), lit("removed")),
            col("change_kind")))
        .collectAsList()) {
      counts.add(new ChangeCount(r.getString(0), r.getLong(1), r.getString(2), !r.isNullAt(3) && r.getBoolean(3)));
    }
    return counts;
  }

  /** The first {@value #KPI_CHANGES} restated or removed values of the run date (dimension all first, by period and KPI). */
  private static List<KpiChange> kpiChanges(Tables t) {
    List<KpiChange> changes = new ArrayList<>();
    for (Row r : t.read("kpi_changes")
        .filter(col("run_date").equalTo(lit(Date.valueOf(t.runDate())))
            .and(col("change_kind").isin("restated", "removed")))
        .orderBy(col("dimension").notEqual("all"), col("period_start"), col("period_grain"), col("kpi"),
            col("dimension"), col("dimension_value"))
        .limit(KPI_CHANGES)
        .selectExpr("change_kind", "period_grain", "period_start", "kpi", "dimension", "dimension_value",
            "CAST(previous_value AS DOUBLE)", "CAST(value AS DOUBLE)")
        .collectAsList()) {
      changes.add(new KpiChange(r.getString(0), r.getString(1), r.getDate(2).toLocalDate(), r.getString(3),
          r.getString(4), r.getString(5), r.isNullAt(6) ? null : r.getDouble(6), r.isNullAt(7) ? null : r.getDouble(7)));
    }
    return changes;
  }

  /** A section's data, or none and a note saying why (a table not written yet, vacuumed versions...). */
  private static <T> List<T> section(String name, List<String> notes, Supplier<List<T>> read) {
    try {
      return read.get();
    } catch (Exception e) {
      // Exception, not RuntimeException: Spark's AnalysisException (a table not written yet) is checked.
      LOG.warn("report: {} could not be read: {}", name, e.toString());
      notes.add(name + ": " + firstLine(e));
      return List.of();
    }
  }

  private static String firstLine(Throwable e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return message.lines().findFirst().orElse(message);
  }

  private static Instant instant(Object timestamp) {
    return timestamp == null ? null : ((Timestamp) timestamp).toInstant();
  }

  private static Map<String, Long> longs(Row row, String field) {
    int i = row.fieldIndex(field);
    if (row.isNullAt(i)) {
      return Map.of();
    }
    Map<String, Long> map = new LinkedHashMap<>();
    new TreeMap<String, Long>(row.<String, Long>getJavaMap(i)).forEach(map::put);
    return map;
  }
}
