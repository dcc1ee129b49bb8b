package com.journeyanalytics.jobs.e2e;

import static com.journeyanalytics.common.testing.DataFrameAssert.assertThatDataFrame;
import static com.journeyanalytics.common.testing.DataFrameAssert.row;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.assertj.core.api.Assertions.assertThat;

import com.journeyanalytics.common.Hashing;
import com.journeyanalytics.common.delta.TableStore;
import com.journeyanalytics.common.testing.SparkTestSession;
import com.journeyanalytics.jobs.JourneyJob;
import com.journeyanalytics.jobs.fixtures.MiniWarehouse;
import com.journeyanalytics.jobs.fixtures.MiniWorld;
import com.journeyanalytics.jobs.journeys.SubjectFacts;
import com.journeyanalytics.jobs.touchpoints.TouchpointStep;
import io.delta.tables.DeltaTable;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * MiniWorld's two nights as the scheduler runs them, on the shared warehouse the real job built
 * (MiniWarehouse): day 1, then day 2, whose link back-stitches a visitor; and day 2 once more.
 */
class NightlyRunTest {

  private static final String CAROL = "email:" + Hashing.sha256Hex("carol@prospect.com");

  private final SparkSession spark = SparkTestSession.get();
  private final MiniWarehouse.Built mini = MiniWarehouse.get();
  private final TableStore tables = new TableStore(spark, mini.warehouse().toString(), mini.database() + "_store");
  private final TableStore staging = new TableStore(spark, mini.warehouse().toString(), mini.database() + "_staging");

  @Test
  void aLinkOnDayTwoBackStitchesTheVisitorsEarlierTouchpointsToTheAccount() {
    // Day 1's night, as the touchpoints version its pipeline_runs row recorded.
    assertThatDataFrame(touchpointsPublishedBy(MiniWorld.DAY1))
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

    // Day 2 links v1 to ann@a1.com: its day-1 web_visit and day-2 form_submit become a1's 9th and 10th.
    assertThatDataFrame(spark.table(mini.database() + ".touchpoints").where("customer_key <> 'a2'"))
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
    // Maintenance between the nights moved the tables' versions without changing a row: day 2 still
    // recomputed only what t4 changed, below, rather than every customer. Day 1 left each touchpoints
    // day in one file, so maintenance only vacuumed it. (Its compactions are GeneratedSampleRunTest's.)
    long day1 = publishedVersion(MiniWorld.DAY1, "touchpoints");
    assertThat(operationsAfter(tables.location("touchpoints"), day1)).contains("VACUUM END").doesNotContain("OPTIMIZE");
    assertThat(operationsAfter(staging.location(SubjectFacts.SPEC.name()),
        publishedVersion(MiniWorld.DAY1, staging.database() + "." + SubjectFacts.SPEC.name()))).contains("VACUUM END");
    // Day 2's only change is t4, linking v1 to ann@a1.com: the identifiers it changed are ann's hash and
    // v1 (its new identity-map entry); the subjects holding them, before or after, are a1 (t1 carries
    // ann's hash) and anon:v1 (t2): the night recomputed those 2 and left a2 and carol alone.
    assertThat(DeltaTable.forPath(spark, tables.location("touchpoints")).history()
        .where(col("userMetadata").startsWith(TouchpointStep.INCREMENTAL_NOTE)).select("userMetadata")
        .as(Encoders.STRING()).collectAsList()).containsExactly(TouchpointStep.INCREMENTAL_NOTE + "2 customers");
    // The journeys' facts followed the touchpoints that changed: v1's web_visit moved from anon:v1 to
    // a1 (old and new image) and a1 got the form_submit, so the facts of those 2 subjects were
    // recomputed (anon:v1's row deleted: it has no touchpoint left) and a2's and carol's kept.
    assertThat(DeltaTable.forPath(spark, staging.location(SubjectFacts.SPEC.name())).history()
        .where(col("userMetadata").startsWith(SubjectFacts.INCREMENTAL_NOTE)).select("userMetadata")
        .as(Encoders.STRING()).collectAsList()).containsExactly(SubjectFacts.INCREMENTAL_NOTE + "2 subjects");
    assertThat(staging.read(SubjectFacts.SPEC.name()).select("customer_key").as(Encoders.STRING()).collectAsList())
        .containsExactlyInAnyOrder("a1", "a2", CAROL);
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
  void runningTheSameDayTwiceChangesNoRowOfAnyTableButPipelineRuns() {
    Map<String, List<String>> before = contents();
    long runsBefore = tables.read("pipeline_runs").count();

    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = JourneyJob.run(new String[] {"--exports", mini.exports().toString(), "--warehouse",
        mini.warehouse().toString(), "--conf", mini.conf().toString(), "--run-date", MiniWorld.DAY2},
        Map.of(), new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(contents()).isEqualTo(before);
    assertThat(before.keySet()).contains("touchpoints", "quarantine", "data_quality", mini.database() + "_staging:silver_touches");
    // One more row, for this rerun: rerunning the last published date catches up no other day.
    List<Row> runs = tables.read("pipeline_runs").orderBy("started_at").select("run_date", "status").collectAsList();
    assertThat(runs).hasSize((int) runsBefore + 1);
    assertThat(runs.get(runs.size() - 1).getDate(0).toString()).isEqualTo(MiniWorld.DAY2);
    assertThat(runs.get(runs.size() - 1).getString(1)).isEqualTo("succeeded");
  }

  /** The touchpoints table at the version the night of {@code runDate} recorded in pipeline_runs.table_versions. */
  private Dataset<Row> touchpointsPublishedBy(String runDate) {
    return spark.read().format("delta").option("versionAsOf", publishedVersion(runDate, "touchpoints"))
        .load(tables.location("touchpoints"));
  }

  /** The version of the table the first night of {@code runDate} recorded under {@code key} in pipeline_runs.table_versions. */
  private long publishedVersion(String runDate, String key) {
    return tables.read("pipeline_runs")
        .where("run_date = DATE'" + runDate + "' AND status = 'succeeded' AND mode <> 'maintenance'")
        .orderBy("started_at").select(col("table_versions").getItem(key)).first().getLong(0);
  }

  /** The operations of the table's commits after {@code version}. */
  private List<String> operationsAfter(String location, long version) {
    return DeltaTable.forPath(spark, location).history().where(col("version").gt(version)).select("operation")
        .as(Encoders.STRING()).collectAsList();
  }

  /** Every row of every table but pipeline_runs, as sorted JSON lines, run_id included. */
  private Map<String, List<String>> contents() {
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
