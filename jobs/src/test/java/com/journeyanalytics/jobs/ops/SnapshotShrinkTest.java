package com.journeyanalytics.jobs.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.journeyanalytics.common.delta.TableStore;
import com.journeyanalytics.common.testing.SparkTestSession;
import com.journeyanalytics.jobs.fixtures.ExportFixture;
import com.journeyanalytics.jobs.fixtures.MiniWorld;
import com.journeyanalytics.jobs.fixtures.PublishedRelations;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A short snapshot export cannot erase history: snapshot_shrink fails the run before the snapshot replaces anything. */
class SnapshotShrinkTest {

  /** The run log is not pinned: it shows the failed run at once. */
  private static final List<String> RUN_LOG = List.of("pipeline_runs", "data_quality");

  private static final String ACCOUNTS_HEADER = "account_id,account_name,industry,segment,region,country,plan,"
      + "acquisition_channel,created_at,trial_started_at,converted_at,churned_at,updated_at";
  private static final String A1 =
      "a1,Acme,software,SMB,EMEA,DE,pro,email,2026-11-01T00:00:00Z,2026-11-01T01:00:00Z,2026-11-10T00:00:00Z,,2026-11-10T00:00:00Z";
  private static final List<String> FOUR_ACCOUNTS = List.of(ACCOUNTS_HEADER, A1,
      "a2,Beta,retail,Enterprise,NA,US,free,direct,2026-11-05T00:00:00Z,,,,2026-11-05T00:00:00Z",
      "a3,Gamma,finance,SMB,APAC,AU,pro,direct,2026-11-07T00:00:00Z,,2026-11-12T00:00:00Z,,2026-11-12T00:00:00Z",
      "a4,Delta,health,MidMarket,EMEA,FR,starter,direct,2026-11-08T00:00:00Z,,,,2026-11-08T00:00:00Z");

  private final SparkSession spark = SparkTestSession.get();

  /** Every table of both databases (run_id left out), but data_quality, which every run adds its checks to. */
  private static Map<String, List<String>> history(TableStore tables, TableStore staging) {
    Map<String, List<String>> all = new TreeMap<>(JobRuns.contentsIgnoringRunId(tables, staging));
    all.remove("data_quality");
    return all;
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  @Test
  void aSnapshotShrunkFromFourAccountsToOneFailsTheRunAndLosesNoAccountNorTouchpoint(
      @TempDir Path exportsDir, @TempDir Path warehouse) throws IOException {
    String database = SparkTestSession.uniqueDatabase("shrink");
    TableStore tables = new TableStore(spark, warehouse.toString(), database + "_store");
    TableStore staging = new TableStore(spark, warehouse.toString(), database + "_staging");
    ExportFixture exports = new ExportFixture(exportsDir);
    Path conf = JobRuns.conf(exportsDir, database);
    // Day 1: MiniWorld with four accounts; a3 converted on 2026-11-12.
    MiniWorld.writeDay1(exports, spark);
    exports.write("crm/accounts", MiniWorld.DAY1, "accounts.csv", FOUR_ACCOUNTS);
    assertThat(JobRuns.run(exportsDir.toString(), warehouse.toString(), conf, "--run-date", MiniWorld.DAY1).status())
        .isZero();
    Map<String, List<String>> before = history(tables, staging);
    Map<String, List<String>> publishedBefore = PublishedRelations.asJson(spark, database, RUN_LOG);
    List<String> touchpointsBefore = PublishedRelations.jsonLines(tables.read("touchpoints"));
    List<String> silverAccountsBefore = PublishedRelations.jsonLines(staging.read("silver_accounts"));
    // Day 2: the accounts export was cut short and holds only a1; the incremental exports are empty and the other
    // snapshots did not change (day 1's are the newest), so nothing but the short accounts export is new.
    MiniWorld.writeDay2(exports, spark);
    exports.write("marketing/touches", MiniWorld.DAY2, "part-0.jsonl.gz", List.of());
    exports.write("crm/accounts", MiniWorld.DAY2, "accounts.csv", List.of(ACCOUNTS_HEADER, A1));
    deleteTree(exportsDir.resolve("crm/contacts/export_date=" + MiniWorld.DAY2));
    deleteTree(exportsDir.resolve("marketing/campaigns/export_date=" + MiniWorld.DAY2));

    JobRuns.Result day2 = JobRuns.run(exportsDir.toString(), warehouse.toString(), conf, "--run-date", MiniWorld.DAY2);

    assertThat(day2.status()).as(day2.err()).isEqualTo(1);
    assertThat(day2.err()).contains("accounts/snapshot_shrink");
    assertThat(PublishedRelations.jsonLines(spark.sql("SELECT dataset, check_name FROM " + tables.qualifiedName("data_quality")
        + " WHERE run_date = DATE'" + MiniWorld.DAY2 + "' AND status = 'fail'")))
        .containsExactly("{\"dataset\":\"accounts\",\"check_name\":\"snapshot_shrink\"}");
    // (4 - 1) / 4 = 75% fewer accepted rows, above fail-above 20%.
    Row check = spark.sql("SELECT status, observed_value, threshold, message FROM " + tables.qualifiedName("data_quality")
        + " WHERE run_date = DATE'" + MiniWorld.DAY2 + "' AND dataset = 'accounts' AND check_name = 'snapshot_shrink'").first();
    assertThat(check.getString(0)).isEqualTo("fail");
    assertThat(check.getDouble(1)).isEqualTo(75.0);
    assertThat(check.getDouble(2)).isEqualTo(20.0);
    assertThat(check.getString(3)).isEqualTo(
        "1 accepted rows against 4 in the previous accepted snapshot: 75.00% fewer (fail above 20.0%); the previous snapshot is kept");
    Row run = spark.sql("SELECT status, error FROM " + tables.qualifiedName("pipeline_runs")
        + " WHERE run_date = DATE'" + MiniWorld.DAY2 + "'").first();
    assertThat(run.getString(0)).isEqualTo("failed");
    assertThat(run.getString(1)).contains("accounts/snapshot_shrink");
    // Nothing was lost: the cleaned accounts still hold day 1's four rows (same run id), the touchpoints are day 1's.
    assertThat(PublishedRelations.jsonLines(staging.read("silver_accounts"))).isEqualTo(silverAccountsBefore);
    assertThat(PublishedRelations.jsonLines(tables.read("touchpoints"))).isEqualTo(touchpointsBefore);
    assertThat(PublishedRelations.jsonLines(tables.read("touchpoints").where("account_id IN ('a3', 'a4')").select("account_id", "activity")))
        .containsExactly(
            "{\"account_id\":\"a3\",\"activity\":\"account_created\"}",
            "{\"account_id\":\"a3\",\"activity\":\"became_customer\"}",
            "{\"account_id\":\"a4\",\"activity\":\"account_created\"}");
    assertThat(history(tables, staging)).isEqualTo(before);
    // Readers see day 1 exactly as before, run ids included.
    assertThat(publishedBefore).containsKeys("touchpoints", "kpis", "v_kpi_monthly");
    assertThat(PublishedRelations.asJson(spark, database, RUN_LOG)).isEqualTo(publishedBefore);

    // The export is fixed (the four accounts again) and the day rerun: it succeeds and compares against the kept snapshot.
    exports.write("crm/accounts", MiniWorld.DAY2, "accounts.csv", FOUR_ACCOUNTS);
    JobRuns.Result rerun = JobRuns.run(exportsDir.toString(), warehouse.toString(), conf, "--run-date", MiniWorld.DAY2);

    assertThat(rerun.status()).as(rerun.err()).isZero();
    // 4 accepted rows against the kept 4: 0% fewer.
    Row passed = spark.sql("SELECT status, observed_value FROM " + tables.qualifiedName("data_quality")
        + " WHERE run_date = DATE'" + MiniWorld.DAY2 + "' AND dataset = 'accounts' AND check_name = 'snapshot_shrink'").first();
    assertThat(passed.getString(0)).isEqualTo("pass");
    assertThat(passed.getDouble(1)).isEqualTo(0.0);
    assertThat(PublishedRelations.jsonLines(tables.read("touchpoints").where("account_id IN ('a3', 'a4')").select("account_id", "activity")))
        .containsExactly(
            "{\"account_id\":\"a3\",\"activity\":\"account_created\"}",
            "{\"account_id\":\"a3\",\"activity\":\"became_customer\"}",
            "{\"account_id\":\"a4\",\"activity\":\"account_created\"}");
  }
}
