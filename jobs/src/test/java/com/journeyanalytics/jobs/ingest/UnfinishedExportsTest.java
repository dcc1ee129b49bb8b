package com.journeyanalytics.jobs.ingest;

import static com.journeyanalytics.common.testing.DataFrameAssert.assertThatDataFrame;
import static com.journeyanalytics.common.testing.DataFrameAssert.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.journeyanalytics.common.config.JobConfig;
import com.journeyanalytics.common.quality.QualityCheck;
import com.journeyanalytics.common.quality.QualityCheck.Status;
import com.journeyanalytics.common.schema.InputContract;
import com.journeyanalytics.common.testing.SparkTestSession;
import com.journeyanalytics.jobs.fixtures.ExportFixture;
import com.journeyanalytics.jobs.fixtures.TestRuns;
import com.journeyanalytics.jobs.pipeline.RunContext;
import com.journeyanalytics.jobs.pipeline.RunMode;
import com.journeyanalytics.jobs.pipeline.StepResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Only finished files are data, and a dataset can require its day folder's _SUCCESS marker. */
class UnfinishedExportsTest {

  private static final String DAY = "2026-11-20";
  private static final String TICKETS_HEADER =
      "ticket_id,account_id,requester_email,channel,priority,category,status,created_at,first_response_at,solved_at,updated_at";
  private static final String INVOICES_HEADER =
      "invoice_id,account_id,amount,currency,status,issued_at,paid_at,period_start,period_end,updated_at";
  private static final String SURVEYS_HEADER =
      "response_id,survey_type,account_id,respondent_email,score,ticket_id,submitted_at,comment";
  private static final String ACCOUNTS_HEADER = "account_id,account_name,industry,segment,region,country,plan,"
      + "acquisition_channel,created_at,trial_started_at,converted_at,churned_at,updated_at";

  private final SparkSession spark = SparkTestSession.get();

  private static QualityCheck check(StepResult result, String dataset, String name) {
    return result.checks().stream().filter(c -> c.dataset().equals(dataset) && c.checkName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no check " + dataset + "/" + name + " in " + result.checks()));
  }

  /** One events row per id, written by Spark as Parquet (which adds its own _SUCCESS and .crc files). */
  private void writeEvents(Path exportsDir, String... ids) {
    StructType schema = new StructType();
    for (String column : InputContract.EVENTS.columnNames()) {
      schema = schema.add(column, DataTypes.StringType);
    }
    List<Row> rows = Arrays.stream(ids)
        .map(id -> RowFactory.create(id, "a1", "u1", "login", null, "2026-11-20T10:00:00Z", "web", "s1")).toList();
    spark.createDataFrame(rows, schema).coalesce(1).write().mode("overwrite")
        .parquet(exportsDir.resolve("usage/events/export_date=" + DAY).toString());
  }

  @Test
  void copiesInProgressHiddenAndMarkerFilesAreNotReadInAnyFormat(@TempDir Path exportsDir, @TempDir Path warehouse)
      throws IOException {
    ExportFixture exports = new ExportFixture(exportsDir);
    // Finished: one ticket (gzip CSV), one touch (gzip JSON lines), one event (Parquet).
    exports.write("support/tickets", DAY, "part-0.csv.gz", List.of(TICKETS_HEADER,
        "k1,a1,,email,high,billing,open,2026-11-20T09:00:00Z,,,2026-11-20T09:00:00Z"));
    exports.write("marketing/touches", DAY, "part-0.jsonl.gz", List.of(
        "{\"touch_id\":\"t1\",\"anonymous_id\":\"v1\",\"channel\":\"paid_search\",\"touch_type\":\"web_visit\",\"occurred_at\":\"2026-11-20T10:00:00Z\"}"));
    writeEvents(exportsDir, "e1");
    // Unfinished or not data: each would add a row (or break the read) if it were read.
    Path copying = exports.write("support/tickets", DAY, "part-1.csv.gz._COPYING_", List.of(TICKETS_HEADER,
        "k8,a1,,email,high,billing,open,2026-11-20T09:00:00Z,,,2026-11-20T09:00:00Z"));
    byte[] gz = Files.readAllBytes(copying);
    Files.write(copying, Arrays.copyOf(gz, gz.length / 2)); // a gzip stream cut in the middle of the copy
    exports.write("support/tickets", DAY, "part-2.csv.tmp", List.of(TICKETS_HEADER,
        "k9,a1,,email,high,billing,open,2026-11-20T09:00:00Z,,,2026-11-20T09:00:00Z"));
    exports.write("support/tickets", DAY, "_SUCCESS", List.of());
    exports.write("marketing/touches", DAY, "part-1.jsonl.gz.inprogress", List.of(
        "{\"touch_id\":\"t9\",\"anonymous_id\":\"v9\",\"channel\":\"email\",\"touch_type\":\"web_visit\",\"occurred_at\":\"2026-11-20T10:00:00Z\"}"));
    exports.write("marketing/touches", DAY, ".part-2.jsonl", List.of(
        "{\"touch_id\":\"t8\",\"anonymous_id\":\"v8\",\"channel\":\"email\",\"touch_type\":\"web_visit\",\"occurred_at\":\"2026-11-20T10:00:00Z\"}"));
    Files.writeString(exportsDir.resolve("usage/events/export_date=" + DAY + "/part-9.parquet.inprogress"),
        "not a parquet file yet", StandardCharsets.UTF_8);
    JobConfig config = TestRuns.config(exportsDir, warehouse, Map.of());
    RunContext ctx = TestRuns.context(config, "run-1", DAY, RunMode.NIGHTLY);

    StepResult result = new IngestStep().run(ctx);

    assertThat(result.inputRows()).containsEntry("tickets", 1L).containsEntry("touches", 1L).containsEntry("events", 1L);
    assertThatDataFrame(ctx.staging().read("silver_tickets")).containsExactlyRowsInAnyOrder(List.of("ticket_id"), List.of(row("k1")));
    assertThatDataFrame(ctx.staging().read("silver_touches")).containsExactlyRowsInAnyOrder(List.of("touch_id"), List.of(row("t1")));
    assertThatDataFrame(ctx.staging().read("silver_events")).containsExactlyRowsInAnyOrder(List.of("event_id"), List.of(row("e1")));
  }

  @Test
  void aFolderWithoutTheRequiredSuccessMarkerCountsAsMissingAndTheFreshnessMessageNamesIt(
      @TempDir Path exportsDir, @TempDir Path warehouse) {
    ExportFixture exports = new ExportFixture(exportsDir);
    // tickets (required) and surveys (optional): the run date's folder has data but no _SUCCESS yet.
    exports.write("support/tickets", DAY, "part-0.csv", List.of(TICKETS_HEADER,
        "k1,a1,,email,high,billing,open,2026-11-20T09:00:00Z,,,2026-11-20T09:00:00Z"));
    exports.write("support/surveys", DAY, "part-0.csv", List.of(SURVEYS_HEADER, "s1,nps,a1,,9,,2026-11-20T09:00:00Z,"));
    // invoices: complete, with its marker.
    exports.write("crm/invoices", DAY, "part-0.csv", List.of(INVOICES_HEADER,
        "i1,a1,100.00,USD,paid,2026-11-10T12:00:00Z,2026-11-11T09:00:00Z,2026-11-10,2026-12-09,2026-11-11T09:00:00Z"));
    exports.write("crm/invoices", DAY, "_SUCCESS", List.of());
    // accounts: yesterday's snapshot is complete; today's has no marker, so yesterday's is the newest present.
    exports.write("crm/accounts", "2026-11-19", "accounts.csv", List.of(ACCOUNTS_HEADER,
        "a1,Acme,software,SMB,EMEA,DE,pro,email,2026-11-01T00:00:00Z,,,,2026-11-01T00:00:00Z",
        "a2,Beta,retail,SMB,NA,US,pro,direct,2026-11-02T00:00:00Z,,,,2026-11-02T00:00:00Z"));
    exports.write("crm/accounts", "2026-11-19", "_SUCCESS", List.of());
    exports.write("crm/accounts", DAY, "accounts.csv", List.of(ACCOUNTS_HEADER,
        "a1,Acme,software,SMB,EMEA,DE,pro,email,2026-11-01T00:00:00Z,,,,2026-11-01T00:00:00Z"));
    JobConfig config = TestRuns.config(exportsDir, warehouse, Map.of(
        "journey.datasets.tickets.require-success-marker", "true",
        "journey.datasets.surveys.require-success-marker", "true",
        "journey.datasets.surveys.optional", "true",
        "journey.datasets.invoices.require-success-marker", "true",
        "journey.datasets.accounts.require-success-marker", "true"));
    RunContext ctx = TestRuns.context(config, "run-1", DAY, RunMode.NIGHTLY);
    String folder = "file:" + exportsDir;

    StepResult result = new IngestStep().run(ctx);

    assertThat(List.of(check(result, "tickets", "freshness"), check(result, "surveys", "freshness"),
            check(result, "invoices", "freshness"), check(result, "accounts", "freshness")))
        .extracting(QualityCheck::status, QualityCheck::observedValue, QualityCheck::threshold, QualityCheck::message)
        .containsExactly(
            tuple(Status.FAIL, 0.0, 1.0, "export folder " + folder
                + "/support/tickets/export_date=2026-11-20 has no _SUCCESS marker, so it counts as not present"
                + " (require-success-marker = true) (required dataset; set optional = true to tolerate)"),
            tuple(Status.WARN, 0.0, 1.0, "export folder " + folder
                + "/support/surveys/export_date=2026-11-20 has no _SUCCESS marker, so it counts as not present"
                + " (require-success-marker = true) (dataset is optional)"),
            tuple(Status.PASS, 1.0, 1.0, "export folder for 2026-11-20 present"),
            tuple(Status.WARN, 1.0, 1.0,
                "newest snapshot is from 2026-11-19, not the run date; export folder " + folder
                    + "/crm/accounts/export_date=2026-11-20 has no _SUCCESS marker, so it counts as not present"
                    + " (require-success-marker = true)"));
    assertThat(ctx.staging().exists("silver_tickets")).isFalse();
    assertThat(ctx.staging().exists("silver_surveys")).isFalse();
    assertThatDataFrame(ctx.staging().read("silver_invoices")).containsExactlyRowsInAnyOrder(List.of("invoice_id"), List.of(row("i1")));
    assertThatDataFrame(ctx.staging().read("silver_accounts"))
        .containsExactlyRowsInAnyOrder(List.of("account_id", "export_date"), List.of(row("a1", "2026-11-19"), row("a2", "2026-11-19")));
  }
}
