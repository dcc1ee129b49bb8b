package com.journeyanalytics.jobs.serving;

import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;

import com.journeyanalytics.common.delta.TableStore;
import com.journeyanalytics.common.schema.TableSpec;
import com.journeyanalytics.jobs.attribution.AttributionTables;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Small hand-made contract tables for the BI views and the SQL endpoint, written through
 * TableStore. The journeys and KPI steps define the real specs; these follow outputs.md's
 * column names so the views are tested against the contract.
 */
final class ServingFixture {

  private static final DataType PERCENT = DataTypes.createDecimalType(12, 4);
  private static final DataType VALUE = DataTypes.createDecimalType(20, 4);

  static final TableSpec KPIS = TableSpec.table("kpis", "One row per KPI value: period, KPI, breakdown")
      .column("period_grain", StringType, "month, or day where listed")
      .column("period_start", DateType, "First day of the period")
      .column("kpi", StringType, "KPI name")
      .column("dimension", StringType, "Breakdown dimension")
      .column("dimension_value", StringType, "Breakdown value")
      .column("value", VALUE, "KPI value; null when the denominator is 0")
      .column("numerator", VALUE, "Numerator of a ratio KPI")
      .column("denominator", VALUE, "Denominator of a ratio KPI")
      .column("unit", StringType, "percent | count | currency | days | hours | score")
      .column("run_id", StringType, "Run that last wrote this row")
      .build();

  static final TableSpec STAGE_METRICS = TableSpec.table("stage_metrics", "Customers reached and conversion per stage")
      .column("snapshot_date", DateType, "Run date")
      .column("dimension", StringType, "all or a breakdown")
      .column("dimension_value", StringType, "Breakdown value")
      .column("stage", StringType, "Lifecycle stage")
      .column("stage_order", IntegerType, "Stage position")
      .column("customers_reached", LongType, "Customers that reached the stage")
      .column("customers_current", LongType, "Customers in the stage now")
      .column("conversion_to_next_rate", PERCENT, "reached(next) / reached x 100")
      .column("drop_off_rate", PERCENT, "100 - conversion_to_next_rate")
      .column("median_days_in_stage", PERCENT, "Median days in stage")
      .column("p90_days_in_stage", PERCENT, "p90 days in stage")
      .column("run_id", StringType, "Run that last wrote this row")
      .build();

  static final TableSpec STAGE_TRANSITIONS = TableSpec.table("stage_transitions", "Moves between stages")
      .column("snapshot_date", DateType, "Run date")
      .column("from_stage", StringType, "Stage left or (start)")
      .column("to_stage", StringType, "Stage entered")
      .column("customers", LongType, "Customers that moved")
      .column("median_hours", PERCENT, "Median hours")
      .column("p90_hours", PERCENT, "p90 hours")
      .column("run_id", StringType, "Run that last wrote this row")
      .build();

  static final TableSpec RETENTION_COHORTS = TableSpec.table("retention_cohorts", "Conversion cohorts")
      .column("cohort_month", DateType, "Month of conversion")
      .column("months_since", IntegerType, "Months since the cohort month")
      .column("cohort_size", LongType, "Customers converted in the month")
      .column("retained_customers", LongType, "Not churned at the end of the month")
      .column("retention_rate", PERCENT, "retained / size x 100")
      .column("active_customers", LongType, "Usage in the month")
      .column("active_rate", PERCENT, "active / size x 100")
      .column("run_id", StringType, "Run that last wrote this row")
      .build();

  private ServingFixture() {}

  static void writeKpis(TableStore store) {
    write(store, KPIS, List.of(
        // churn_rate all: 4% in October, 5% in November -> +1 point, +25% relative (1 / 4 x 100).
        r("month", "2026-10-01", "churn_rate", "all", "all", "4", "2", "50", "percent"),
        r("month", "2026-11-01", "churn_rate", "all", "all", "5", "3", "60", "percent"),
        // new_customers all: 8 -> 12: +4, +50% (4 / 8 x 100); September is not the previous month.
        r("month", "2026-09-01", "new_customers", "all", "all", "5", null, null, "count"),
        r("month", "2026-10-01", "new_customers", "all", "all", "8", null, null, "count"),
        r("month", "2026-11-01", "new_customers", "all", "all", "12", null, null, "count"),
        // No October row for SMB: no previous value, no change.
        r("month", "2026-11-01", "new_customers", "segment", "SMB", "3", null, null, "count"),
        // Previous value 0: the relative change is undefined (null), the absolute one is +2.
        r("month", "2026-10-01", "churned_customers", "segment", "SMB", "0", null, null, "count"),
        r("month", "2026-11-01", "churned_customers", "segment", "SMB", "2", null, null, "count"),
        // Day-grain rows are not months.
        r("day", "2026-11-20", "new_customers", "all", "all", "1", null, null, "count")));
  }

  static void writeStageMetrics(TableStore store) {
    write(store, STAGE_METRICS, List.of(
        r("2026-11-20", "all", "all", "awareness", "1", "9", "4", "66.6667", "33.3333", "1", "3"),
        r("2026-11-21", "all", "all", "awareness", "1", "10", "4", "60", "40", "2", "5"),
        r("2026-11-21", "all", "all", "consideration", "2", "6", "3", "50", "50", "3", "6"),
        r("2026-11-21", "all", "all", "evaluation", "3", "3", "1", "66.6667", "33.3333", "4", "8"),
        r("2026-11-21", "all", "all", "purchase", "4", "2", "1", null, null, null, null),
        r("2026-11-21", "all", "all", "churned", "8", "1", "1", null, null, null, null),
        r("2026-11-21", "segment", "SMB", "awareness", "1", "4", "2", "50", "50", "2", "4")));
  }

  static void writeStageTransitions(TableStore store) {
    write(store, STAGE_TRANSITIONS, List.of(
        r("2026-11-20", "(start)", "awareness", "9", "0", "0"),
        r("2026-11-21", "(start)", "awareness", "10", "0", "0"),
        r("2026-11-21", "awareness", "consideration", "6", "48", "120"),
        r("2026-11-21", "purchase", "churned", "1", "700", "700"),
        r("2026-11-21", "churned", "purchase", "1", "300", "300")));
  }

  static void writeRetentionCohorts(TableStore store) {
    write(store, RETENTION_COHORTS, List.of(
        r("2026-09-01", "0", "4", "4", "100", "3", "75"),
        r("2026-09-01", "1", "4", "3", "75", "2", "50"),
        r("2026-10-01", "0", "2", "2", "100", "1", "50")));
  }

  static void writeAttribution(TableStore store) {
    write(store, AttributionTables.ATTRIBUTION, List.of(
        // snapshot_date, model, channel, campaign_id, conversions, revenue, spend, roas, cost_per_conversion, removal_effect
        r("2026-11-20", "linear", "email", null, "9", "900", "900", "1", "100", null),
        r("2026-11-21", "first_touch", "email", null, "1", "100", "900", "0.1111", "900", null),
        r("2026-11-21", "first_touch", "paid_search", null, "0", "0", "1.5", "0", null, null),
        r("2026-11-21", "linear", "email", null, "0.5", "50", "900", "0.0556", "1800", null),
        r("2026-11-21", "linear", "paid_search", null, "0.5", "50", "1.5", "33.3333", "3", null),
        r("2026-11-21", "markov", "email", null, "0.3", "30", "900", "0.0333", "3000", "0.3"),
        r("2026-11-21", "markov", "paid_search", null, "0.7", "70", "1.5", "46.6667", "2.1429", "0.7"),
        r("2026-11-21", "first_touch", "email", "cmp1", "1", "100", "900", "0.1111", "900", null)));
  }

  /** Rows given as strings (null for null) in the spec's column order, without run_id. */
  static void write(TableStore store, TableSpec spec, List<List<String>> rows) {
    StructType schema = new StructType();
    for (String column : spec.columnNames()) {
      schema = schema.add(column, StringType);
    }
    List<Row> withRunId = new ArrayList<>();
    for (List<String> row : rows) {
      List<Object> values = new ArrayList<>(row);
      values.add("run-1");
      withRunId.add(RowFactory.create(values.toArray()));
    }
    store.replace(spec, store.spark().createDataFrame(withRunId, schema));
  }

  private static List<String> r(String... values) {
    return Arrays.asList(values);
  }
}
