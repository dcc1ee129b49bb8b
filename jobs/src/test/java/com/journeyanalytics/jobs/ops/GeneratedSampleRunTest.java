package com.journeyanalytics.jobs.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.journeyanalytics.common.delta.TableStore;
import com.journeyanalytics.common.testing.SparkTestSession;
import com.journeyanalytics.jobs.sample.SampleDataGenerator;
import com.journeyanalytics.jobs.sample.SampleDataGenerator.Options;
import io.delta.tables.DeltaTable;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quick start in small: a generated sample (dirt included), a full refresh up to the day
 * before the last export, the nightly run of the last day, then maintenance.
 */
class GeneratedSampleRunTest {

  private final SparkSession spark = SparkTestSession.get();

  @Test
  void aFullRefreshThenANightlyRunOnTheSampleReconcilesResolvesAccountsAndMaintenanceCompactsTouchpointsToOneFilePerDay(
      @TempDir Path dir) {
    Path exports = dir.resolve("exports");
    String warehouse = dir.resolve("warehouse").toString();
    SampleDataGenerator.generate(new Options(exports, 40, 4, LocalDate.of(2026, 11, 20), 7, 0.005), null);
    String database = SparkTestSession.uniqueDatabase("sample");
    TableStore tables = new TableStore(spark, warehouse, database);
    TableStore staging = new TableStore(spark, warehouse, database + "_staging");
    Path conf = JobRuns.conf(dir, database);

    JobRuns.Result refresh = JobRuns.run(exports.toString(), warehouse, conf, "--mode", "full_refresh", "--run-date", "2026-11-19");
    assertThat(refresh.status()).as(refresh.err()).isZero();
    JobRuns.Result nightly = JobRuns.run(exports.toString(), warehouse, conf, "--run-date", "2026-11-20");
    assertThat(nightly.status()).as(nightly.err()).isZero();

    tables.read("touchpoints").createOrReplaceTempView("sample_touchpoints");
    assertThat(JobRuns.jsonLines(spark.sql("SELECT DISTINCT source FROM sample_touchpoints")))
        .containsExactly("{\"source\":\"crm\"}", "{\"source\":\"marketing\"}", "{\"source\":\"support\"}", "{\"source\":\"usage\"}");
    assertThat(spark.sql("SELECT * FROM sample_touchpoints WHERE account_id IS NOT NULL AND customer_key <> account_id"
        + " OR customer_kind = 'account' AND account_id IS NULL").count()).isZero();
    // Every dataset's input rows are accepted, quarantined or removed as duplicates, on both runs.
    for (Row run : spark.sql("SELECT input_rows, quarantined_rows, output_rows FROM "
        + tables.qualifiedName("pipeline_runs")).collectAsList()) {
      Map<String, Long> input = run.getJavaMap(0);
      Map<String, Long> quarantined = run.getJavaMap(1);
      Map<String, Long> output = run.getJavaMap(2);
      assertThat(input).isNotEmpty();
      input.forEach((dataset, rows) -> assertThat(quarantined.get(dataset) + output.get(dataset + ".accepted")
          + output.get(dataset + ".duplicates_removed")).as(dataset).isEqualTo(rows));
    }

    // The nightly sync added files for the rows it changed next to the full refresh's one per day.
    long eventDates = spark.sql("SELECT DISTINCT event_date FROM sample_touchpoints").count();
    long filesBefore = files(tables, "touchpoints");
    assertThat(filesBefore).isGreaterThan(eventDates);
    Map<String, List<String>> contents = JobRuns.contentsIgnoringRunId(tables, staging);

    JobRuns.Result maintenance = JobRuns.run(exports.toString(), warehouse, conf, "--mode", "maintenance", "--run-date", "2026-11-20");

    assertThat(maintenance.status()).as(maintenance.err()).isZero();
    assertThat(files(tables, "touchpoints")).isEqualTo(eventDates);
    assertThat(JobRuns.contentsIgnoringRunId(tables, staging)).isEqualTo(contents);
    Map<String, Long> report = spark.sql("SELECT output_rows FROM " + tables.qualifiedName("pipeline_runs")
        + " WHERE mode = 'maintenance'").first().getJavaMap(0);
    assertThat(report).containsEntry("touchpoints.files_before", filesBefore).containsEntry("touchpoints.files_after", eventDates);
  }

  private long files(TableStore store, String table) {
    return DeltaTable.forPath(spark, store.location(table)).detail().select("numFiles").first().getLong(0);
  }
}
