package com.journeyanalytics.jobs.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.journeyanalytics.common.delta.TableStore;
import com.journeyanalytics.common.testing.SparkTestSession;
import com.journeyanalytics.jobs.fixtures.ExportFixture;
import com.journeyanalytics.jobs.fixtures.MiniWorld;
import io.delta.tables.DeltaTable;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A MiniWorld warehouse written by two nightly runs, then audited by time travel and maintained. */
class AuditAndMaintenanceTest {

  private final SparkSession spark = SparkTestSession.get();

  @Test
  void aPastRunsTouchpointsAreReadableAtTheVersionItsPipelineRunsRowRecordsAndMaintenanceCompactsWithoutChangingARow(
      @TempDir Path exportsDir, @TempDir Path warehouse) {
    String database = SparkTestSession.uniqueDatabase("ops");
    TableStore tables = new TableStore(spark, warehouse.toString(), database);
    TableStore staging = new TableStore(spark, warehouse.toString(), database + "_staging");
    ExportFixture exports = new ExportFixture(exportsDir);
    MiniWorld.writeDay1(exports, spark);
    MiniWorld.writeDay2(exports, spark);
    Path conf = JobRuns.conf(exportsDir, database);

    assertThat(JobRuns.run(exportsDir.toString(), warehouse.toString(), conf, "--run-date", MiniWorld.DAY1).status()).isZero();
    List<String> touchpointsOfDay1 = JobRuns.jsonLines(tables.read("touchpoints"));
    assertThat(JobRuns.run(exportsDir.toString(), warehouse.toString(), conf, "--run-date", MiniWorld.DAY2).status()).isZero();
    assertThat(JobRuns.jsonLines(tables.read("touchpoints"))).isNotEqualTo(touchpointsOfDay1);

    // The audit: the day-1 run's recorded version of touchpoints gives back exactly what that run wrote.
    long day1Version = spark.sql("SELECT table_versions['touchpoints'] FROM " + tables.qualifiedName("pipeline_runs")
        + " WHERE run_date = DATE'" + MiniWorld.DAY1 + "'").first().getLong(0);
    String asOfDay1 = "SELECT * FROM " + tables.qualifiedName("touchpoints") + " VERSION AS OF " + day1Version;
    assertThat(JobRuns.jsonLines(spark.sql(asOfDay1))).isEqualTo(touchpointsOfDay1);

    Map<String, List<String>> before = JobRuns.contentsIgnoringRunId(tables, staging);
    // silver_touches is merged into by every run (day 2 inserted t4 in a file of its own), so it has
    // several files. In this tiny world every touchpoint the day-2 sync changed was alone in its
    // event_date's file, so touchpoints keeps one file per day (GeneratedSampleRunTest shows the
    // small files that nightly syncs leave on a real sample).
    long silverFilesBefore = files(staging, "silver_touches");
    long touchpointFilesBefore = files(tables, "touchpoints");
    long eventDates = tables.read("touchpoints").select("event_date").distinct().count();
    assertThat(silverFilesBefore).as("silver_touches files before maintenance").isGreaterThanOrEqualTo(2);

    JobRuns.Result maintenance = JobRuns.run(exportsDir.toString(), warehouse.toString(), conf,
        "--mode", "maintenance", "--run-date", MiniWorld.DAY2);

    assertThat(maintenance.status()).as(maintenance.err()).isZero();
    assertThat(files(staging, "silver_touches")).isEqualTo(1);
    assertThat(files(tables, "touchpoints")).isEqualTo(eventDates);
    assertThat(JobRuns.contentsIgnoringRunId(tables, staging)).isEqualTo(before);
    Row run = spark.sql("SELECT status, output_rows FROM " + tables.qualifiedName("pipeline_runs")
        + " WHERE mode = 'maintenance'").first();
    assertThat(run.getString(0)).isEqualTo("succeeded");
    Map<String, Long> output = run.getJavaMap(1);
    assertThat(output).containsEntry(database + "_staging.silver_touches.files_before", silverFilesBefore)
        .containsEntry(database + "_staging.silver_touches.files_after", 1L)
        .containsEntry("touchpoints.files_before", touchpointFilesBefore)
        .containsEntry("touchpoints.files_after", eventDates)
        .containsKeys("touchpoints.bytes_before", "touchpoints.bytes_after");
    assertThat(JobRuns.jsonLines(DeltaTable.forPath(spark, tables.location("touchpoints")).history(3).select("operation")))
        .contains("{\"operation\":\"OPTIMIZE\"}");
    // VACUUM keeps 7 days of history, so the audit query still works after maintenance.
    assertThat(JobRuns.jsonLines(spark.sql(asOfDay1))).isEqualTo(touchpointsOfDay1);
  }

  private long files(TableStore tables, String table) {
    return DeltaTable.forPath(spark, tables.location(table)).detail().select("numFiles").first().getLong(0);
  }
}
