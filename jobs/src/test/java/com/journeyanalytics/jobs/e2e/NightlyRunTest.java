package com.journeyanalytics.jobs.e2e;

import com.journeyanalytics.common.Hashing;
import static com.journeyanalytics.common.testing.DataFrameAssert.assertThatDataFrame;
import static com.journeyanalytics.common.testing.DataFrameAssert.row;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.assertj.core.api.Assertions.assertThat;

import com.journeyanalytics.common.delta.TableStore;
import com.journeyanalytics.common.testing.SparkTestSession;
import com.journeyanalytics.jobs.JourneyJob;
import com.journeyanalytics.jobs.fixtures.ExportFixture;
import com.journeyanalytics.jobs.fixtures.MiniWorld;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NightlyRunTest {

  private static final String CAROL = "email:" + Hashing.sha256Hex("carol@prospect.com");

  private final SparkSession spark = SparkTestSession.get();

  private int runJob(Path exports, Path warehouse, String database, String... extra) {
    List<String> args = new java.util.ArrayList<>(List.of("--exports", exports.toString(), "--warehouse", warehouse.toString(),
        "--conf", conf(warehouse, database)));
    args.addAll(List.of(extra));
    return JourneyJob.run(args.toArray(new String[0]), Map.of(), new PrintStream(new ByteArrayOutputStream()));
  }

  private static String conf(Path warehouse, String database) {
    try {
      Path file = warehouse.resolveSibling(warehouse.getFileName() + "-" + database + ".conf");
      java.nio.file.Files.writeString(file,
          "journey { database = " + database + ", staging-database = " + database + "_staging, quality.min-rows = 1000 }\n");
      return file.toString();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void aLinkOnDayTwoBackStitchesTheVisitorsEarlierTouchpointsToTheAccount(@TempDir Path exportsDir, @TempDir Path warehouse) {
    ExportFixture exports = new ExportFixture(exportsDir);
    String database = SparkTestSession.uniqueDatabase("e2e");
    TableStore tables = new TableStore(spark, warehouse.toString(), database + "_store");
    MiniWorld.writeDay1(exports, spark);
    MiniWorld.writeDay2(exports, spark);

    assertThat(runJob(exportsDir, warehouse, database, "--run-date", MiniWorld.DAY1)).isZero();

    assertThatDataFrame(tables.read("touchpoints"))
        .containsExactlyRowsInAnyOrder(List.of("customer_key", "customer_kind", "activity", "source", "touch_seq", "stage"), List.of(
            row("a1", "account", "account_created", "crm", 1, "consideration"),
            row("a1", "account", "trial_started", "crm", 2, "evaluation"),
            row("a1", "account", "email_open", "marketing", 3, "evaluation"),
            row("a1", "account", "became_customer", "crm", 4, "purchase"),
            row("a1", "account", "invoice_paid", "crm", 5, "purchase"),
            row("a1", "account", "login", "usage", 6, "adoption"),
            row("a1", "account", "ticket_opened", "support", 7, "adoption"),
            row("a1", "account", "nps_response", "support", 8, "advocacy"),
            row("a2", "account", "account_created", "crm", 1, "consideration"),
            row("a2", "account", "opportunity_created", "crm", 2, "evaluation"),
            row("anon:v1", "anonymous", "web_visit", "marketing", 1, "awareness"),
            row(CAROL, "prospect", "email_open", "marketing", 1, "awareness")));

    assertThat(runJob(exportsDir, warehouse, database, "--run-date", MiniWorld.DAY2)).isZero();

    assertThatDataFrame(tables.read("touchpoints").where("customer_key <> 'a2'"))
        .containsExactlyRowsInAnyOrder(List.of("customer_key", "activity", "touch_seq", "stage", "anonymous_id"), List.of(
            row("a1", "account_created", 1, "consideration", null),
            row("a1", "trial_started", 2, "evaluation", null),
            row("a1", "email_open", 3, "evaluation", null),
            row("a1", "became_customer", 4, "purchase", null),
            row("a1", "invoice_paid", 5, "purchase", null),
            row("a1", "login", 6, "adoption", null),
            row("a1", "ticket_opened", 7, "adoption", null),
            row("a1", "nps_response", 8, "advocacy", null),
            row("a1", "web_visit", 9, "advocacy", "v1"),
            row("a1", "form_submit", 10, "advocacy", "v1"),
            row(CAROL, "email_open", 1, "awareness", null)));
    // v1's only link is to ann@a1.com (a1): no visitor is linked to emails of two accounts.
    assertThatDataFrame(tables.read("data_quality").where("check_name = 'identity_conflicts'"))
        .containsExactlyRowsInAnyOrder(List.of("run_date", "dataset", "status", "observed_value", "threshold"), List.of(
            row(MiniWorld.DAY1, "touchpoints", "pass", 0.0, 0.0),
            row(MiniWorld.DAY2, "touchpoints", "pass", 0.0, 0.0)));
    // 100 EUR at the default rate 1.08.
    assertThat(tables.read("touchpoints").where("activity = 'invoice_paid'").first().<java.math.BigDecimal>getAs("revenue_impact"))
        .isEqualByComparingTo("108");
  }

  @Test
  void runningTheSameDayTwiceChangesNoRowOfAnyTableButPipelineRuns(@TempDir Path exportsDir, @TempDir Path warehouse) {
    ExportFixture exports = new ExportFixture(exportsDir);
    String database = SparkTestSession.uniqueDatabase("e2e");
    TableStore tables = new TableStore(spark, warehouse.toString(), database + "_store");
    TableStore staging = new TableStore(spark, warehouse.toString(), database + "_staging");
    MiniWorld.writeDay1(exports, spark);
    MiniWorld.writeDay2(exports, spark);
    runJob(exportsDir, warehouse, database, "--run-date", MiniWorld.DAY1);
    assertThat(runJob(exportsDir, warehouse, database, "--run-date", MiniWorld.DAY2)).isZero();
    Map<String, List<String>> before = contents(tables, staging);

    assertThat(runJob(exportsDir, warehouse, database, "--run-date", MiniWorld.DAY2)).isZero();

    assertThat(contents(tables, staging)).isEqualTo(before);
    assertThat(before.keySet()).contains("touchpoints", "quarantine", "data_quality", "journey_staging:silver_touches".replace("journey", database));
    assertThatDataFrame(tables.read("pipeline_runs")).hasRowCount(3);
  }

  /** Every row of every table but pipeline_runs, as sorted JSON lines, run_id included. */
  private static Map<String, List<String>> contents(TableStore tables, TableStore staging) {
    Map<String, List<String>> all = new TreeMap<>();
    for (TableStore store : List.of(tables, staging)) {
      for (String table : store.tableNames()) {
        if (table.equals("pipeline_runs")) {
          continue;
        }
        List<String> rows = store.read(table).select(to_json(struct(col("*"))).as("j")).collectAsList().stream()
            .map(r -> r.getString(0)).sorted().collect(Collectors.toList());
        all.put(store == staging ? store.database() + ":" + table : table, rows);
      }
    }
    return all;
  }
}
