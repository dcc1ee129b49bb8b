package com.journeyanalytics.jobs.kpis;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.trunc;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.StringType;

import com.journeyanalytics.common.config.KpiSettings;
import com.journeyanalytics.common.delta.TableStore;
import com.journeyanalytics.common.delta.TableStore.WriteResult;
import com.journeyanalytics.common.quality.QualityCheck;
import com.journeyanalytics.common.schema.Silver;
import com.journeyanalytics.common.schema.TableSpec;
import com.journeyanalytics.common.schema.Touchpoints;
import com.journeyanalytics.jobs.journeys.PayingIntervals;
import com.journeyanalytics.jobs.journeys.SubjectFacts;
import com.journeyanalytics.jobs.pipeline.Publisher;
import com.journeyanalytics.jobs.pipeline.RunContext;
import com.journeyanalytics.jobs.pipeline.RunHistory;
import com.journeyanalytics.jobs.pipeline.Step;
import com.journeyanalytics.jobs.pipeline.StepResult;
import com.journeyanalytics.jobs.sql.SqlFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Writes the kpis table: every KPI of {@link KpiCatalog} per calendar month (dau also per day),
 * overall and by its breakdowns, in one narrow table, and what that changed in the values the
 * previous published run reported ({@link KpiChanges}). The computation is the SQL under
 * {@code sql/kpis/}; see docs/kpis.md for the definitions.
 */
public final class KpiStep implements Step {

  private static final DataType NUMBER = DataTypes.createDecimalType(24, 4);

  public static final TableSpec KPIS = TableSpec.table(
          "kpis",
          "Journey KPIs, one row per value: per calendar month (dau also per day), overall (dimension all) and"
              + " by breakdown. Definitions: docs/kpis.md.")
      .column("period_grain", StringType, "month, or day (dau only)")
      .column("period_start", DateType, "First day of the period (UTC); the run date's month is partial, up to the run date")
      .column("kpi", StringType, "KPI name, e.g. churn_rate, nps, mau (see docs/kpis.md)")
      .column("dimension", StringType, "Breakdown: all, segment, plan, region, industry, acquisition_channel, channel, campaign or feature")
      .column("dimension_value", StringType, "Value of the breakdown (all for dimension all; unknown when the account has none)")
      .column("value", NUMBER, "The KPI's value, rounded to 4 places; null when its denominator is 0")
      .column("numerator", NUMBER, "Numerator of a ratio KPI (null for counts, sums and medians)")
      .column("denominator", NUMBER, "Denominator of a ratio KPI (null for counts, sums and medians)")
      .column("unit", StringType, "percent | count | currency | days | hours | score")
      .column("run_id", StringType, "Run that last wrote this row")
      .key("period_grain", "period_start", "kpi", "dimension", "dimension_value")
      .build();

  /**
   * The silver tables and touchpoints the KPIs are computed from, and the journey subjects' first
   * touches ({@code subjects}: customer_key, customer_kind, first_touch_at, one row per subject, as
   * subject_facts holds them), so that first touches are not found again in every touchpoint.
   */
  public record Inputs(
      Dataset<Row> accounts,
      Dataset<Row> milestones,
      Dataset<Row> invoices,
      Dataset<Row> touches,
      Dataset<Row> tickets,
      Dataset<Row> surveys,
      Dataset<Row> events,
      Dataset<Row> touchpoints,
      Dataset<Row> subjects) {}

  @Override
  public String name() {
    return "kpis";
  }

  @Override
  public StepResult run(RunContext context) {
    TableStore staging = context.staging();
    Inputs inputs = new Inputs(
        staging.readOrEmpty(Silver.ACCOUNTS),
        staging.readOrEmpty(Silver.ACCOUNT_MILESTONES),
        staging.readOrEmpty(Silver.INVOICES),
        staging.readOrEmpty(Silver.TOUCHES),
        staging.readOrEmpty(Silver.TICKETS),
        staging.readOrEmpty(Silver.SURVEYS),
        staging.readOrEmpty(Silver.EVENTS),
        context.tables().readOrEmpty(Touchpoints.SPEC),
        subjects(staging.readOrEmpty(SubjectFacts.SPEC)));
    // Computed once: the KPIs and the new_customers reconciliation both read them.
    Dataset<Row> intervals = materialize(payingIntervals(inputs, context.runDate()));
    Dataset<Row> kpis = computeKpis(
        context.spark(), inputs, intervals, context.config().kpis(), context.runDate(), context.runId());
    WriteResult write = context.tables().replace(KPIS, kpis);
    Dataset<Row> written = context.tables().read(KPIS.name());
    List<QualityCheck> checks = new ArrayList<>(reconcile(written, inputs, intervals, context.runDate()));
    WriteResult changes = writeChanges(context, written, checks);
    return StepResult.of(List.of(write, changes), checks);
  }

  /**
   * Replaces the run date's rows of kpi_changes: the kpis just written against those of the previous
   * published run. That run is the last one for a date before this run's, so a rerun of the date
   * compares with the same night and writes the same rows. With no such run (the first night), or
   * none whose kpis can still be read, the run date has no rows.
   */
  private static WriteResult writeChanges(RunContext context, Dataset<Row> current, List<QualityCheck> checks) {
    Dataset<Row> changes = RunHistory.publishedBefore(context.tables(), context.runDate())
        // A run recorded by a job version without this step left no kpis version to compare with.
        .filter(run -> run.tableVersions().containsKey(KPIS.name()))
        .flatMap(run -> previousKpis(context, run, checks).map(previous -> KpiChanges.between(previous, current, run,
            context.runId(), context.runDate(), context.config().configSha256())))
        .orElseGet(() -> context.spark().createDataFrame(List.of(), KpiChanges.SPEC.schema()));
    return context.tables().replaceSlice(KpiChanges.SPEC, changes, Map.of("run_date", Date.valueOf(context.runDate())));
  }

  /**
   * The previous run's kpis. While that run is the one readers see, at the version its view is pinned
   * to: maintenance re-pins the view to a compacted version (the same rows), and a vacuum a week
   * later deletes the files of the version the run recorded. Otherwise at the recorded version; if a
   * vacuum deleted its files (a rerun long after), a warning instead of a failed night.
   */
  private static Optional<Dataset<Row>> previousKpis(RunContext context, RunHistory.PublishedRun run,
      List<QualityCheck> checks) {
    Publisher.Pin pin = Publisher.publishedPins(context.spark(), context.config().database()).get(KPIS.name());
    boolean published = pin != null && pin.runId().equals(run.runId());
    long version = published ? pin.version() : run.tableVersions().get(KPIS.name());
    Dataset<Row> previous = context.spark().read().format("delta").option("versionAsOf", version)
        .load(context.tables().location(KPIS.name()));
    // A pinned version's files are never vacuumed: only a recorded one needs its files checked.
    long missing = published ? 0 : Arrays.stream(previous.inputFiles()).filter(file -> !exists(context, file)).count();
    if (missing == 0) {
      return Optional.of(previous);
    }
    checks.add(new QualityCheck(KpiChanges.SPEC.name(), "kpi_changes_baseline", QualityCheck.Status.WARN,
        (double) missing, 0.0, "the kpis of run " + run.runId() + " (version " + version + ") can no longer be read: "
            + missing + " file(s) vacuumed; no kpi_changes rows for " + context.runDate()));
    return Optional.empty();
  }

  private static boolean exists(RunContext context, String file) {
    try {
      org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(file);
      return path.getFileSystem(context.spark().sparkContext().hadoopConfiguration()).exists(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The kpis table's rows for the run date. */
  public static Dataset<Row> computeKpis(
      SparkSession spark, Inputs inputs, KpiSettings settings, LocalDate runDate, String runId) {
    return computeKpis(spark, inputs, materialize(payingIntervals(inputs, runDate)), settings, runDate, runId);
  }

  private static Dataset<Row> computeKpis(SparkSession spark, Inputs inputs, Dataset<Row> intervals,
      KpiSettings settings, LocalDate runDate, String runId) {
    Map<String, Object> params = new HashMap<>();
    params.put("run_date", runDate);
    params.put("cutoff_at", cutoff(runDate));
    Dataset<Row> periods = materialize(sql(spark, "periods.sql", Map.of("accounts", inputs.accounts(),
        "events", inputs.events(), "invoices", inputs.invoices(), "paying_intervals", intervals,
        "surveys", inputs.surveys(), "tickets", inputs.tickets(), "touches", inputs.touches(),
        "subjects", inputs.subjects()), params));

    Map<String, Object> windows = new HashMap<>(params);
    windows.put("trial_window_days", settings.trialToPaidWindowDays());
    windows.put("lead_window_days", settings.leadToCustomerWindowDays());
    windows.put("onboarding_window_days", settings.onboardingWindowDays());
    windows.put("clv_cap_months", settings.clvCapMonths());
    Map<String, Object> sla = new HashMap<>(params);
    for (String priority : KpiSettings.PRIORITIES) {
      sla.put("sla_" + priority + "_hours", settings.slaHours(priority));
    }
    Dataset<Row> baseRows = materialize(sql(spark, "accounts.sql", Map.of("accounts", inputs.accounts(),
            "events", inputs.events(), "invoices", inputs.invoices(), "paying_intervals", intervals, "periods", periods,
            "subjects", inputs.subjects()), windows))
        .unionByName(materialize(sql(spark, "marketing.sql", Map.of("periods", periods, "touches", inputs.touches()),
            params)))
        .unionByName(materialize(sql(spark, "support.sql", Map.of("accounts", inputs.accounts(), "periods", periods,
            "surveys", inputs.surveys(), "tickets", inputs.tickets(), "touchpoints", inputs.touchpoints()), sla)))
        .unionByName(materialize(sql(spark, "usage.sql", Map.of("accounts", inputs.accounts(),
            "events", inputs.events(), "periods", periods), params)));
    Dataset<Row> exactRows = materialize(sql(spark, "exact_values.sql", Map.of("base_rows", baseRows), Map.of()));
    Dataset<Row> compositeRows = materialize(sql(spark, "composite.sql", Map.of("exact_rows", exactRows,
        "journey_score_weights", journeyScoreWeights(spark, settings.journeyScoreWeights())), Map.of()));
    return KPIS.conform(sql(spark, "kpis.sql", Map.of("catalog", catalog(spark), "composite_rows", compositeRows,
        "exact_rows", exactRows), Map.of("run_id", runId)));
  }

  /** The {@link Inputs#subjects} columns of subject_facts. */
  static Dataset<Row> subjects(Dataset<Row> subjectFacts) {
    return subjectFacts.select("customer_key", "customer_kind", "first_touch_at");
  }

  /** The accounts' paying intervals up to the end of the run date. */
  static Dataset<Row> payingIntervals(Inputs inputs, LocalDate runDate) {
    return PayingIntervals.intervals(PayingIntervals.milestoneRoles(inputs.milestones(), cutoff(runDate)));
  }

  /**
   * new_customers (all) summed over the months equals the (account, month) pairs with the start of
   * a paying interval up to the run date, and tickets (all) summed equals the tickets created up to
   * the run date.
   */
  static List<QualityCheck> reconcile(Dataset<Row> kpis, Inputs inputs, Dataset<Row> intervals, LocalDate runDate) {
    Timestamp cutoff = cutoff(runDate);
    List<QualityCheck> checks = new ArrayList<>();
    checks.add(QualityCheck.reconcile("kpis", "new_customers_reconcile",
        monthlyTotal(kpis, "new_customers"),
        intervals.select(col("account_id"), trunc(col("started_at"), "MM")).distinct().count(),
        "new_customers summed over the months vs the months in which accounts started a paying interval"));
    checks.add(QualityCheck.reconcile("kpis", "tickets_reconcile",
        monthlyTotal(kpis, "tickets"),
        inputs.tickets().where(col("created_at").lt(lit(cutoff))).count(),
        "tickets summed over the months vs tickets created up to the run date"));
    return checks;
  }

  private static long monthlyTotal(Dataset<Row> kpis, String kpi) {
    Row total = kpis
        .where(col("period_grain").equalTo("month").and(col("kpi").equalTo(kpi)).and(col("dimension").equalTo("all")))
        .agg(sum("value"))
        .first();
    return total.isNullAt(0) ? 0L : total.getDecimal(0).longValueExact();
  }

  /** The end of the run date: anything at or after it has not happened yet for this run. */
  static Timestamp cutoff(LocalDate runDate) {
    return Timestamp.from(runDate.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant());
  }

  /** One row per (kpi, unit, period_grain, dimension) of the catalog: what the table may hold. */
  private static Dataset<Row> catalog(SparkSession spark) {
    StructType schema = new StructType()
        .add("kpi", StringType)
        .add("unit", StringType)
        .add("period_grain", StringType)
        .add("dimension", StringType);
    List<Row> rows = new ArrayList<>();
    for (KpiCatalog.Kpi kpi : KpiCatalog.ALL) {
      for (String grain : kpi.grains()) {
        for (String dimension : kpi.dimensions()) {
          rows.add(RowFactory.create(kpi.name(), kpi.unit(), grain, dimension));
        }
      }
    }
    return spark.createDataFrame(rows, schema);
  }

  private static Dataset<Row> journeyScoreWeights(SparkSession spark, Map<String, BigDecimal> weights) {
    StructType schema = new StructType().add("kpi", StringType).add("weight", DataTypes.createDecimalType(10, 4));
    List<Row> rows = new ArrayList<>();
    weights.forEach((kpi, weight) -> rows.add(RowFactory.create(kpi, weight)));
    return spark.createDataFrame(rows, schema);
  }

  /**
   * Computes an intermediate result once. Later queries read it several times (composite KPIs
   * join the month's KPIs with themselves); without cutting the lineage here every reference
   * would re-plan all the SQL before it.
   */
  private static Dataset<Row> materialize(Dataset<Row> rows) {
    return rows.localCheckpoint();
  }

  private static Dataset<Row> sql(SparkSession spark, String file, Map<String, Dataset<Row>> inputs,
      Map<String, Object> values) {
    return SqlFiles.run(spark, "kpis/" + file, inputs, values);
  }
}
