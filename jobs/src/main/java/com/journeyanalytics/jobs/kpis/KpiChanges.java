package com.journeyanalytics.jobs.kpis;

import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.StringType;

import com.journeyanalytics.common.schema.TableSpec;
import com.journeyanalytics.jobs.pipeline.RunHistory.PublishedRun;
import com.journeyanalytics.jobs.sql.SqlFiles;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * The kpi_changes table: what a night changed in numbers already reported, i.e. every kpis value
 * that differs from the previous published run's. The comparison is sql/kpis/kpi_changes.sql.
 */
public final class KpiChanges {

  public static final TableSpec SPEC = TableSpec.table(
          "kpi_changes",
          "What each night changed in already reported KPI values: one row per kpis value that differs from the"
              + " previous published run's (new, removed, in_progress, restated). Each run replaces its run_date's"
              + " rows; the first night has none. See docs/kpis.md.")
      .column("run_id", StringType, "Run that wrote these rows")
      .column("run_date", DateType, "Run date of the run compared")
      .column("previous_run_id", StringType, "The previous published run: the last succeeded one for a date before run_date")
      .column("period_grain", StringType, "month, or day (dau only), as in kpis")
      .column("period_start", DateType, "First day of the period (UTC), as in kpis")
      .column("kpi", StringType, "KPI name, as in kpis")
      .column("dimension", StringType, "Breakdown, as in kpis")
      .column("dimension_value", StringType, "Value of the breakdown, as in kpis")
      .column("previous_value", DataTypes.createDecimalType(24, 4), "The value the previous published run reported (null when removed, new or null then)")
      .column("value", DataTypes.createDecimalType(24, 4), "The value this run reports (null when removed or null now)")
      .column("change_kind", StringType, "new (no such row before) | removed (no such row now) | in_progress (the period contained the previous run date) | restated (the period had closed before the previous run date)")
      .column("config_changed", BooleanType, "Whether this run's configuration hash (pipeline_runs.config_sha256) differs from the previous run's")
      .key("run_date", "period_grain", "period_start", "kpi", "dimension", "dimension_value")
      .build();

  private KpiChanges() {}

  /**
   * The kpi_changes rows of run {@code runId} for {@code runDate}: {@code current} (this run's
   * kpis) against {@code previous} (the kpis {@code previousRun} published).
   */
  public static Dataset<Row> between(Dataset<Row> previous, Dataset<Row> current, PublishedRun previousRun,
      String runId, LocalDate runDate, String configSha256) {
    Map<String, Object> values = new HashMap<>();
    values.put("run_id", runId);
    values.put("run_date", runDate);
    values.put("config_sha256", configSha256);
    values.put("previous_run_id", previousRun.runId());
    values.put("previous_run_date", previousRun.runDate());
    values.put("previous_config_sha256", previousRun.configSha256());
    return SPEC.conform(SqlFiles.run(current.sparkSession(), "kpis/kpi_changes.sql",
        Map.of("previous_kpis", previous, "current_kpis", current), values));
  }
}
