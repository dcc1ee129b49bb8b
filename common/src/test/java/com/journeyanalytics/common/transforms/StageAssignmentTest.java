package com.journeyanalytics.common.transforms;

import static com.journeyanalytics.common.testing.DataFrameAssert.assertThatDataFrame;
import static com.journeyanalytics.common.testing.DataFrameAssert.row;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;

import com.journeyanalytics.common.config.JobConfig;
import com.journeyanalytics.common.config.StageModel;
import com.journeyanalytics.common.config.StageModel.Condition;
import com.journeyanalytics.common.config.StageModel.Rule;
import com.journeyanalytics.common.testing.SparkTestSession;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import scala.collection.JavaConverters;

class StageAssignmentTest {

  private static final StructType TIMELINE = new StructType()
      .add("touchpoint_id", StringType)
      .add("customer_key", StringType)
      .add("source", StringType)
      .add("dataset", StringType)
      .add("activity", StringType)
      .add("channel", StringType)
      .add("campaign_id", StringType)
      .add("features", DataTypes.createMapType(StringType, StringType))
      .add("occurred_at", TimestampType);

  private static final List<String> RESULT = List.of("touchpoint_id", "stage", "stage_order");

  private final SparkSession spark = SparkTestSession.get();
  private final StageModel defaults = JobConfig.load(null, Map.of()).stages();
  private final List<Row> rows = new ArrayList<>();

  /** One touchpoint; id doubles as the tie-break; day is the day of January 2026. */
  private void touch(String id, String customer, String source, String activity, int day, String... featurePairs) {
    touchWithChannel(id, customer, source, activity, null, day, featurePairs);
  }

  private void touchWithChannel(String id, String customer, String source, String activity, String channel, int day,
      String... featurePairs) {
    Map<String, String> features = new LinkedHashMap<>();
    for (int i = 0; i < featurePairs.length; i += 2) {
      features.put(featurePairs[i], featurePairs[i + 1]);
    }
    rows.add(RowFactory.create(id, customer, source, "ds", activity, channel, null,
        JavaConverters.mapAsScalaMap(features).toMap(scala.Predef$.MODULE$.$conforms()),
        Timestamp.from(Instant.parse(String.format("2026-01-%02dT10:00:00Z", day)))));
  }

  private Dataset<Row> staged(StageModel model) {
    return StageAssignment.withStage(spark.createDataFrame(rows, TIMELINE), model);
  }

  @Test
  void trialUsersOnboardingStaysInEvaluationUntilTheyPurchase() {
    touch("t1", "acc-1", "marketing", "web_visit", 1);
    touch("t2", "acc-1", "usage", "signup", 2);
    touch("t3", "acc-1", "usage", "onboarding_completed", 3);
    touch("t4", "acc-1", "usage", "feature_used", 4);
    touch("t5", "acc-1", "crm", "became_customer", 5);
    touch("t6", "acc-1", "usage", "onboarding_step_completed", 6);
    touch("t7", "acc-1", "usage", "feature_used", 7);
    touch("t8", "acc-1", "support", "ticket_opened", 8);
    touch("t9", "acc-1", "usage", "onboarding_completed", 9);

    assertThatDataFrame(staged(defaults)).containsExactlyRowsInAnyOrder(RESULT, List.of(
        row("t1", "awareness", 1),
        row("t2", "evaluation", 3),
        row("t3", "evaluation", 3),
        row("t4", "evaluation", 3),
        row("t5", "purchase", 4),
        row("t6", "onboarding", 5),
        row("t7", "adoption", 6),
        row("t8", "adoption", 6),
        row("t9", "adoption", 6)));
  }

  @Test
  void salesLedCustomerNeverMovesBackwards() {
    touch("s1", "acc-2", "marketing", "email_open", 1);
    touch("s2", "acc-2", "marketing", "form_submit", 2);
    touch("s3", "acc-2", "crm", "opportunity_created", 3);
    touch("s4", "acc-2", "crm", "opportunity_won", 4);
    touch("s5", "acc-2", "usage", "login", 5);
    touch("s6", "acc-2", "marketing", "email_open", 6);
    touch("s7", "acc-2", "crm", "opportunity_lost", 7);

    assertThatDataFrame(staged(defaults)).containsExactlyRowsInAnyOrder(RESULT, List.of(
        row("s1", "awareness", 1),
        row("s2", "consideration", 2),
        row("s3", "evaluation", 3),
        row("s4", "purchase", 4),
        row("s5", "adoption", 6),
        row("s6", "adoption", 6),
        row("s7", "adoption", 6)));
  }

  @Test
  void churnedCustomerWhoPaysAgainReentersPurchase() {
    touch("r1", "acc-3", "crm", "became_customer", 1);
    touch("r2", "acc-3", "usage", "login", 2);
    touch("r3", "acc-3", "crm", "churned", 3);
    // While churned, post-purchase activities inherit and earlier stages are behind.
    touch("r4", "acc-3", "usage", "login", 4);
    touch("r5", "acc-3", "marketing", "web_visit", 5);
    touch("r6", "acc-3", "usage", "subscription_cancelled", 6);
    touch("r7", "acc-3", "crm", "became_customer", 7);
    touch("r8", "acc-3", "usage", "onboarding_completed", 8);
    touch("r9", "acc-3", "crm", "churned", 9);
    touch("ra", "acc-3", "crm", "opportunity_won", 10);

    assertThatDataFrame(staged(defaults)).containsExactlyRowsInAnyOrder(RESULT, List.of(
        row("r1", "purchase", 4),
        row("r2", "adoption", 6),
        row("r3", "churned", 8),
        row("r4", "churned", 8),
        row("r5", "churned", 8),
        row("r6", "churned", 8),
        row("r7", "purchase", 4),
        row("r8", "onboarding", 5),
        row("r9", "churned", 8),
        row("ra", "purchase", 4)));
  }

  @Test
  void churnEventWithoutAPurchaseInheritsAndIsNoReactivationLater() {
    touch("n1", "acc-4", "usage", "signup", 1);
    touch("n2", "acc-4", "crm", "churned", 2);
    touch("n3", "acc-4", "usage", "feature_used", 3);
    touch("n4", "acc-4", "crm", "became_customer", 4);
    touch("n5", "acc-4", "usage", "feature_used", 5);
    touch("n6", "acc-4", "crm", "churned", 6);

    assertThatDataFrame(staged(defaults)).containsExactlyRowsInAnyOrder(RESULT, List.of(
        row("n1", "evaluation", 3),
        row("n2", "evaluation", 3),
        row("n3", "evaluation", 3),
        row("n4", "purchase", 4),
        row("n5", "adoption", 6),
        row("n6", "churned", 8)));
  }

  @Test
  void npsScoreOfNineOrMoreEntersAdvocacyComparedAsANumber() {
    touch("p1", "acc-5", "crm", "became_customer", 1);
    touch("p2", "acc-5", "support", "nps_response", 2, "score", "6");
    touch("p3", "acc-5", "support", "nps_response", 3, "score", "9");
    touch("q1", "acc-6", "crm", "became_customer", 1);
    // "10" sorts before "9" as text: only a numeric comparison maps it to advocacy.
    touch("q2", "acc-6", "support", "nps_response", 2, "score", "10");
    touch("q3", "acc-7", "support", "nps_response", 2, "score", "10");
    touch("q4", "acc-7", "support", "nps_response", 3);

    assertThatDataFrame(staged(defaults)).containsExactlyRowsInAnyOrder(RESULT, List.of(
        row("p1", "purchase", 4),
        row("p2", "purchase", 4),
        row("p3", "advocacy", 7),
        row("q1", "purchase", 4),
        row("q2", "advocacy", 7),
        row("q3", null, null),
        row("q4", null, null)));
  }

  @Test
  void ruleWithASourceOrAChannelConditionOnlyMatchesThatSourceOrChannel() {
    StageModel model = new StageModel(defaults.order(), "purchase", "churned", Set.of("onboarding", "adoption", "advocacy"),
        List.of(
            new Rule("awareness", List.of("signup"), "marketing", null),
            new Rule("evaluation", List.of("signup"), null, null),
            new Rule(StageModel.INHERIT, List.of("web_visit"), null, new Condition("channel", "=", "paid_search")),
            new Rule("consideration", List.of("web_visit"), null, null)));
    touch("m1", "lead-1", "marketing", "signup", 1);
    touchWithChannel("m2", "lead-1", "marketing", "web_visit", "paid_search", 2);
    touchWithChannel("m3", "lead-1", "marketing", "web_visit", "organic", 3);
    touchWithChannel("u1", "lead-2", "marketing", "web_visit", "paid_search", 1);
    touch("u2", "lead-2", "usage", "signup", 2);

    assertThatDataFrame(staged(model)).containsExactlyRowsInAnyOrder(RESULT, List.of(
        row("m1", "awareness", 1),
        row("m2", "awareness", 1),
        row("m3", "consideration", 2),
        row("u1", null, null),
        row("u2", "evaluation", 3)));
  }

  @Test
  void touchpointsAtTheSameInstantAreOrderedByTouchpointId() {
    // Same instant: "k1" (churned) comes before "k2" (became_customer), so the churn finds no
    // purchase before it and inherits nothing; with the opposite order it would be churned.
    touch("k2", "acc-8", "crm", "became_customer", 1);
    touch("k1", "acc-8", "crm", "churned", 1);
    touch("k3", "acc-9", "crm", "became_customer", 1);
    touch("k4", "acc-9", "crm", "churned", 1);

    assertThatDataFrame(staged(defaults)).containsExactlyRowsInAnyOrder(RESULT, List.of(
        row("k1", null, null),
        row("k2", "purchase", 4),
        row("k3", "purchase", 4),
        row("k4", "churned", 8)));
  }

  @Test
  void keepsEveryInputColumnAndAppendsTheStage() {
    touch("c1", "acc-1", "marketing", "web_visit", 1);

    assertThatDataFrame(staged(defaults)).hasColumns(
        "touchpoint_id string", "customer_key string", "source string", "dataset string", "activity string",
        "channel string", "campaign_id string", "features map<string,string>", "occurred_at timestamp",
        "stage string", "stage_order int");
  }
}
