package com.journeyanalytics.jobs.journeys;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import com.journeyanalytics.common.config.JourneySettings;
import com.journeyanalytics.common.config.JourneySettings.Funnel;
import com.journeyanalytics.common.config.StageModel;
import com.journeyanalytics.common.delta.TableStore;
import com.journeyanalytics.common.delta.TableStore.WriteResult;
import com.journeyanalytics.common.quality.QualityCheck;
import com.journeyanalytics.common.schema.Silver;
import com.journeyanalytics.common.schema.Touchpoints;
import com.journeyanalytics.jobs.pipeline.RunContext;
import com.journeyanalytics.jobs.pipeline.Step;
import com.journeyanalytics.jobs.pipeline.StepResult;
import com.journeyanalytics.jobs.sql.SqlFiles;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * Journeys: stage history, customer journeys, stage metrics and transitions, stage and activity
 * paths, funnels, retention cohorts and the usage lifecycle. First the per-subject facts are
 * brought up to the touchpoints (SubjectFacts: on a nightly run only the subjects whose
 * touchpoints changed, so back-stitched touchpoints show up the same night); then every table is
 * computed from those facts, one row per subject, with what depends on the run date.
 */
public final class JourneyStep implements Step {

  private static final StructType STAGES = new StructType()
      .add("stage", DataTypes.StringType).add("stage_order", DataTypes.IntegerType);

  @Override
  public String name() {
    return "journeys";
  }

  @Override
  public StepResult run(RunContext ctx) {
    SparkSession spark = ctx.spark();
    StageModel model = ctx.config().stages();
    JourneySettings settings = ctx.config().journeys();
    LocalDate runDate = ctx.runDate();
    TableStore tables = ctx.tables();
    List<Dataset<Row>> cached = new ArrayList<>();
    List<WriteResult> writes = new ArrayList<>();
    try {
      Dataset<Row> touchpoints = tables.read(Touchpoints.SPEC.name());
      writes.add(SubjectFacts.write(ctx, touchpoints));
      Dataset<Row> facts = cache(cached, ctx.staging().read(SubjectFacts.SPEC.name()));
      Dataset<Row> accounts = accounts(ctx.staging().readOrEmpty(Silver.ACCOUNTS));
      Dataset<Row> milestoneRoles = cache(cached, PayingIntervals.milestoneRoles(
          ctx.staging().readOrEmpty(Silver.ACCOUNT_MILESTONES), runEnd(runDate)));
      Dataset<Row> intervals = PayingIntervals.intervals(milestoneRoles);

      Dataset<Row> history = cache(cached, sql(spark, "stage_history.sql", Map.of("facts", facts),
          Map.of("run_date", runDate)));
      Dataset<Row> journeys = cache(cached, sql(spark, "customer_journeys.sql",
          Map.of("facts", facts, "accounts", accounts, "paying_intervals", intervals), Map.of()));
      Dataset<Row> dimensions = cache(cached, sql(spark, "customer_dimensions.sql", Map.of("journeys", journeys), Map.of()));

      writes.add(tables.replace(JourneyTables.STAGE_HISTORY, withRunId(history, ctx)));
      writes.add(tables.replace(JourneyTables.CUSTOMER_JOURNEYS, withRunId(journeys, ctx)));
      writes.add(tables.replace(JourneyTables.STAGE_METRICS, withRunId(sql(spark, "stage_metrics.sql",
          Map.of("history", history, "journeys", journeys, "dimensions", dimensions, "stages", stages(spark, model)),
          Map.of("run_date", runDate, "churn_stage", model.churnStage())), ctx)));
      writes.add(tables.replace(JourneyTables.STAGE_TRANSITIONS, withRunId(sql(spark, "stage_transitions.sql",
          Map.of("history", history, "journeys", journeys), Map.of("run_date", runDate)), ctx)));
      writes.add(tables.replace(JourneyTables.JOURNEY_PATHS,
          withRunId(TopPaths.stagePaths(journeys, settings.topPaths(), runDate), ctx)));
      writes.add(tables.replace(JourneyTables.ACTIVITY_PATHS, withRunId(TopPaths.activityPaths(
          facts, journeys, settings.topPaths(), runDate), ctx)));

      Dataset<Row> funnels = Funnels.definitions(spark, settings.funnels());
      Dataset<Row> funnelCustomers = Funnels.customers(facts);
      writes.add(tables.replace(JourneyTables.FUNNEL_STEPS, withRunId(sql(spark, "funnel_steps.sql",
          Map.of("funnel_customers", funnelCustomers, "funnels", funnels,
              "funnel_steps_defined", Funnels.stepNames(spark, settings.funnels()), "dimensions", dimensions),
          Map.of("run_date", runDate)), ctx)));

      writes.add(tables.replace(JourneyTables.RETENTION_COHORTS, withRunId(sql(spark, "retention_cohorts.sql",
          Map.of("paying_intervals", intervals, "facts", facts), Map.of("run_date", runDate)), ctx)));
      writes.add(tables.replace(JourneyTables.LIFECYCLE_MONTHLY, withRunId(sql(spark, "lifecycle_monthly.sql",
          Map.of("facts", facts), Map.of("run_date", runDate)), ctx)));
      writes.add(tables.replace(JourneyTables.CONVERSION_DRIVERS, withRunId(ConversionDrivers.conversionDrivers(
          facts, journeys, dimensions, settings.drivers().minSubjects(), runDate), ctx)));

      List<QualityCheck> checks = new ArrayList<>(reconcile(tables, model, settings, touchpoints, journeys,
          funnelCustomers, runDate));
      checks.add(PayingIntervals.conflictsCheck(milestoneRoles));
      return StepResult.of(writes, checks);
    } finally {
      cached.forEach(Dataset::unpersist);
    }
  }

  /**
   * The touchpoints subject_facts.sql reads, shuffled by customer once, with seq = 1-based position
   * in the customer's timeline (occurred_at, then touchpoint_id) and nps_score (the score of an
   * nps_response).
   */
  static Dataset<Row> timeline(Dataset<Row> touchpoints) {
    return touchpoints
        .select("touchpoint_id", "customer_key", "customer_kind", "account_id", "source", "dataset", "activity",
            "channel", "campaign_id", "stage", "stage_order", "occurred_at", "revenue_impact", "features")
        .withColumn("nps_score", when(col("activity").equalTo("nps_response"), col("features").getItem("score")))
        .withColumn("seq", row_number()
            .over(Window.partitionBy("customer_key").orderBy("occurred_at", "touchpoint_id")).cast("bigint"));
  }

  static Dataset<Row> accounts(Dataset<Row> silverAccounts) {
    return silverAccounts.select("account_id", "segment", "plan", "region", "industry", "acquisition_channel");
  }

  /** The end of the run date: a conversion or churn at or after it has not happened yet for this run. */
  static Timestamp runEnd(LocalDate runDate) {
    return Timestamp.from(runDate.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant());
  }

  static Dataset<Row> stages(SparkSession spark, StageModel model) {
    List<Row> rows = new ArrayList<>();
    for (String stage : model.order()) {
      rows.add(RowFactory.create(stage, model.orderOf(stage)));
    }
    return spark.createDataFrame(rows, STAGES);
  }

  /**
   * Counts that must agree: subjects once per key, and as many as the touchpoints name; stage paths
   * and stage metrics cover every subject with a stage, activity paths every subject; each funnel's
   * step 1 holds every subject with a step-1 touchpoint but those left out by an exclusion. The
   * subjects and step-1 touchpoints are counted on the touchpoints table itself, not on the facts:
   * a subject missing from the facts, or left in them without touchpoints, fails the night.
   */
  private static List<QualityCheck> reconcile(TableStore tables, StageModel model, JourneySettings settings,
      Dataset<Row> touchpoints, Dataset<Row> journeys, Dataset<Row> funnelCustomers, LocalDate runDate) {
    List<QualityCheck> checks = new ArrayList<>();
    Row subjects = journeys.agg(
        count(lit(1)),
        sum(when(col("current_stage").isNotNull(), 1L).otherwise(0L))).first();
    long journeyRows = subjects.getLong(0);
    long withStage = subjects.getLong(1);
    List<Column> touchCounts = new ArrayList<>();
    touchCounts.add(countDistinct(col("customer_key")));
    for (Funnel funnel : settings.funnels()) {
      touchCounts.add(countDistinct(when(Funnels.holdsStep(funnel, 1), col("customer_key"))));
    }
    Row touched = touchpoints.agg(touchCounts.get(0), touchCounts.subList(1, touchCounts.size()).toArray(Column[]::new))
        .first();
    checks.add(QualityCheck.reconcile("customer_journeys", "one_row_per_subject", journeyRows, touched.getLong(0),
        "customer_journeys rows vs distinct customer_key in touchpoints"));

    Dataset<Row> paths = tables.read(JourneyTables.JOURNEY_PATHS.name());
    checks.add(QualityCheck.reconcile("journey_paths", "customers_sum_to_subjects",
        sumLong(paths, "customers"), withStage,
        "journey_paths customers (top paths + (other)) vs customer_journeys rows with a non-empty stage path"));
    checks.add(QualityCheck.reconcile("activity_paths", "customers_sum_to_subjects",
        sumLong(tables.read(JourneyTables.ACTIVITY_PATHS.name()), "customers"), journeyRows,
        "activity_paths customers (top paths + (other)) vs customer_journeys rows"));

    String firstStage = model.order().get(0);
    Dataset<Row> firstReached = tables.read(JourneyTables.STAGE_METRICS.name())
        .where(col("dimension").equalTo("all").and(col("stage").equalTo(firstStage))
            .and(col("snapshot_date").equalTo(lit(runDate))));
    checks.add(QualityCheck.reconcile("stage_metrics", "first_stage_reached_equals_subjects",
        sumLong(firstReached, "customers_reached"), withStage,
        "stage_metrics customers_reached of " + firstStage + " (dimension all) vs subjects with any stage"));

    Dataset<Row> steps = tables.read(JourneyTables.FUNNEL_STEPS.name())
        .where(col("dimension").equalTo("all").and(col("step").equalTo(1)));
    for (int i = 0; i < settings.funnels().size(); i++) {
      Funnel funnel = settings.funnels().get(i);
      long withStepOne = touched.getLong(i + 1);
      long excluded = funnelCustomers.where(col("funnel").equalTo(funnel.name()).and(col("is_excluded"))).count();
      long stepOne = sumLong(steps.where(col("funnel").equalTo(funnel.name())), "customers");
      checks.add(QualityCheck.reconcile("funnel_steps", "step_1_" + funnel.name(), stepOne, withStepOne - excluded,
          "funnel " + funnel.name() + " step 1 vs subjects with a step-1 touchpoint minus " + excluded + " excluded"));
    }
    return checks;
  }

  private static long sumLong(Dataset<Row> rows, String column) {
    Row total = rows.agg(sum(col(column))).first();
    return total.isNullAt(0) ? 0L : total.getLong(0);
  }

  private static Dataset<Row> sql(SparkSession spark, String file, Map<String, Dataset<Row>> inputs,
      Map<String, Object> values) {
    return SqlFiles.run(spark, "journeys/" + file, inputs, values);
  }

  private static Dataset<Row> cache(List<Dataset<Row>> cached, Dataset<Row> rows) {
    Dataset<Row> persisted = rows.persist(StorageLevel.MEMORY_AND_DISK());
    cached.add(persisted);
    return persisted;
  }

  private static Dataset<Row> withRunId(Dataset<Row> rows, RunContext ctx) {
    return rows.withColumn(TableStore.RUN_ID, lit(ctx.runId()));
  }
}
