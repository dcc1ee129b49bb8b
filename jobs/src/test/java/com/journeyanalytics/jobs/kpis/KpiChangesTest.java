package com.journeyanalytics.jobs.kpis;

import static com.journeyanalytics.common.testing.DataFrameAssert.assertThatDataFrame;
import static com.journeyanalytics.common.testing.DataFrameAssert.row;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.journeyanalytics.common.testing.SparkTestSession;
import com.journeyanalytics.jobs.pipeline.RunHistory.PublishedRun;
import java.math.BigDecimal;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * The kpi_changes transform on hand-made kpis. The previous published run is night-1 for
 * 2026-03-10 (config hash "c-1"); this run is night-2 for 2026-03-11.
 */
class KpiChangesTest {

  private static final SparkSession SPARK = SparkTestSession.get();
  private static final PublishedRun NIGHT_1 = new PublishedRun("night-1", LocalDate.parse("2026-03-10"), "c-1", "test",
      Map.of("kpis", 3L));
  private static final List<String> COLUMNS = List.of("run_id", "run_date", "previous_run_id", "period_grain",
      "period_start", "kpi", "dimension", "dimension_value", "previous_value", "value", "change_kind", "config_changed");

  @Test
  void givesOneRowPerChangedValueWithItsKind() {
    Dataset<Row> previous = kpis(
        // churned 1 / customers_start 40 x 100
        kpi("month", "2026-02-01", "churn_rate", "all", "all", "2.5"),
        kpi("month", "2026-03-01", "mau", "all", "all", "10"),
        kpi("month", "2026-02-01", "revenue", "segment", "SMB", "100"),
        kpi("month", "2026-01-01", "new_customers", "all", "all", "4"),
        kpi("month", "2026-02-01", "churn_rate", "segment", "Enterprise", null));
    Dataset<Row> current = kpis(
        // A late churn of February: 2 / 40 x 100; February closed before 2026-03-10: restated.
        kpi("month", "2026-02-01", "churn_rate", "all", "all", "5"),
        // March contains 2026-03-10: still in progress then.
        kpi("month", "2026-03-01", "mau", "all", "all", "12"),
        // The run date's day: no such row before.
        kpi("day", "2026-03-11", "dau", "all", "all", "7"),
        // Unchanged, and unchanged null (customers_start 0 both nights): no row. No SMB February
        // revenue any more (its only account moved to another segment): removed.
        kpi("month", "2026-01-01", "new_customers", "all", "all", "4"),
        kpi("month", "2026-02-01", "churn_rate", "segment", "Enterprise", null));

    Dataset<Row> changes = KpiChanges.between(previous, current, NIGHT_1, "night-2", LocalDate.parse("2026-03-11"),
        "c-1");

    assertThatDataFrame(changes).hasColumns("run_id string", "run_date date", "previous_run_id string",
        "period_grain string", "period_start date", "kpi string", "dimension string", "dimension_value string",
        "previous_value decimal(24,4)", "value decimal(24,4)", "change_kind string", "config_changed boolean");
    assertThatDataFrame(changes).containsExactlyRowsInAnyOrder(COLUMNS, List.of(
        row("night-2", "2026-03-11", "night-1", "month", "2026-02-01", "churn_rate", "all", "all", 2.5, 5, "restated", false),
        row("night-2", "2026-03-11", "night-1", "month", "2026-03-01", "mau", "all", "all", 10, 12, "in_progress", false),
        row("night-2", "2026-03-11", "night-1", "day", "2026-03-11", "dau", "all", "all", null, 7, "new", false),
        row("night-2", "2026-03-11", "night-1", "month", "2026-02-01", "revenue", "segment", "SMB", 100, null, "removed",
            false)));
  }

  /**
   * A period is in progress when it contains the previous run date: its day itself too, but not
   * the day before. A value that appears or vanishes is new or removed even in such a period, and
   * a null that becomes a value is a change.
   */
  @Test
  void classifiesByThePreviousRunDateAndFlagsAChangedConfiguration() {
    Dataset<Row> previous = kpis(
        kpi("day", "2026-03-09", "dau", "all", "all", "5"),
        kpi("day", "2026-03-10", "dau", "all", "all", "5"),
        kpi("month", "2026-03-01", "ctr", "campaign", "c1", null),
        kpi("month", "2026-03-01", "impressions", "campaign", "c2", "30"));
    Dataset<Row> current = kpis(
        kpi("day", "2026-03-09", "dau", "all", "all", "6"),
        kpi("day", "2026-03-10", "dau", "all", "all", "6"),
        // ad_click 1 / impression 50 x 100
        kpi("month", "2026-03-01", "ctr", "campaign", "c1", "2"),
        kpi("month", "2026-03-01", "impressions", "campaign", "c3", "50"));

    Dataset<Row> changes = KpiChanges.between(previous, current, NIGHT_1, "night-2", LocalDate.parse("2026-03-11"),
        "c-2");

    assertThatDataFrame(changes).containsExactlyRowsInAnyOrder(
        List.of("period_grain", "period_start", "kpi", "dimension_value", "previous_value", "value", "change_kind",
            "config_changed"),
        List.of(
            row("day", "2026-03-09", "dau", "all", 5, 6, "restated", true),
            row("day", "2026-03-10", "dau", "all", 5, 6, "in_progress", true),
            row("month", "2026-03-01", "ctr", "c1", null, 2, "in_progress", true),
            row("month", "2026-03-01", "impressions", "c2", 30, null, "removed", true),
            row("month", "2026-03-01", "impressions", "c3", null, 50, "new", true)));
  }

  /** A changed value of such a grain could not be told in progress from restated. */
  @Test
  void failsOnAGrainWhosePeriodEndItDoesNotKnow() {
    Dataset<Row> changes = KpiChanges.between(kpis(kpi("week", "2026-03-02", "dau", "all", "all", "1")),
        kpis(kpi("week", "2026-03-02", "dau", "all", "all", "2")), NIGHT_1, "night-2", LocalDate.parse("2026-03-11"),
        "c-1");

    assertThatThrownBy(changes::collectAsList).hasMessageContaining("no period end for period_grain week");
  }

  private static Row kpi(String grain, String periodStart, String kpi, String dimension, String dimensionValue,
      String value) {
    return RowFactory.create(grain, Date.valueOf(periodStart), kpi, dimension, dimensionValue,
        value == null ? null : new BigDecimal(value).setScale(4), null, null, "count", "run");
  }

  private static Dataset<Row> kpis(Row... rows) {
    return SPARK.createDataFrame(new ArrayList<>(List.of(rows)), KpiStep.KPIS.schema());
  }
}
