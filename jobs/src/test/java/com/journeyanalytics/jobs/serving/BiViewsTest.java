package com.journeyanalytics.jobs.serving;

import static com.journeyanalytics.common.testing.DataFrameAssert.assertThatDataFrame;
import static com.journeyanalytics.common.testing.DataFrameAssert.row;
import static org.assertj.core.api.Assertions.assertThat;

import com.journeyanalytics.common.config.JobConfig;
import com.journeyanalytics.common.testing.SparkTestSession;
import com.journeyanalytics.jobs.fixtures.TestRuns;
import com.journeyanalytics.jobs.pipeline.RunContext;
import com.journeyanalytics.jobs.pipeline.Publisher;
import com.journeyanalytics.jobs.pipeline.RunMode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BiViewsTest {

  private final SparkSession spark = SparkTestSession.get();
  private RunContext ctx;
  private String database;

  @BeforeEach
  void setUp(@TempDir Path warehouse) {
    JobConfig config = TestRuns.config(warehouse.resolve("exports"), warehouse, Map.of());
    ctx = TestRuns.context(config, "run-2", "2026-11-21", RunMode.NIGHTLY);
    database = config.database();
  }

  private Dataset<Row> view(String name) {
    return spark.table(database + "." + name);
  }

  private void writeAllSources() {
    ServingFixture.writeKpis(ctx.tables());
    ServingFixture.writeStageMetrics(ctx.tables());
    ServingFixture.writeStageTransitions(ctx.tables());
    ServingFixture.writeRetentionCohorts(ctx.tables());
    ServingFixture.writeAttribution(ctx.tables());
  }

  @Test
  void latestKpiMonthComesWithThePreviousMonthAndTheChange() {
    ServingFixture.writeKpis(ctx.tables());

    publish();

    // churn_rate 4 -> 5: +1, 1 / 4 x 100 = +25%; new_customers 8 -> 12: +4, 4 / 8 x 100 = +50%;
    // SMB new_customers has no October row; SMB churned_customers 0 -> 2: +2, relative undefined.
    assertThatDataFrame(view("v_kpi_latest_month")).containsExactlyRowsInAnyOrder(
        List.of("kpi", "dimension", "dimension_value", "unit", "period_start", "value", "previous_period_start",
            "previous_value", "absolute_change", "relative_change_pct"),
        List.of(
            row("churn_rate", "all", "all", "percent", "2026-11-01", 5, "2026-10-01", 4, 1, 25),
            row("new_customers", "all", "all", "count", "2026-11-01", 12, "2026-10-01", 8, 4, 50),
            row("new_customers", "segment", "SMB", "count", "2026-11-01", 3, "2026-10-01", null, null, null),
            row("churned_customers", "segment", "SMB", "count", "2026-11-01", 2, "2026-10-01", 0, 2, null)));
  }

  @Test
  void monthlyKpiSeriesLeavesOutDayGrainRows() {
    ServingFixture.writeKpis(ctx.tables());

    publish();

    assertThatDataFrame(view("v_kpi_monthly").where("kpi = 'new_customers' AND dimension = 'all'"))
        .containsExactlyRowsInAnyOrder(List.of("month", "value"), List.of(
            row("2026-09-01", 5), row("2026-10-01", 8), row("2026-11-01", 12)));
  }

  @Test
  void funnelShowsTheLatestOverallSnapshotWithoutTheChurnStage() {
    ServingFixture.writeStageMetrics(ctx.tables());

    publish();

    // conversion_from_first_rate = reached / 10 (awareness) x 100.
    assertThatDataFrame(view("v_stage_funnel")).containsExactlyRowsInAnyOrder(
        List.of("snapshot_date", "stage", "stage_order", "customers_reached", "conversion_from_first_rate", "conversion_to_next_rate"),
        List.of(
            row("2026-11-21", "awareness", 1, 10, 100, 60),
            row("2026-11-21", "consideration", 2, 6, 60, 50),
            row("2026-11-21", "evaluation", 3, 3, 30, 66.6667),
            row("2026-11-21", "purchase", 4, 2, 20, null)));
  }

  @Test
  void sankeyLinksMarkTheReactivationLoopAsNotForward() {
    ServingFixture.writeStageTransitions(ctx.tables());

    publish();

    assertThatDataFrame(view("v_stage_sankey")).containsExactlyRowsInAnyOrder(
        List.of("snapshot_date", "source", "target", "value", "is_forward"),
        List.of(
            row("2026-11-21", "(start)", "awareness", 10, true),
            row("2026-11-21", "awareness", "consideration", 6, true),
            row("2026-11-21", "purchase", "churned", 1, true),
            row("2026-11-21", "churned", "purchase", 1, false)));
  }

  @Test
  void retentionHeatmapLabelsCohortsByMonth() {
    ServingFixture.writeRetentionCohorts(ctx.tables());

    publish();

    assertThatDataFrame(view("v_retention_heatmap")).containsExactlyRowsInAnyOrder(
        List.of("cohort", "months_since", "cohort_size", "retention_rate", "active_rate"),
        List.of(
            row("2026-09", 0, 4, 100, 75),
            row("2026-09", 1, 4, 75, 50),
            row("2026-10", 0, 2, 100, 50)));
  }

  @Test
  void attributionChannelRowsOfTheLatestSnapshotArePivotedToOneColumnPerModel() {
    ServingFixture.writeAttribution(ctx.tables());

    publish();

    // The campaign row (cmp1) and the 2026-11-20 snapshot stay out; last_touch has no rows.
    assertThatDataFrame(view("v_attribution_by_model")).containsExactlyRowsInAnyOrder(
        List.of("snapshot_date", "channel", "first_touch", "last_touch", "linear", "markov", "shapley",
            "first_touch_revenue", "markov_revenue", "shapley_revenue", "spend"),
        List.of(
            row("2026-11-21", "email", 1, null, 0.5, 0.3, 0.25, 100, 30, 25, 900),
            row("2026-11-21", "paid_search", 0, null, 0.5, 0.7, 0.75, 0, 70, 75, 1.5)));
  }

  @Test
  void aViewWhoseSourceTableIsMissingIsSkippedAndCreatedOnALaterRun() {
    ServingFixture.writeKpis(ctx.tables());

    publish();

    assertThat(viewNames()).containsExactlyInAnyOrder("v_kpi_latest_month", "v_kpi_monthly");

    ServingFixture.writeStageMetrics(ctx.tables());
    publish();

    assertThat(viewNames()).containsExactlyInAnyOrder("v_kpi_latest_month", "v_kpi_monthly", "v_stage_funnel");
  }

  @Test
  void everyViewAndEveryViewColumnHasAComment() throws Exception {
    writeAllSources();

    publish();

    assertThat(viewNames()).containsExactlyInAnyOrderElementsOf(BiViews.VIEWS);
    for (String view : BiViews.VIEWS) {
      assertThat(spark.catalog().getTable(database, view).description()).as(view + " comment").isNotBlank();
      List<Row> columns = spark.sql("DESCRIBE TABLE " + database + "." + view).collectAsList();
      assertThat(columns).as(view + " columns").isNotEmpty();
      for (Row column : columns) {
        assertThat(column.getString(2)).as(view + "." + column.getString(0) + " comment").isNotBlank();
      }
    }
  }

  /** Publishes what the store holds, as a run does once its checks passed. */
  private void publish() {
    Map<String, Long> versions = new TreeMap<>();
    for (String table : ctx.tables().tableNames()) {
      versions.put(table, ctx.tables().version(table));
    }
    Publisher.publish(spark, ctx.config(), ctx.tables(), ctx.runId(), versions);
  }

  /** The BI views (not the tables' views); SHOW VIEWS, not catalog().listTables(): the latter fails in Spark 3.5 once the session has a temp view. */
  private List<String> viewNames() {
    return spark.sql("SHOW VIEWS IN " + database).where("NOT isTemporary AND viewName LIKE 'v\\_%'").collectAsList().stream()
        .map(r -> r.getString(r.fieldIndex("viewName"))).collect(Collectors.toList());
  }
}
