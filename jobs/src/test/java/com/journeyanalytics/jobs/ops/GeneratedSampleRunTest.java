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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quick start in small, on one warehouse: a generated sample (dirt included), a full refresh
 * up to the day before the last export, the nightly run of the last day; then an audit by time
 * travel and, last, maintenance.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GeneratedSampleRunTest {

  private static final SparkSession SPARK = SparkTestSession.get();

  @TempDir
  static Path dir;

  private static Path exports;
  private static String warehouse;
  private static Path conf;
  private static TableStore tables;
  private static TableStore staging;
  private static List<String> touchpointsAfterFullRefresh;

  @BeforeAll
  static void runTheSample() {
    exports = dir.resolve("exports");
    warehouse = dir.resolve("warehouse").toString();
    SampleDataGenerator.generate(new Options(exports, 40, 4, LocalDate.of(2026, 11, 20), 7, 0.005), null);
    String database = SparkTestSession.uniqueDatabase("sample");
    tables = new TableStore(SPARK, warehouse, database);
    staging = new TableStore(SPARK, warehouse, database + "_staging");
    conf = JobRuns.conf(dir, database);

    JobRuns.Result refresh = JobRuns.run(exports.toString(), warehouse, conf, "--mode", "full_refresh", "--run-date", "2026-11-19");
    assertThat(refresh.status()).as(refresh.err()).isZero();
    touchpointsAfterFullRefresh = JobRuns.jsonLines(tables.read("touchpoints"));
    JobRuns.Result nightly = JobRuns.run(exports.toString(), warehouse, conf, "--run-date", "2026-11-20");
    assertThat(nightly.status()).as(nightly.err()).isZero();
  }

  @Test
  @Order(1)
  void touchpointsComeFromAllFourSourcesAndAnAccountsTouchpointsCarryItsAccountIdAsCustomerKey() {
    tables.read("touchpoints").createOrReplaceTempView("sample_touchpoints");
    assertThat(JobRuns.jsonLines(SPARK.sql("SELECT DISTINCT source FROM sample_touchpoints")))
        .containsExactly("{\"source\":\"crm\"}", "{\"source\":\"marketing\"}", "{\"source\":\"support\"}", "{\"source\":\"usage\"}");
    assertThat(SPARK.sql("SELECT * FROM sample_touchpoints WHERE account_id IS NOT NULL AND customer_key <> account_id"
        + " OR customer_kind = 'account' AND account_id IS NULL").count()).isZero();
    assertThat(SPARK.sql("SELECT touchpoint_id FROM sample_touchpoints GROUP BY touchpoint_id HAVING count(*) > 1").count())
        .as("touchpoint ids occurring more than once").isZero();
  }

  @Test
  @Order(2)
  void everyDatasetsInputRowsAreAcceptedQuarantinedOrRemovedAsDuplicatesOnBothRuns() {
    List<Row> runs = SPARK.sql("SELECT input_rows, quarantined_rows, output_rows FROM " + tables.qualifiedName("pipeline_runs"))
        .collectAsList();
    assertThat(runs).hasSize(2);
    for (Row run : runs) {
      Map<String, Long> input = run.getJavaMap(0);
      Map<String, Long> quarantined = run.getJavaMap(1);
      Map<String, Long> output = run.getJavaMap(2);
      assertThat(input).containsKeys("accounts", "contacts", "touches", "events", "tickets", "surveys", "invoices");
      input.forEach((dataset, rows) -> assertThat(quarantined.get(dataset) + output.get(dataset + ".accepted")
          + output.get(dataset + ".duplicates_removed")).as(dataset).isEqualTo(rows));
    }
  }

  @Test
  @Order(3)
  void aPastRunsTouchpointsAreReadableAtTheVersionItsPipelineRunsRowRecords() {
    assertThat(JobRuns.jsonLines(tables.read("touchpoints"))).isNotEqualTo(touchpointsAfterFullRefresh);

    assertThat(JobRuns.jsonLines(SPARK.sql(asOfFullRefresh()))).isEqualTo(touchpointsAfterFullRefresh);
  }

  @Test
  @Order(4)
  void maintenanceCompactsTouchpointsToOneFilePerDayWithoutChangingARowOrTheAudit() {
    // The nightly sync wrote its changed rows into new files next to the full refresh's one per day;
    // silver_events holds one file per writing task plus what the nightly merge added.
    long eventDates = tables.read("touchpoints").select("event_date").distinct().count();
    long touchpointFilesBefore = files(tables, "touchpoints");
    long silverFilesBefore = files(staging, "silver_events");
    assertThat(touchpointFilesBefore).isGreaterThan(eventDates);
    assertThat(silverFilesBefore).isGreaterThan(1);
    Map<String, List<String>> contents = JobRuns.contentsIgnoringRunId(tables, staging);

    JobRuns.Result maintenance = JobRuns.run(exports.toString(), warehouse, conf, "--mode", "maintenance", "--run-date", "2026-11-20");

    assertThat(maintenance.status()).as(maintenance.err()).isZero();
    assertThat(files(tables, "touchpoints")).isEqualTo(eventDates);
    assertThat(files(staging, "silver_events")).isEqualTo(1);
    assertThat(JobRuns.contentsIgnoringRunId(tables, staging)).isEqualTo(contents);
    Row run = SPARK.sql("SELECT status, output_rows FROM " + tables.qualifiedName("pipeline_runs")
        + " WHERE mode = 'maintenance'").first();
    assertThat(run.getString(0)).isEqualTo("succeeded");
    assertThat(run.<String, Long>getJavaMap(1))
        .containsEntry("touchpoints.files_before", touchpointFilesBefore)
        .containsEntry("touchpoints.files_after", eventDates)
        .containsEntry(staging.database() + ".silver_events.files_before", silverFilesBefore)
        .containsEntry(staging.database() + ".silver_events.files_after", 1L)
        .containsKeys("touchpoints.bytes_before", "touchpoints.bytes_after");
    assertThat(JobRuns.jsonLines(DeltaTable.forPath(SPARK, tables.location("touchpoints")).history(3).select("operation")))
        .contains("{\"operation\":\"OPTIMIZE\"}");
    // VACUUM keeps 7 days of history, so the audit still reads what the full refresh wrote.
    assertThat(JobRuns.jsonLines(SPARK.sql(asOfFullRefresh()))).isEqualTo(touchpointsAfterFullRefresh);
  }

  private static String asOfFullRefresh() {
    long version = SPARK.sql("SELECT table_versions['touchpoints'] FROM " + tables.qualifiedName("pipeline_runs")
        + " WHERE mode = 'full_refresh'").first().getLong(0);
    return "SELECT * FROM " + tables.qualifiedName("touchpoints") + " VERSION AS OF " + version;
  }

  private static long files(TableStore store, String table) {
    return DeltaTable.forPath(SPARK, store.location(table)).detail().select("numFiles").first().getLong(0);
  }
}
