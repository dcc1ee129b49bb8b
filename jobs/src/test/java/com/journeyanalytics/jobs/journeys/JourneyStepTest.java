package com.journeyanalytics.jobs.journeys;

import static com.journeyanalytics.common.testing.DataFrameAssert.assertThatDataFrame;
import static com.journeyanalytics.common.testing.DataFrameAssert.row;
import static com.journeyanalytics.jobs.fixtures.TouchpointFixture.touchpoints;
import static org.assertj.core.api.Assertions.assertThat;

import com.journeyanalytics.common.config.JobConfig;
import com.journeyanalytics.common.delta.TableStore.WriteResult;
import com.journeyanalytics.common.quality.QualityCheck;
import com.journeyanalytics.jobs.fixtures.TouchpointFixture;
import com.journeyanalytics.jobs.pipeline.StepResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seven subjects with a stage and one without, run on 2026-03-15 (current stays end at
 * 2026-03-16T00:00Z):
 * <ul>
 *   <li>acc-trial: trial-led, onboarding during the trial stays evaluation;</li>
 *   <li>acc-sales: sales-led;</li>
 *   <li>acc-churn: churned;</li>
 *   <li>acc-react: churned, then paid again (reactivation);</li>
 *   <li>email:p1, email:p2: prospects; anon:v1 a visitor; anon:v2 a visitor with no stage.</li>
 * </ul>
 * Every expected number below was computed by hand; the arithmetic is in the comments. The step
 * runs once for the class (it is slow on a shared machine); the tests read what it wrote.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JourneyStepTest {

  private static final String RUN_DATE = "2026-03-15";

  private JourneyTestRun journeys;
  private StepResult firstRun;

  @BeforeAll
  void loadAndRun(@TempDir Path warehouse) {
    journeys = new JourneyTestRun(warehouse, JobConfig.load(null, Map.of("journey.journeys.top-paths", "3")))
        .account("acc-trial", "SMB", "pro", "NA", "Software", "organic", "2026-01-05T10:00:00Z", null)
        .account("acc-sales", "Enterprise", "enterprise", "EMEA", "Finance", "email", "2026-01-10T12:00:00Z", null)
        .account("acc-churn", "SMB", "starter", "NA", "Retail", "paid_search", "2026-01-03T08:00:00Z", "2026-02-01T08:00:00Z")
        // A CRM that overwrote acc-react's dates when it came back: the first snapshot's stay as milestones.
        .earlierSnapshot("acc-react", "2026-01-01T09:00:00Z", "2026-01-20T09:00:00Z")
        .account("acc-react", "MidMarket", "pro", "APAC", "Software", "organic", "2026-03-01T09:00:00Z", null)
        .load(fixture());
    firstRun = journeys.run("run-1", RUN_DATE);
  }

  static TouchpointFixture fixture() {
    return touchpoints()
        .add("acc-trial", "web_visit", "2026-01-01T10:00:00Z").channel("organic")
        .add("acc-trial", "signup", "2026-01-02T10:00:00Z")
        .add("acc-trial", "onboarding_completed", "2026-01-03T10:00:00Z")
        .add("acc-trial", "became_customer", "2026-01-05T10:00:00Z")
        .add("acc-trial", "invoice_paid", "2026-01-05T11:00:00Z").revenue("100.00")
        .add("acc-trial", "onboarding_step_completed", "2026-01-06T10:00:00Z")
        .add("acc-trial", "feature_used", "2026-01-08T10:00:00Z")
        .add("acc-trial", "feature_used", "2026-02-10T10:00:00Z")
        .add("acc-sales", "email_open", "2026-01-01T12:00:00Z").channel("email")
        .add("acc-sales", "email_click", "2026-01-02T12:00:00Z").channel("email")
        .add("acc-sales", "form_submit", "2026-01-03T12:00:00Z").channel("web")
        .add("acc-sales", "demo_request", "2026-01-04T12:00:00Z").channel("web")
        .add("acc-sales", "became_customer", "2026-01-10T12:00:00Z")
        .add("acc-sales", "opportunity_won", "2026-01-10T12:00:00Z")
        .add("acc-sales", "login", "2026-01-12T12:00:00Z")
        .add("acc-sales", "nps_response", "2026-01-20T12:00:00Z").feature("score", "6")
        .add("acc-churn", "signup", "2026-01-01T08:00:00Z")
        .add("acc-churn", "became_customer", "2026-01-03T08:00:00Z")
        .add("acc-churn", "login", "2026-01-04T08:00:00Z")
        .add("acc-churn", "churned", "2026-02-01T08:00:00Z")
        .add("acc-react", "became_customer", "2026-01-01T09:00:00Z")
        .add("acc-react", "feature_used", "2026-01-02T09:00:00Z")
        .add("acc-react", "churned", "2026-01-20T09:00:00Z")
        .add("acc-react", "became_customer", "2026-03-01T09:00:00Z")
        .add("acc-react", "feature_used", "2026-03-02T09:00:00Z")
        .add("email:p1", "email_open", "2026-01-05T10:00:00Z").channel("email")
        .add("email:p1", "email_click", "2026-01-06T10:00:00Z").channel("email")
        .add("email:p1", "form_submit", "2026-01-07T10:00:00Z").channel("web")
        .add("email:p1", "demo_request", "2026-01-08T10:00:00Z").channel("web")
        .add("email:p2", "email_open", "2026-01-05T11:00:00Z").channel("email")
        .add("anon:v1", "web_visit", "2026-01-09T10:00:00Z").channel("organic")
        .add("anon:v2", "unsubscribe", "2026-01-09T11:00:00Z").channel("email")
        .done();
  }

  private Dataset<Row> table(String name) {
    return journeys.tables.read(name);
  }

  @Test
  void stageHistoryHasOneRowPerStayWithItsDuration() {
    // Completed stays: exited - entered in days. Current stays run to 2026-03-16T00:00Z, e.g.
    // acc-trial adoption from 01-08T10:00: 23d14h in January + 28 + 15 = 66.5833.
    assertThatDataFrame(table("stage_history")).containsExactlyRowsInAnyOrder(
        List.of("customer_key", "stay_number", "stage", "stage_order", "entered_at", "exited_at", "days_in_stage",
            "is_current", "next_stage"),
        List.of(
            row("acc-trial", 1, "awareness", 1, "2026-01-01T10:00:00Z", "2026-01-02T10:00:00Z", "1", false, "evaluation"),
            row("acc-trial", 2, "evaluation", 3, "2026-01-02T10:00:00Z", "2026-01-05T10:00:00Z", "3", false, "purchase"),
            row("acc-trial", 3, "purchase", 4, "2026-01-05T10:00:00Z", "2026-01-06T10:00:00Z", "1", false, "onboarding"),
            row("acc-trial", 4, "onboarding", 5, "2026-01-06T10:00:00Z", "2026-01-08T10:00:00Z", "2", false, "adoption"),
            row("acc-trial", 5, "adoption", 6, "2026-01-08T10:00:00Z", null, "66.5833", true, null),
            row("acc-sales", 1, "awareness", 1, "2026-01-01T12:00:00Z", "2026-01-02T12:00:00Z", "1", false, "consideration"),
            row("acc-sales", 2, "consideration", 2, "2026-01-02T12:00:00Z", "2026-01-04T12:00:00Z", "2", false, "evaluation"),
            row("acc-sales", 3, "evaluation", 3, "2026-01-04T12:00:00Z", "2026-01-10T12:00:00Z", "6", false, "purchase"),
            row("acc-sales", 4, "purchase", 4, "2026-01-10T12:00:00Z", "2026-01-12T12:00:00Z", "2", false, "adoption"),
            // 01-12T12:00 to 03-16T00:00: 19.5 + 28 + 15
            row("acc-sales", 5, "adoption", 6, "2026-01-12T12:00:00Z", null, "62.5", true, null),
            row("acc-churn", 1, "evaluation", 3, "2026-01-01T08:00:00Z", "2026-01-03T08:00:00Z", "2", false, "purchase"),
            row("acc-churn", 2, "purchase", 4, "2026-01-03T08:00:00Z", "2026-01-04T08:00:00Z", "1", false, "adoption"),
            row("acc-churn", 3, "adoption", 6, "2026-01-04T08:00:00Z", "2026-02-01T08:00:00Z", "28", false, "churned"),
            // 02-01T08:00 to 03-01T08:00 = 28, then 14d16h to 03-16T00:00 = 14.6667
            row("acc-churn", 4, "churned", 8, "2026-02-01T08:00:00Z", null, "42.6667", true, null),
            row("acc-react", 1, "purchase", 4, "2026-01-01T09:00:00Z", "2026-01-02T09:00:00Z", "1", false, "adoption"),
            row("acc-react", 2, "adoption", 6, "2026-01-02T09:00:00Z", "2026-01-20T09:00:00Z", "18", false, "churned"),
            // 01-20 to 02-20 = 31, to 03-01 = 9 more
            row("acc-react", 3, "churned", 8, "2026-01-20T09:00:00Z", "2026-03-01T09:00:00Z", "40", false, "purchase"),
            row("acc-react", 4, "purchase", 4, "2026-03-01T09:00:00Z", "2026-03-02T09:00:00Z", "1", false, "adoption"),
            // 03-02T09:00 to 03-16T00:00 = 13d15h
            row("acc-react", 5, "adoption", 6, "2026-03-02T09:00:00Z", null, "13.625", true, null),
            row("email:p1", 1, "awareness", 1, "2026-01-05T10:00:00Z", "2026-01-06T10:00:00Z", "1", false, "consideration"),
            row("email:p1", 2, "consideration", 2, "2026-01-06T10:00:00Z", "2026-01-08T10:00:00Z", "2", false, "evaluation"),
            row("email:p1", 3, "evaluation", 3, "2026-01-08T10:00:00Z", null, "66.5833", true, null),
            // 01-05T11:00 to 01-31T24:00 = 26d13h, + 43
            row("email:p2", 1, "awareness", 1, "2026-01-05T11:00:00Z", null, "69.5417", true, null),
            // 01-09T10:00: 22d14h + 43
            row("anon:v1", 1, "awareness", 1, "2026-01-09T10:00:00Z", null, "65.5833", true, null)));
  }

  @Test
  void customerJourneysSummariseEverySubjectWithItsStagePath() {
    assertThatDataFrame(table("customer_journeys")).containsExactlyRowsInAnyOrder(
        List.of("customer_key", "customer_kind", "segment", "touchpoints", "first_touch_channel", "current_stage",
            "current_stage_entered_at", "stage_path_text", "is_converted", "days_to_convert", "is_churned",
            "lifetime_revenue", "tickets", "last_nps_score", "reactivations"),
        List.of(
            // days_to_convert: first touch 01-01T10:00 to converted 01-05T10:00
            row("acc-trial", "account", "SMB", 8, "organic", "adoption", "2026-01-08T10:00:00Z",
                "awareness > evaluation > purchase > onboarding > adoption", true, "4", false, "100", 0, null, 0),
            row("acc-sales", "account", "Enterprise", 8, "email", "adoption", "2026-01-12T12:00:00Z",
                "awareness > consideration > evaluation > purchase > adoption", true, "9", false, "0", 0, 6, 0),
            row("acc-churn", "account", "SMB", 4, null, "churned", "2026-02-01T08:00:00Z",
                "evaluation > purchase > adoption > churned", true, "2", true, "0", 0, null, 0),
            row("acc-react", "account", "MidMarket", 5, null, "adoption", "2026-03-02T09:00:00Z",
                // converted_at is the first conversion (01-01, 0 days after the first touch); one comeback.
                "purchase > adoption > churned > purchase > adoption", true, "0", false, "0", 0, null, 1),
            row("email:p1", "prospect", null, 4, "email", "evaluation", "2026-01-08T10:00:00Z",
                "awareness > consideration > evaluation", false, null, false, "0", 0, null, 0),
            row("email:p2", "prospect", null, 1, "email", "awareness", "2026-01-05T11:00:00Z", "awareness", false, null,
                false, "0", 0, null, 0),
            row("anon:v1", "anonymous", null, 1, "organic", "awareness", "2026-01-09T10:00:00Z", "awareness", false, null,
                false, "0", 0, null, 0),
            row("anon:v2", "anonymous", null, 1, "email", null, null, null, false, null, false, "0", 0, null, 0)));
  }

  @Test
  void stageMetricsCountReachedCurrentConversionAndDurations() {
    // Subjects with a stage: 7. Furthest stage (churned excluded): the four accounts adoption (6),
    // p1 evaluation (3), p2 and v1 awareness (1); acc-churn and acc-react entered churned.
    // Reached: awareness 7, consideration 5, evaluation 5, purchase..adoption 4, advocacy 0, churned 2.
    // Conversion: 5/7 = 71.4286, 5/5, 4/5 = 80, 4/4, 4/4, 0/4; advocacy has no next (churned is no
    // conversion). Completed stays in days: awareness 1,1,1; consideration 2,2; evaluation 3,6,2
    // (p90 = 3 + 0.8 x 3 = 5.4); purchase 1,2,1,1,1 (p90 = 1 + 0.6 x 1 = 1.6); onboarding 2;
    // adoption 28,18 (median 23, p90 = 18 + 0.9 x 10 = 27); churned 40.
    assertThatDataFrame(table("stage_metrics").where("dimension = 'all'")).containsExactlyRowsInAnyOrder(
        List.of("snapshot_date", "dimension_value", "stage", "stage_order", "customers_reached", "customers_current",
            "conversion_to_next_rate", "drop_off_rate", "median_days_in_stage", "p90_days_in_stage"),
        List.of(
            row("2026-03-15", "all", "awareness", 1, 7, 2, "71.4286", "28.5714", "1", "1"),
            row("2026-03-15", "all", "consideration", 2, 5, 0, "100", "0", "2", "2"),
            row("2026-03-15", "all", "evaluation", 3, 5, 1, "80", "20", "3", "5.4"),
            row("2026-03-15", "all", "purchase", 4, 4, 0, "100", "0", "1", "1.6"),
            row("2026-03-15", "all", "onboarding", 5, 4, 0, "100", "0", "2", "2"),
            row("2026-03-15", "all", "adoption", 6, 4, 3, "0", "100", "23", "27"),
            row("2026-03-15", "all", "advocacy", 7, 0, 0, null, null, null, null),
            row("2026-03-15", "all", "churned", 8, 2, 1, null, null, "40", "40")));

    // SMB: acc-trial (current adoption) and acc-churn (current churned).
    assertThatDataFrame(table("stage_metrics").where("dimension = 'segment' AND dimension_value = 'SMB'"))
        .containsExactlyRowsInAnyOrder(
            List.of("stage", "customers_reached", "customers_current", "conversion_to_next_rate"),
            List.of(
                row("awareness", 2, 0, "100"), row("consideration", 2, 0, "100"), row("evaluation", 2, 0, "100"),
                row("purchase", 2, 0, "100"), row("onboarding", 2, 0, "100"), row("adoption", 2, 1, "0"),
                row("advocacy", 0, 0, null), row("churned", 1, 1, null)));
    // Segments: SMB, Enterprise, MidMarket and unknown for the prospects and visitors, 8 stages each.
    assertThatDataFrame(table("stage_metrics").where("dimension = 'segment'")).hasRowCount(32);
    assertThatDataFrame(table("stage_metrics").where("dimension = 'segment'").select("dimension_value").distinct())
        .containsExactlyRowsInAnyOrder(List.of("dimension_value"),
            List.of(row("SMB"), row("Enterprise"), row("MidMarket"), row("unknown")));
  }

  @Test
  void stageTransitionsCountEveryMoveWithHoursInTheStageLeft() {
    // Hours in the stage left; (start) from the first touchpoint (0 here, every first touchpoint
    // enters a stage). evaluation > purchase: 72 (trial), 144 (sales), 48 (churn): median 72,
    // p90 = 72 + 0.8 x 72 = 129.6. purchase > adoption: 48, 24, 24, 24 (react twice): p90 = 24 + 0.7 x 24.
    // adoption > churned: 672, 432: median 552, p90 = 432 + 0.9 x 240 = 648.
    assertThatDataFrame(table("stage_transitions")).containsExactlyRowsInAnyOrder(
        List.of("from_stage", "to_stage", "customers", "transitions", "median_hours", "p90_hours"),
        List.of(
            row("(start)", "awareness", 5, 5, "0", "0"),
            row("(start)", "evaluation", 1, 1, "0", "0"),
            row("(start)", "purchase", 1, 1, "0", "0"),
            row("awareness", "evaluation", 1, 1, "24", "24"),
            row("awareness", "consideration", 2, 2, "24", "24"),
            row("consideration", "evaluation", 2, 2, "48", "48"),
            row("evaluation", "purchase", 3, 3, "72", "129.6"),
            row("purchase", "onboarding", 1, 1, "24", "24"),
            row("onboarding", "adoption", 1, 1, "48", "48"),
            row("purchase", "adoption", 3, 4, "24", "40.8"),
            row("adoption", "churned", 2, 2, "552", "648"),
            row("churned", "purchase", 1, 1, "960", "960")));
  }

  @Test
  void journeyPathsKeepTheTopPathsAndSumTheRestIntoOther() {
    // top-paths = 3 over 7 subjects with a path: "awareness" (p2, v1) first, then ties of 1 by path
    // text. (other): trial (4 days), churn (2), react (0): 3 converted, median 2. Shares of 7.
    assertThatDataFrame(table("journey_paths")).containsExactlyRowsInAnyOrder(
        List.of("snapshot_date", "path", "path_length", "customers", "share_of_customers", "converted_customers",
            "conversion_rate", "median_days_to_convert", "rank"),
        List.of(
            row("2026-03-15", "awareness", 1, 2, "28.5714", 0, "0", null, 1),
            row("2026-03-15", "awareness > consideration > evaluation", 3, 1, "14.2857", 0, "0", null, 2),
            row("2026-03-15", "awareness > consideration > evaluation > purchase > adoption", 5, 1, "14.2857", 1, "100",
                "9", 3),
            row("2026-03-15", "(other)", null, 3, "42.8571", 3, "100", "2", 4)));
  }

  @Test
  void defaultFunnelsFollowTrialAndMarketingJourneys() {
    // trial-to-adoption: signup by acc-trial and acc-churn; only acc-trial goes on, 24 h, 48 h, 72 h apart.
    // marketing: email_open by acc-sales, p1, p2; clicks, forms and demos 24 h apart by acc-sales and
    // p1; acc-sales becomes a customer 144 h after its demo request.
    assertThatDataFrame(table("funnel_steps").where("dimension = 'all'")).containsExactlyRowsInAnyOrder(
        List.of("funnel", "step", "step_name", "customers", "conversion_from_start", "conversion_from_previous",
            "median_hours_from_previous"),
        List.of(
            row("trial-to-adoption", 1, "signup", 2, "100", null, null),
            row("trial-to-adoption", 2, "onboarding_completed", 1, "50", "50", "24"),
            row("trial-to-adoption", 3, "became_customer", 1, "50", "100", "48"),
            row("trial-to-adoption", 4, "feature_used", 1, "50", "100", "72"),
            row("marketing", 1, "email_open", 3, "100", null, null),
            row("marketing", 2, "email_click", 2, "66.6667", "66.6667", "24"),
            row("marketing", 3, "form_submit", 2, "66.6667", "100", "24"),
            row("marketing", 4, "demo_request", 2, "66.6667", "100", "24"),
            row("marketing", 5, "became_customer", 1, "33.3333", "50", "144")));
  }

  @Test
  void retentionCohortsCountRetainedAndActiveAccountsPerMonth() {
    // Cohort 2026-01: the four accounts (acc-react by its first conversion). Retained = paying at the
    // first instant of the next month: Feb 1 trial, sales, churn (it churned 02-01T08:00, after it),
    // not react (churned 01-20) = 3; Mar 1 trial, sales = 2 (react comes back 03-01T09:00); Apr 1
    // trial, sales, react = 3. Usage months: trial Jan+Feb, sales Jan, churn Jan, react Jan+Mar.
    assertThatDataFrame(table("retention_cohorts")).containsExactlyRowsInAnyOrder(
        List.of("cohort_month", "months_since", "cohort_size", "retained_customers", "retention_rate",
            "active_customers", "active_rate"),
        List.of(
            row("2026-01-01", 0, 4, 3, "75", 4, "100"),
            row("2026-01-01", 1, 4, 2, "50", 1, "25"),
            row("2026-01-01", 2, 4, 3, "75", 1, "25")));
  }

  @Test
  void lifecycleMonthlyClassifiesAccountsByUsageActivity() {
    // Jan: all four new. Feb: trial returning; sales, churn, react dormant. Mar: react resurrecting,
    // trial dormant.
    assertThatDataFrame(table("lifecycle_monthly")).containsExactlyRowsInAnyOrder(
        List.of("month", "status", "accounts"),
        List.of(
            row("2026-01-01", "new", 4),
            row("2026-02-01", "returning", 1),
            row("2026-02-01", "dormant", 3),
            row("2026-03-01", "resurrecting", 1),
            row("2026-03-01", "dormant", 1)));
  }

  @Test
  void conversionDriversCountIdentifiedSubjectsWithAnActivityBeforeTheirConversion() {
    // email_open: acc-sales (01-01, before its conversion on 01-10), p1, p2: 3 with, 1 converted;
    // without: acc-trial, acc-churn, acc-react, all converted (the visitors are not identified).
    // feature_used came only after the conversions of acc-trial and acc-react: no holder, no row.
    assertThatDataFrame(table("conversion_drivers").where("factor IN ('email_open', 'feature_used')"))
        .containsExactlyRowsInAnyOrder(
            List.of("factor_kind", "factor", "subjects_with", "converted_with", "subjects_without", "converted_without",
                "conversion_rate_with", "conversion_rate_without"),
            List.of(row("activity", "email_open", 3, 1, 3, 3, "33.3333", "100")));
  }

  @Test
  void reconciliationChecksAllPass() {
    StepResult result = firstRun;

    assertThat(result.checks()).extracting(QualityCheck::checkName).containsExactlyInAnyOrder(
        "one_row_per_subject", "customers_sum_to_subjects", "customers_sum_to_subjects",
        "first_stage_reached_equals_subjects", "step_1_trial-to-adoption", "step_1_marketing", "milestone_conflicts");
    assertThat(result.checks()).allSatisfy(check -> assertThat(check.status()).as(check.message()).isEqualTo(QualityCheck.Status.PASS));
    // journey_paths: the 7 subjects with a stage; activity_paths: all 8 (anon:v2 too).
    assertThat(result.checks()).filteredOn(c -> c.checkName().equals("customers_sum_to_subjects"))
        .extracting(QualityCheck::dataset, QualityCheck::observedValue).containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("journey_paths", 7.0),
            org.assertj.core.groups.Tuple.tuple("activity_paths", 8.0));
  }

  @Test
  void rerunOnTheSameTouchpointsChangesNoTable() {
    StepResult first = firstRun;
    StepResult second = journeys.run("run-2", RUN_DATE);

    assertThat(second.writes()).extracting(WriteResult::changed).containsOnly(false);
    assertThat(second.writes()).extracting(WriteResult::table, WriteResult::version)
        .containsExactlyElementsOf(first.writes().stream()
            .map(w -> org.assertj.core.groups.Tuple.tuple(w.table(), w.version())).toList());
    assertThat(first.writes()).extracting(WriteResult::table).containsExactly("subject_facts",
        "stage_history", "customer_journeys", "stage_metrics", "stage_transitions", "journey_paths", "activity_paths",
        "funnel_steps", "retention_cohorts", "lifecycle_monthly", "conversion_drivers");
  }
}
