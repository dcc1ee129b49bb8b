package com.journeyanalytics.jobs.ingest;

import com.journeyanalytics.common.Hashing;
import static com.journeyanalytics.common.testing.DataFrameAssert.assertThatDataFrame;
import static com.journeyanalytics.common.testing.DataFrameAssert.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.journeyanalytics.common.config.JobConfig;
import com.journeyanalytics.common.quality.QualityCheck;
import com.journeyanalytics.jobs.fixtures.ExportFixture;
import com.journeyanalytics.jobs.fixtures.TestRuns;
import com.journeyanalytics.jobs.pipeline.RunContext;
import com.journeyanalytics.jobs.pipeline.RunMode;
import com.journeyanalytics.jobs.pipeline.StepFailedException;
import com.journeyanalytics.jobs.pipeline.StepResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestStepTest {

  private static final String HEADER =
      "ticket_id,account_id,requester_email,channel,priority,category,status,created_at,first_response_at,solved_at,updated_at";
  private static final String ANN_SHA = Hashing.sha256Hex("ann@x.com");

  /** Day 1: two usable tickets (t1 twice), five rejects, one per kind of dirt. */
  private static void dirtyTicketsDay1(ExportFixture exports) {
    exports.write("support/tickets", "2026-11-20", "part-0.csv", List.of(
        HEADER,
        "t1,a1,,email,high,billing,open,2026-11-20T09:00:00+01:00,,,2026-11-20T09:00:00+01:00",
        "t2,,  Ann@X.com ,chat,critical,login,new,2026-11-20T10:00:00Z,,,2026-11-20T10:00:00Z",
        "t3,a1,,email,low,ann@x.com,,2026-11-20T10:00:00Z,,,2026-11-20T10:00:00Z",
        "t4,a1,,email,low,billing,open,yesterday,,,2026-11-20T10:00:00Z",
        "t5,a1,too,many,fields,here,x,y,z,w,v,u,q"));
    exports.write("support/tickets", "2026-11-20", "part-1.csv.gz", List.of(
        HEADER,
        "t6,,bad-email,email,low,billing,open,2026-11-20T10:00:00Z,,,2026-11-20T10:00:00Z",
        "t1,a1,,email,high,billing,solved,2026-11-20T09:00:00+01:00,2026-11-20T09:30:00Z,2026-11-20T11:00:00Z,2026-11-20T11:00:00Z",
        "t7,a2,,web,normal,x,open,2026-11-25T10:00:00Z,,,2026-11-25T10:00:00Z"));
  }

  private static QualityCheck check(StepResult result, String dataset, String name) {
    return result.checks().stream().filter(c -> c.dataset().equals(dataset) && c.checkName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no check " + dataset + "/" + name + " in " + result.checks()));
  }

  @Test
  void everyRejectedRowIsQuarantinedWithItsReasonAndCountsReconcile(@TempDir Path exportsDir, @TempDir Path warehouse) {
    ExportFixture exports = new ExportFixture(exportsDir);
    dirtyTicketsDay1(exports);
    JobConfig config = TestRuns.config(exportsDir, warehouse, Map.of("journey.quality.min-rows", "0"));
    RunContext ctx = TestRuns.context(config, "run-1", "2026-11-20", RunMode.NIGHTLY);

    StepResult result = new IngestStep().run(ctx);

    // 8 rows read = 5 quarantined + 1 duplicate (t1's older version) + 2 accepted (t1, t2).
    assertThat(result.inputRows()).containsEntry("tickets", 8L);
    assertThat(result.quarantinedRows()).containsEntry("tickets", 5L);
    assertThat(result.outputRows()).containsEntry("tickets.accepted", 2L).containsEntry("tickets.duplicates_removed", 1L);
    assertThatDataFrame(ctx.tables().read("quarantine").where("dataset = 'tickets'"))
        .containsExactlyRowsInAnyOrder(List.of("run_id", "source", "dataset", "reason"), List.of(
            row("run-1", "support", "tickets", "missing required value: status"),
            row("run-1", "support", "tickets", "unparseable timestamp in created_at"),
            row("run-1", "support", "tickets", "malformed record"),
            row("run-1", "support", "tickets", "malformed email in requester_email; neither account_id nor requester_email"),
            row("run-1", "support", "tickets", "created_at is after the run date by more than the tolerance; updated_at is after the run date by more than the tolerance")));
    Row masked = ctx.tables().read("quarantine").where("reason = 'missing required value: status'").first();
    assertThat(masked.<String>getAs("raw_record")).isEqualTo("t3,a1,,email,low,email:" + ANN_SHA + ",,2026-11-20T10:00:00Z,,,2026-11-20T10:00:00Z");
    assertThat(masked.<String>getAs("source_file")).endsWith("export_date=2026-11-20/part-0.csv");
    assertThatDataFrame(ctx.staging().read("silver_tickets"))
        .containsExactlyRowsInAnyOrder(
            List.of("ticket_id", "account_id", "requester_email_sha256", "priority", "status", "created_at", "solved_at", "export_date"),
            List.of(
                row("t1", "a1", null, "high", "solved", "2026-11-20T08:00:00Z", "2026-11-20T11:00:00Z", "2026-11-20"),
                row("t2", null, ANN_SHA, "other", "new", "2026-11-20T10:00:00Z", null, "2026-11-20")));
    assertThat(check(result, "tickets", "unknown_enum_values").observedValue()).isEqualTo(1.0);
    assertThat(check(result, "tickets", "key_uniqueness").status()).isEqualTo(QualityCheck.Status.PASS);
    assertThat(check(result, "tickets", "freshness").status()).isEqualTo(QualityCheck.Status.PASS);
    assertThat(check(result, "accounts", "freshness").status()).isEqualTo(QualityCheck.Status.FAIL);
  }

  @Test
  void aLaterDayMergesNewerVersionsAndIgnoresOlderOnes(@TempDir Path exportsDir, @TempDir Path warehouse) {
    ExportFixture exports = new ExportFixture(exportsDir);
    dirtyTicketsDay1(exports);
    exports.write("support/tickets", "2026-11-21", "part-0.csv", List.of(
        HEADER,
        "t2,,ann@x.com,chat,normal,login,solved,2026-11-20T10:00:00Z,2026-11-21T08:00:00Z,2026-11-21T09:00:00Z,2026-11-21T09:00:00Z",
        "t1,a1,,email,high,billing,open,2026-11-20T09:00:00+01:00,,,2026-11-20T08:30:00Z"));
    JobConfig config = TestRuns.config(exportsDir, warehouse, Map.of());
    new IngestStep().run(TestRuns.context(config, "run-1", "2026-11-20", RunMode.NIGHTLY));
    RunContext day2 = TestRuns.context(config, "run-2", "2026-11-21", RunMode.NIGHTLY);

    StepResult merged = new IngestStep().run(day2);
    long versionAfterDay2 = day2.staging().version("silver_tickets");
    new IngestStep().run(TestRuns.context(config, "run-3", "2026-11-21", RunMode.NIGHTLY));

    // Day 2 reads 2 rows, both usable and of different tickets: 2 accepted. The merge takes t2's
    // newer version and leaves t1, whose day-2 row (updated 08:30) is older than day 1's (11:00).
    assertThat(merged.inputRows()).containsEntry("tickets", 2L);
    assertThat(merged.outputRows()).containsEntry("tickets.accepted", 2L).containsEntry("tickets.duplicates_removed", 0L);
    assertThatDataFrame(day2.staging().read("silver_tickets"))
        .containsExactlyRowsInAnyOrder(List.of("ticket_id", "priority", "status", "export_date", "run_id"), List.of(
            row("t1", "high", "solved", "2026-11-20", "run-1"),
            row("t2", "normal", "solved", "2026-11-21", "run-2")));
    // The rerun of day 2 finds every row already there and changes none (no row carries run-3, above);
    // Delta still records its merge: exactly one more commit, none skipped, none repeated.
    assertThat(day2.staging().version("silver_tickets")).isEqualTo(versionAfterDay2 + 1);
  }

  @Test
  void aRenamedRequiredColumnFailsNamingTheFileAndTheColumn(@TempDir Path exportsDir, @TempDir Path warehouse) {
    ExportFixture exports = new ExportFixture(exportsDir);
    exports.write("support/tickets", "2026-11-20", "renamed.csv", List.of(
        HEADER.replace("created_at", "created"),
        "t1,a1,,email,high,billing,open,2026-11-20T09:00:00Z,,,2026-11-20T09:00:00Z"));
    JobConfig config = TestRuns.config(exportsDir, warehouse, Map.of());

    assertThatThrownBy(() -> new IngestStep().run(TestRuns.context(config, "run-1", "2026-11-20", RunMode.NIGHTLY)))
        .isInstanceOf(StepFailedException.class)
        .hasMessageContaining("renamed.csv")
        .hasMessageContaining("missing required column 'created_at'");
  }

  @Test
  void exportsWithOtherColumnNamesAreReadThroughTheConfiguredMapping(@TempDir Path exportsDir, @TempDir Path warehouse) {
    ExportFixture exports = new ExportFixture(exportsDir);
    exports.write("support/tickets", "2026-11-20", "mapped.csv", List.of(
        HEADER.replace("ticket_id", "TicketId").replace("created_at", "Created") + ",internal_note",
        "t1,a1,,email,high,billing,open,2026-11-20T09:00:00Z,,,2026-11-20T09:00:00Z,hello"));
    JobConfig config = TestRuns.config(exportsDir, warehouse, Map.of(
        "journey.datasets.tickets.columns.ticket_id", "TicketId",
        "journey.datasets.tickets.columns.created_at", "Created"));
    RunContext ctx = TestRuns.context(config, "run-1", "2026-11-20", RunMode.NIGHTLY);

    StepResult result = new IngestStep().run(ctx);

    assertThatDataFrame(ctx.staging().read("silver_tickets"))
        .containsExactlyRowsInAnyOrder(List.of("ticket_id", "created_at"), List.of(row("t1", "2026-11-20T09:00:00Z")));
    assertThat(check(result, "tickets", "extra_columns").message()).contains("internal_note");
  }

  /**
   * a1 converted before day 1 and stays; a2 converted and churned by day 1, then came back on day
   * 2, where the CRM overwrote converted_at and cleared churned_at: the day-1 conversion and churn
   * are only in the day-1 snapshot.
   */
  private static void comebackOverwrittenByTheCrm(ExportFixture exports) {
    String header = "account_id,account_name,industry,segment,region,country,plan,"
        + "acquisition_channel,created_at,trial_started_at,converted_at,churned_at,updated_at";
    exports.write("crm/accounts", "2026-11-20", "accounts.csv", List.of(header,
        "a1,Acme,software,SMB,EMEA,DE,pro,email,2026-11-01T00:00:00Z,,2026-11-10T00:00:00Z,,2026-11-10T00:00:00Z",
        "a2,Beta,retail,SMB,NA,US,pro,direct,2026-11-02T00:00:00Z,,2026-11-05T00:00:00Z,2026-11-15T00:00:00Z,2026-11-15T00:00:00Z"));
    exports.write("crm/accounts", "2026-11-21", "accounts.csv", List.of(header,
        "a1,Acme,software,SMB,EMEA,DE,pro,email,2026-11-01T00:00:00Z,,2026-11-10T00:00:00Z,,2026-11-10T00:00:00Z",
        "a2,Beta,retail,SMB,NA,US,pro,direct,2026-11-02T00:00:00Z,,2026-11-21T06:00:00Z,,2026-11-21T06:00:00Z"));
  }

  /** Each milestone once, with the snapshot that first showed it: 3 from day 1, a2's comeback from day 2. */
  private static final List<List<Object>> MILESTONES_OF_BOTH_DAYS = List.of(
      row("a1", "converted_at", "2026-11-10T00:00:00Z", "2026-11-20"),
      row("a2", "converted_at", "2026-11-05T00:00:00Z", "2026-11-20"),
      row("a2", "churned_at", "2026-11-15T00:00:00Z", "2026-11-20"),
      row("a2", "converted_at", "2026-11-21T06:00:00Z", "2026-11-21"));

  @Test
  void aFullRefreshKeepsEachMilestoneSeenInSeveralSnapshotsOnceWithTheSnapshotThatFirstShowedIt(
      @TempDir Path exportsDir, @TempDir Path warehouse) {
    comebackOverwrittenByTheCrm(new ExportFixture(exportsDir));
    JobConfig config = TestRuns.config(exportsDir, warehouse, Map.of());
    RunContext ctx = TestRuns.context(config, "run-1", "2026-11-21", RunMode.FULL_REFRESH);

    new IngestStep().run(ctx);

    assertThatDataFrame(ctx.staging().read("silver_account_milestones"))
        .containsExactlyRowsInAnyOrder(List.of("account_id", "milestone", "occurred_at", "export_date"), MILESTONES_OF_BOTH_DAYS);
  }

  @Test
  void nightlyRunsKeepTheMilestonesASnapshotOverwritesOnAComeback(@TempDir Path exportsDir, @TempDir Path warehouse) {
    comebackOverwrittenByTheCrm(new ExportFixture(exportsDir));
    JobConfig config = TestRuns.config(exportsDir, warehouse, Map.of());
    new IngestStep().run(TestRuns.context(config, "run-1", "2026-11-20", RunMode.NIGHTLY));
    RunContext day2 = TestRuns.context(config, "run-2", "2026-11-21", RunMode.NIGHTLY);

    new IngestStep().run(day2);

    assertThatDataFrame(day2.staging().read("silver_account_milestones"))
        .containsExactlyRowsInAnyOrder(List.of("account_id", "milestone", "occurred_at", "export_date"), MILESTONES_OF_BOTH_DAYS);
  }
}
