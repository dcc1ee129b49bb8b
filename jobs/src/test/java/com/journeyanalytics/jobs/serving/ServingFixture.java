package com.journeyanalytics.jobs.serving;

import static org.apache.spark.sql.types.DataTypes.StringType;

import com.journeyanalytics.common.delta.TableStore;
import com.journeyanalytics.common.schema.TableSpec;
import com.journeyanalytics.jobs.attribution.AttributionTables;
import com.journeyanalytics.jobs.journeys.JourneyTables;
import com.journeyanalytics.jobs.kpis.KpiStep;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

/**
 * Small hand-made tables for the BI views, written through TableStore with the product's own
 * table specs (KpiStep.KPIS, JourneyTables, AttributionTables), so that a renamed or retyped
 * column in the product breaks these tests. Each fixture names the columns it fills; the spec's
 * other columns are null.
 */
final class ServingFixture {

  private ServingFixture() {}

  static void writeKpis(TableStore store) {
    write(store, KpiStep.KPIS, List.of("period_grain", "period_start", "kpi", "dimension", "dimension_value", "value",
        "numerator", "denominator", "unit"), List.of(
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
    write(store, JourneyTables.STAGE_METRICS, List.of("snapshot_date", "dimension", "dimension_value", "stage", "stage_order",
        "customers_reached", "customers_current", "conversion_to_next_rate", "drop_off_rate", "median_days_in_stage",
        "p90_days_in_stage"), List.of(
        r("2026-11-20", "all", "all", "awareness", "1", "9", "4", "66.6667", "33.3333", "1", "3"),
        r("2026-11-21", "all", "all", "awareness", "1", "10", "4", "60", "40", "2", "5"),
        r("2026-11-21", "all", "all", "consideration", "2", "6", "3", "50", "50", "3", "6"),
        r("2026-11-21", "all", "all", "evaluation", "3", "3", "1", "66.6667", "33.3333", "4", "8"),
        r("2026-11-21", "all", "all", "purchase", "4", "2", "1", null, null, null, null),
        r("2026-11-21", "all", "all", "churned", "8", "1", "1", null, null, null, null),
        r("2026-11-21", "segment", "SMB", "awareness", "1", "4", "2", "50", "50", "2", "4")));
  }

  static void writeStageTransitions(TableStore store) {
    write(store, JourneyTables.STAGE_TRANSITIONS, List.of("snapshot_date", "from_stage", "to_stage", "customers",
        "median_hours", "p90_hours"), List.of(
        r("2026-11-20", "(start)", "awareness", "9", "0", "0"),
        r("2026-11-21", "(start)", "awareness", "10", "0", "0"),
        r("2026-11-21", "awareness", "consideration", "6", "48", "120"),
        r("2026-11-21", "purchase", "churned", "1", "700", "700"),
        r("2026-11-21", "churned", "purchase", "1", "300", "300")));
  }

  static void writeRetentionCohorts(TableStore store) {
    write(store, JourneyTables.RETENTION_COHORTS, List.of("cohort_month", "months_since", "cohort_size",
        "retained_customers", "retention_rate", "active_customers", "active_rate"), List.of(
        r("2026-09-01", "0", "4", "4", "100", "3", "75"),
        r("2026-09-01", "1", "4", "3", "75", "2", "50"),
        r("2026-10-01", "0", "2", "2", "100", "1", "50")));
  }

  static void writeAttribution(TableStore store) {
    write(store, AttributionTables.ATTRIBUTION, List.of("snapshot_date", "model", "channel", "campaign_id", "conversions",
        "revenue", "spend", "roas", "cost_per_conversion", "removal_effect"), List.of(
        r("2026-11-20", "linear", "email", null, "9", "900", "900", "1", "100", null),
        r("2026-11-21", "first_touch", "email", null, "1", "100", "900", "0.1111", "900", null),
        r("2026-11-21", "first_touch", "paid_search", null, "0", "0", "1.5", "0", null, null),
        r("2026-11-21", "linear", "email", null, "0.5", "50", "900", "0.0556", "1800", null),
        r("2026-11-21", "linear", "paid_search", null, "0.5", "50", "1.5", "33.3333", "3", null),
        r("2026-11-21", "markov", "email", null, "0.3", "30", "900", "0.0333", "3000", "0.3"),
        r("2026-11-21", "markov", "paid_search", null, "0.7", "70", "1.5", "46.6667", "2.1429", "0.7"),
        r("2026-11-21", "shapley", "email", null, "0.25", "25", "900", "0.0278", "3600", null),
        r("2026-11-21", "shapley", "paid_search", null, "0.75", "75", "1.5", "50", "2", null),
        r("2026-11-21", "first_touch", "email", "cmp1", "1", "100", "900", "0.1111", "900", null)));
  }

  /**
   * Rows given as strings (null for null) for {@code columns} of {@code spec}; the spec's other
   * columns are null and run_id is run-1. A column the spec does not have fails the fixture.
   */
  static void write(TableStore store, TableSpec spec, List<String> columns, List<List<String>> rows) {
    for (String column : columns) {
      if (!spec.columnNames().contains(column)) {
        throw new IllegalArgumentException("table " + spec.name() + " has no column " + column + " (has " + spec.columnNames() + ")");
      }
    }
    StructType schema = new StructType();
    for (String column : spec.columnNames()) {
      schema = schema.add(column, StringType);
    }
    List<Row> full = new ArrayList<>();
    for (List<String> row : rows) {
      Object[] values = new Object[spec.columnNames().size()];
      for (int i = 0; i < columns.size(); i++) {
        values[spec.columnNames().indexOf(columns.get(i))] = row.get(i);
      }
      values[spec.columnNames().indexOf(TableStore.RUN_ID)] = "run-1";
      full.add(RowFactory.create(values));
    }
    store.replace(spec, spec.conform(store.spark().createDataFrame(full, schema)));
  }

  private static List<String> r(String... values) {
    return Arrays.asList(values);
  }
}
