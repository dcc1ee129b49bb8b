package com.journeyanalytics.jobs.attribution;

import static com.journeyanalytics.common.testing.DataFrameAssert.assertThatDataFrame;
import static com.journeyanalytics.common.testing.DataFrameAssert.row;
import static com.journeyanalytics.jobs.fixtures.TouchpointFixture.touchpoints;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.journeyanalytics.common.config.InvalidConfigException;
import com.journeyanalytics.common.config.JobConfig;
import com.journeyanalytics.common.delta.TableStore;
import com.journeyanalytics.common.delta.TableStore.WriteResult;
import com.journeyanalytics.common.quality.QualityCheck;
import com.journeyanalytics.common.schema.Silver;
import com.journeyanalytics.common.schema.Touchpoints;
import com.journeyanalytics.common.testing.SparkTestSession;
import com.journeyanalytics.jobs.fixtures.TouchpointFixture;
import com.journeyanalytics.jobs.pipeline.RunContext;
import com.journeyanalytics.jobs.pipeline.RunMode;
import com.journeyanalytics.jobs.pipeline.StepResult;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The step on a hand-made journey set, run date 2026-03-31, half life 7 days, 40/40/20,
 * lookback 90 days, repeats kept, spend from touch cost.
 *
 * <pre>
 * subject  touches in window (age at conversion)                    outcome       revenue
 * A1       search[c_search](7d)                                     converts 03-08  100
 * A2       email[c_email](14d) > search[c_search](7d)               converts 03-24  200
 * A3       display[c_display](14d) > email[c_email](7d) > email(0d) converts 03-20  300
 * P1       search[c_search] > social[c_social]                      not converted
 * N1       social (no campaign)                                     not converted
 * A4       email[c_email]                                           not converted
 * A5       (search 104 days before its conversion: no path)         converts 03-15
 * N2       (display in 2025-12: outside the window, no path)        not converted
 * </pre>
 * A2 also has an open invoice and one issued before its conversion (neither counts); A1 has an
 * email touch after its conversion (not on its path); A4 has a touch after the run date.
 * Conversions with a touch: A1, A2, A3 = 3, revenue 600.
 */
class AttributionStepTest {

  private static final LocalDate RUN_DATE = LocalDate.parse("2026-03-31");

  @TempDir
  Path warehouse;

  private final SparkSession spark = SparkTestSession.get();

  @Test
  void writesPathsPerSubjectWindowWithConversionsAndRevenue() {
    Fixture f = new Fixture(Map.of());
    f.run("run-1");

    assertThatDataFrame(f.tables.read("channel_paths")).containsExactlyRowsInAnyOrder(
        List.of("snapshot_date", "channel_path", "conversions", "non_conversions", "conversion_revenue", "run_id"),
        List.of(
            row("2026-03-31", "search", 1, 0, "100", "run-1"),
            row("2026-03-31", "email > search", 1, 0, "200", "run-1"),
            row("2026-03-31", "display > email > email", 1, 0, "300", "run-1"),
            row("2026-03-31", "search > social", 0, 1, "0", "run-1"),
            row("2026-03-31", "social", 0, 1, "0", "run-1"),
            row("2026-03-31", "email", 0, 1, "0", "run-1")));
  }

  /**
   * Channel-level credit, worked by hand:
   * first_touch: A1 search, A2 email, A3 display, 1 each with their revenue.
   * last_touch: A1 search, A2 search, A3 email -> search 2 (100+200), email 1 (300).
   * linear: A1 search 1; A2 email 1/2, search 1/2; A3 display 1/3, email 2/3
   *   -> search 1.5 (100+100), email 1/2+2/3 = 1.166667 (100+200), display 0.333333 (100).
   * time_decay (2^(-age/7)): A2 email 0.25, search 0.5 -> 1/3, 2/3; A3 display 0.25,
   *   email 0.5 and 1 -> 1/7, 6/7. search 1 + 2/3 = 1.666667 (100 + 133.3333 = 233.3333),
   *   email 1/3 + 6/7 = 25/21 = 1.190476 (66.6667 + 257.1429 = 323.8095), display 1/7 = 0.142857
   *   (42.8571); revenue rounds to 599.9999, inside the check's rounding tolerance.
   * position_based: A1 search 1; A2 email 0.5, search 0.5; A3 display 0.4, email 0.2 + 0.4
   *   -> search 1.5 (200), email 1.1 (100 + 60 + 120 = 280), display 0.4 (120).
   * markov (first order, repeats kept) from the six paths:
   *   start>search 2, start>email 2, start>display 1, start>social 1; search>conv 2,
   *   search>social 1; email>search 1, email>email 1, email>conv 1, email>null 1;
   *   display>email 1; social>null 2.
   *   P(social) = 0, P(search) = 2/3, P(email) = 1/4*2/3 + 1/4*P(email) + 1/4 -> 5/9,
   *   P(display) = 5/9; P = 2/6*2/3 + 2/6*5/9 + 1/6*5/9 = 1/2.
   *   Without search: P(email) = 1/3 -> P = 2/6*1/3 + 1/6*1/3 = 1/6, effect 2/3.
   *   Without email: P = 2/6*2/3 = 2/9, effect 5/9. Without display: 22/54, effect 5/27.
   *   Without social: unchanged (it only leads to null), effect 0.
   *   Sum 38/27: search 18/38 = 9/19 -> 27/19 = 1.421053 conversions, 284.2105 revenue;
   *   email 15/38 -> 1.184211, 236.8421; display 5/38 -> 0.394737, 78.9474; social 0.
   * shapley (ShapleyGameTest works this game): the seen sets with a conversion are {search},
   *   {email, search} and {display, email}, each v = 1; no path has all four channels, so the
   *   values add up to 0: search 1/4, email 1/12, display -1/12, social -1/4. Split by the
   *   positive values (1/3): search 3/4 -> 2.25, 450; email 1/4 -> 0.75, 150; display, social 0.
   * social has spend but is on no converted path: 0 in every rule-based model.
   */
  @Test
  void creditsEveryModelAtChannelLevelAsWorkedByHand() {
    Fixture f = new Fixture(Map.of());
    StepResult result = f.run("run-1");

    assertThatDataFrame(f.tables.read("attribution").where("campaign_id IS NULL")).containsExactlyRowsInAnyOrder(
        List.of("model", "channel", "conversions", "revenue", "removal_effect", "shapley_value"),
        List.of(
            row("first_touch", "search", "1", "100", null, null),
            row("first_touch", "email", "1", "200", null, null),
            row("first_touch", "display", "1", "300", null, null),
            row("first_touch", "social", "0", "0", null, null),
            row("last_touch", "search", "2", "300", null, null),
            row("last_touch", "email", "1", "300", null, null),
            row("last_touch", "display", "0", "0", null, null),
            row("last_touch", "social", "0", "0", null, null),
            row("linear", "search", "1.5", "200", null, null),
            row("linear", "email", "1.166667", "300", null, null),
            row("linear", "display", "0.333333", "100", null, null),
            row("linear", "social", "0", "0", null, null),
            row("time_decay", "search", "1.666667", "233.3333", null, null),
            row("time_decay", "email", "1.190476", "323.8095", null, null),
            row("time_decay", "display", "0.142857", "42.8571", null, null),
            row("time_decay", "social", "0", "0", null, null),
            row("position_based", "search", "1.5", "200", null, null),
            row("position_based", "email", "1.1", "280", null, null),
            row("position_based", "display", "0.4", "120", null, null),
            row("position_based", "social", "0", "0", null, null),
            row("markov", "search", "1.421053", "284.2105", "0.6666666667", null),
            row("markov", "email", "1.184211", "236.8421", "0.5555555556", null),
            row("markov", "display", "0.394737", "78.9474", "0.1851851852", null),
            row("markov", "social", "0", "0", "0", null),
            row("shapley", "search", "2.25", "450", null, "0.25"),
            row("shapley", "email", "0.75", "150", null, "0.0833333333"),
            row("shapley", "display", "0", "0", null, "-0.0833333333"),
            row("shapley", "social", "0", "0", null, "-0.25")));
    assertThat(result.checks()).hasSize(14).allMatch(c -> c.status() == QualityCheck.Status.PASS, "all pass")
        .extracting(QualityCheck::checkName)
        .contains("attribution_conversions_conserved_shapley", "attribution_revenue_conserved_shapley");
    // Every row, campaign rows included, has an interval around its point value.
    assertThat(f.tables.read("attribution")
        .where("NOT (conversions_ci_low <= conversions AND conversions <= conversions_ci_high)").collectAsList())
        .isEmpty();
  }

  /**
   * Spend from touch cost, every marketing touch of the 365-day window 2025-04-01..2026-03-31 (also
   * those outside any path's lookback; not A4's touch after the run date): search 10 x 4 = 40 (c_search),
   * email 2 x 5 = 10 (c_email), display 6 x 2 = 12 (c_display), social 5 (c_social) + 5 (none).
   * first_touch: roas = revenue / spend: search 100/40 = 2.5, email 200/10 = 20, display
   * 300/12 = 25; cost per conversion = spend / conversions: 40, 10, 12; social null.
   * markov search: 284.2105/40 = 7.1053, 40/1.421053 = 28.1481 (28.148142...).
   */
  @Test
  void addsSpendRoasAndCostPerConversionFromTouchCost() {
    Fixture f = new Fixture(Map.of());
    f.run("run-1");

    Dataset<Row> attribution = f.tables.read("attribution");
    assertThatDataFrame(attribution.where("model = 'first_touch'")).containsExactlyRowsInAnyOrder(
        List.of("channel", "campaign_id", "conversions", "revenue", "spend", "roas", "cost_per_conversion"),
        List.of(
            row("search", null, "1", "100", "40", "2.5", "40"),
            row("email", null, "1", "200", "10", "20", "10"),
            row("display", null, "1", "300", "12", "25", "12"),
            row("social", null, "0", "0", "10", "0", null),
            row("search", "c_search", "1", "100", "40", "2.5", "40"),
            row("email", "c_email", "1", "200", "10", "20", "10"),
            row("display", "c_display", "1", "300", "12", "25", "12"),
            row("social", "c_social", "0", "0", "5", "0", null)));
    assertThatDataFrame(attribution.where("model = 'markov' AND channel = 'search'")).containsExactlyRowsInAnyOrder(
        List.of("campaign_id", "spend", "roas", "cost_per_conversion"),
        List.of(row(null, "40", "7.1053", "28.1481")));
    assertThat(attribution.where("model = 'markov' AND campaign_id IS NOT NULL").count()).isZero();
  }

  /**
   * Campaign spend spread over the campaign's days, counted up to 2026-03-31:
   * c_search 2026-03-01..2026-04-29 (60 days), 600 -> 31 days counted = 310;
   * c_email 2026-03-31..2026-04-09 (10 days), 100 -> 1 day = 10;
   * c_display 2026-04-01.. (starts after the run date) -> 0; c_social without dates -> 70 in full.
   */
  @Test
  void campaignSpendIsSpreadOverCampaignDaysUpToTheRunDate() {
    Fixture f = new Fixture(Map.of("journey.attribution.spend-source", "campaign_spend"));
    f.campaigns(List.of(
        campaign("c_search", "search", "2026-03-01", "2026-04-29", "600"),
        campaign("c_email", "email", "2026-03-31", "2026-04-09", "100"),
        campaign("c_display", "display", "2026-04-01", "2026-04-30", "90"),
        campaign("c_social", "social", null, null, "70")));
    f.run("run-1");

    assertThatDataFrame(f.tables.read("attribution").where("model = 'linear'")).containsExactlyRowsInAnyOrder(
        List.of("channel", "campaign_id", "spend"),
        List.of(
            row("search", null, "310"), row("email", null, "10"), row("display", null, "0"), row("social", null, "70"),
            row("search", "c_search", "310"), row("email", "c_email", "10"), row("display", "c_display", "0"),
            row("social", "c_social", "70")));
  }

  /**
   * A 30-day window ([2026-03-02, 2026-04-01)) counts the spend of its own touches, the period its
   * conversions are counted in: search A2 10 + p1 10 (2026-03-02 00:00, the window's first instant)
   * = 20, not A1's 03-01 nor A5's 2025-12-01; email 5 x 2 = 10 (not A4's after the run date);
   * display A3 6, not n2's 2025-12-01; social 5 (c_social) + 5 = 10. The paths keep their 90-day
   * lookback (A1's path is still its search of 03-01), so first_touch credits the same touches:
   * roas search 100/20 = 5, email 200/10 = 20, display 300/6 = 50; cost per conversion 20, 10, 6.
   * No path reaches before 2026-03-02 - 90 days = 2025-12-02: the files of event_date 2025-12-01 are
   * removed from disk first, and the step, reading the touchpoints' files as it does a large
   * table's, would fail reading them: it never does, however old the warehouse.
   */
  @Test
  void spendIsCountedOverTheAttributionWindowAndOlderPartitionsAreNotRead() throws Exception {
    Fixture f = new Fixture(Map.of("journey.attribution.window-days", "30"));
    Path oldPartition = Path.of(f.tables.location("touchpoints").replaceFirst("^file:", ""), "event_date=2025-12-01");
    try (var files = Files.list(oldPartition)) {
      for (Path file : files.toList()) {
        Files.delete(file);
      }
    }
    f.runReadingFiles("run-1");

    assertThatDataFrame(f.tables.read("attribution").where("model = 'first_touch'")).containsExactlyRowsInAnyOrder(
        List.of("channel", "campaign_id", "conversions", "revenue", "spend", "roas", "cost_per_conversion"),
        List.of(
            row("search", null, "1", "100", "20", "5", "20"),
            row("email", null, "1", "200", "10", "20", "10"),
            row("display", null, "1", "300", "6", "50", "6"),
            row("social", null, "0", "0", "10", "0", null),
            row("search", "c_search", "1", "100", "20", "5", "20"),
            row("email", "c_email", "1", "200", "10", "20", "10"),
            row("display", "c_display", "1", "300", "6", "50", "6"),
            row("social", "c_social", "0", "0", "5", "0", null)));
  }

  /**
   * Campaign spend over a 30-day window (2026-03-02..2026-03-31): c_search 2026-03-01..2026-04-29
   * (60 days), 600 -> 30 days counted = 300; c_old 2026-01-01..2026-01-31 (search), 310 -> 0;
   * c_email 2026-03-31..2026-04-09 (10 days), 100 -> 1 day = 10; c_social without dates -> 70 in full.
   * display and c_display are credited (A3's path) with no campaign listed: spend 0.
   */
  @Test
  void campaignSpendCountsTheDaysInsideTheAttributionWindow() {
    Fixture f = new Fixture(Map.of("journey.attribution.spend-source", "campaign_spend",
        "journey.attribution.window-days", "30"));
    f.campaigns(List.of(
        campaign("c_search", "search", "2026-03-01", "2026-04-29", "600"),
        campaign("c_old", "search", "2026-01-01", "2026-01-31", "310"),
        campaign("c_email", "email", "2026-03-31", "2026-04-09", "100"),
        campaign("c_social", "social", null, null, "70")));
    f.run("run-1");

    assertThatDataFrame(f.tables.read("attribution").where("model = 'linear'"))
        .containsExactlyRowsInAnyOrder(List.of("channel", "campaign_id", "spend"), List.of(
            row("search", null, "300"), row("email", null, "10"), row("social", null, "70"), row("display", null, "0"),
            row("search", "c_search", "300"), row("search", "c_old", "0"), row("email", "c_email", "10"),
            row("social", "c_social", "70"), row("display", "c_display", "0")));
  }

  /**
   * collapse-repeats = true: A3's email > email becomes one email touch (the first, age 7d),
   * so its path is display > email; time_decay 0.25 : 0.5 -> display 1/3, email 2/3, and linear
   * gives each 1/2. Time decay: email = A2 1/3 + A3 2/3 = 1, display 1/3 = 0.333333.
   */
  @Test
  void collapsingRepeatsMergesConsecutiveTouchesOfOneChannel() {
    Fixture f = new Fixture(Map.of("journey.attribution.collapse-repeats", "true"));
    f.run("run-1");

    assertThat(f.tables.read("channel_paths").where("channel_path LIKE 'display%'").first().<String>getAs("channel_path"))
        .isEqualTo("display > email");
    assertThatDataFrame(f.tables.read("attribution")
        .where("campaign_id IS NULL AND channel = 'display' AND model IN ('linear', 'time_decay')"))
        .containsExactlyRowsInAnyOrder(List.of("model", "conversions", "revenue"),
            List.of(row("linear", "0.5", "150"), row("time_decay", "0.333333", "100")));
  }

  /**
   * Order 2: states are the last two channels. From A3's path display > email > email:
   * (start) > display > "display > email" > "email > email" > (conversion).
   */
  @Test
  void secondOrderChainUsesPairsOfChannelsAsStates() {
    Fixture f = new Fixture(Map.of("journey.attribution.markov.order", "2"));
    f.run("run-1");

    Dataset<Row> transitions = f.tables.read("markov_transitions");
    assertThatDataFrame(transitions.where("from_state LIKE 'display%' OR from_state = 'email > email'"))
        .containsExactlyRowsInAnyOrder(List.of("order", "from_state", "to_state", "transitions", "probability"),
            List.of(
                row(2, "display", "display > email", 1, "1"),
                row(2, "display > email", "email > email", 1, "1"),
                row(2, "email > email", "(conversion)", 1, "1")));
  }

  @Test
  void writesFirstOrderTransitionsWithProbabilities() {
    Fixture f = new Fixture(Map.of());
    f.run("run-1");

    assertThatDataFrame(f.tables.read("markov_transitions")).containsExactlyRowsInAnyOrder(
        List.of("snapshot_date", "order", "from_state", "to_state", "transitions", "probability"),
        List.of(
            row("2026-03-31", 1, "(start)", "search", 2, "0.3333333333"),
            row("2026-03-31", 1, "(start)", "email", 2, "0.3333333333"),
            row("2026-03-31", 1, "(start)", "display", 1, "0.1666666667"),
            row("2026-03-31", 1, "(start)", "social", 1, "0.1666666667"),
            row("2026-03-31", 1, "search", "(conversion)", 2, "0.6666666667"),
            row("2026-03-31", 1, "search", "social", 1, "0.3333333333"),
            row("2026-03-31", 1, "email", "search", 1, "0.25"),
            row("2026-03-31", 1, "email", "email", 1, "0.25"),
            row("2026-03-31", 1, "email", "(conversion)", 1, "0.25"),
            row("2026-03-31", 1, "email", "(null)", 1, "0.25"),
            row("2026-03-31", 1, "display", "email", 1, "1"),
            row("2026-03-31", 1, "social", "(null)", 2, "1")));
  }

  @Test
  void rerunOfTheSameInputGivesIdenticalRowsAndChangesNoTable() {
    Fixture f = new Fixture(Map.of());
    StepResult first = f.run("run-1");
    List<String> before = snapshot(f.tables);
    StepResult second = f.run("run-2");

    assertThat(snapshot(f.tables)).isEqualTo(before);
    assertThat(first.writes()).allMatch(WriteResult::changed);
    assertThat(second.writes()).noneMatch(WriteResult::changed);
    assertThat(second.writes()).extracting(WriteResult::version)
        .isEqualTo(first.writes().stream().map(WriteResult::version).toList());
  }

  /**
   * A one-year lookback with a one-day half life. B1 converts 2026-03-01; its touches are 364, 302
   * and 301 days old, so 2^(-age) would underflow any decimal. Counted from the newest touch
   * (search, 2025-05-04): search 2^0 = 1, email (1 d older) 0.5, social (2025-03-02, 63 d older)
   * 2^-63 = 1.08e-19. Sum 1.5 + 1.08e-19: search 2/3 = 0.666667, email 1/3 = 0.333333, social
   * 7.2e-20 = 0.000000; conversions add up to 1. Revenue 90 (paid 03-02): 60, 30, 0.
   */
  @Test
  void timeDecayOverAYearWithADayHalfLifeGivesFiniteCreditThatAddsUpToOne() {
    Fixture f = new Fixture(Map.of("journey.attribution.lookback-days", "365", "journey.attribution.half-life-days", "1"))
        .withTouchpoints(touchpoints()
            .add("B1", "ad_click", "2025-03-02T00:00:00Z").channel("social")
            .add("B1", "email_click", "2025-05-03T00:00:00Z").channel("email")
            .add("B1", "ad_click", "2025-05-04T00:00:00Z").channel("search")
            .done())
        .invoices(invoice("j1", "B1", "90", "paid", "2026-03-02T00:00:00Z"))
        .milestones(milestone("B1", "converted_at", "2026-03-01T00:00:00Z"));
    StepResult result = f.run("run-1");

    assertThatDataFrame(f.tables.read("attribution").where("model = 'time_decay' AND campaign_id IS NULL"))
        .containsExactlyRowsInAnyOrder(List.of("channel", "conversions", "revenue"), List.of(
            row("search", "0.666667", "60"),
            row("email", "0.333333", "30"),
            row("social", "0", "0")));
    assertThat(result.checks()).hasSize(14).allMatch(c -> c.status() == QualityCheck.Status.PASS, "all pass");
  }

  /**
   * The attribution window is the 365 days up to the run date: [2025-04-01, 2026-04-01).
   * R1 converted 2024-06-01 (search 2024-05-20), churned 2025-01-10 and came back 2026-03-10
   * (email 2026-02-20 in the 90 days before; social 2026-03-15 comes after). Only the comeback is
   * in the window: path email, revenue 120 (the 500 belongs to the first conversion).
   * R2 is paying since 2025-01-05, before the window: no path at all.
   * R3 converted 2024-01-01 and churned 2025-02-01: not paying, no conversion in the window, so a
   * non-converter with the 90 days before the run date: display.
   * anon:n1's social touch (2025-06-01) is inside the window but not in the 90 days before the run
   * date: no path. anon:n2: social.
   * R4 converts twice inside the window: 2026-01-10 (search 2026-01-05 before it), churns
   * 2026-02-01, comes back 2026-02-15 (search 01-05 and email 02-10 in its 90 days). Revenue stops
   * at the next conversion: the first gets 100 (01-10) + 40 (01-25) = 140, not the 70 of 02-20,
   * which is the comeback's, although all three are within 365 days of the first.
   * last_touch: email = R1 + R4's comeback = 2 conversions, 120 + 70 = 190; search = R4's first, 140.
   */
  @Test
  void everyComebackInTheWindowIsAConversionWithTheRevenueUpToTheNextOneAndBothGroupsAreObservedOverTheWindow() {
    Fixture f = new Fixture(Map.of())
        .withTouchpoints(touchpoints()
            .add("R1", "ad_click", "2024-05-20T00:00:00Z").channel("search")
            .add("R1", "email_click", "2026-02-20T00:00:00Z").channel("email")
            .add("R1", "ad_click", "2026-03-15T00:00:00Z").channel("social")
            .add("R2", "email_click", "2026-03-01T00:00:00Z").channel("email")
            .add("R3", "impression", "2026-03-20T00:00:00Z").channel("display")
            .add("anon:n1", "ad_click", "2025-06-01T00:00:00Z").channel("social")
            .add("anon:n2", "ad_click", "2026-03-25T00:00:00Z").channel("social")
            .add("R4", "ad_click", "2026-01-05T00:00:00Z").channel("search")
            .add("R4", "email_click", "2026-02-10T00:00:00Z").channel("email")
            .done())
        .invoices(
            invoice("k1", "R1", "500", "paid", "2024-06-01T00:00:00Z"),
            invoice("k2", "R1", "120", "paid", "2026-03-10T00:00:00Z"),
            invoice("k3", "R4", "100", "paid", "2026-01-10T00:00:00Z"),
            invoice("k4", "R4", "40", "paid", "2026-01-25T00:00:00Z"),
            invoice("k5", "R4", "70", "paid", "2026-02-20T00:00:00Z"))
        .milestones(
            milestone("R1", "converted_at", "2024-06-01T00:00:00Z"),
            milestone("R1", "churned_at", "2025-01-10T00:00:00Z"),
            milestone("R1", "converted_at", "2026-03-10T00:00:00Z"),
            milestone("R2", "converted_at", "2025-01-05T00:00:00Z"),
            milestone("R3", "converted_at", "2024-01-01T00:00:00Z"),
            milestone("R3", "churned_at", "2025-02-01T00:00:00Z"),
            milestone("R4", "converted_at", "2026-01-10T00:00:00Z"),
            milestone("R4", "churned_at", "2026-02-01T00:00:00Z"),
            milestone("R4", "converted_at", "2026-02-15T00:00:00Z"));
    StepResult result = f.run("run-1");

    assertThatDataFrame(f.tables.read("channel_paths")).containsExactlyRowsInAnyOrder(
        List.of("channel_path", "conversions", "non_conversions", "conversion_revenue"),
        List.of(
            row("email", 1, 0, "120"),
            row("search", 1, 0, "140"),
            row("search > email", 1, 0, "70"),
            row("display", 0, 1, "0"),
            row("social", 0, 1, "0")));
    // Every channel with a touch up to the run date has a spend row.
    assertThatDataFrame(f.tables.read("attribution").where("model = 'last_touch' AND campaign_id IS NULL"))
        .containsExactlyRowsInAnyOrder(List.of("channel", "conversions", "revenue"), List.of(
            row("email", "2", "190"),
            row("display", "0", "0"),
            row("social", "0", "0"),
            row("search", "1", "140")));
    assertThat(result.checks()).hasSize(14).allMatch(c -> c.status() == QualityCheck.Status.PASS, "all pass");
  }

  @Test
  void positionWeightsThatDoNotAddUpToHundredFailNamingTheKey() {
    assertThatThrownBy(() -> JobConfig.load(null, Map.of("journey.attribution.position-weights.first", "50")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("journey.attribution.position-weights")
        .hasMessageContaining("100");
  }

  private static List<String> snapshot(TableStore tables) {
    List<String> rows = new ArrayList<>();
    for (String table : List.of("channel_paths", "attribution", "markov_transitions")) {
      tables.read(table).drop("run_id").collectAsList().forEach(r -> rows.add(table + " " + r));
    }
    rows.sort(String::compareTo);
    return rows;
  }

  private static Row campaign(String id, String channel, String start, String end, String spend) {
    return RowFactory.create(id, id, channel, start == null ? null : Date.valueOf(start), end == null ? null : Date.valueOf(end),
        new BigDecimal(spend), "USD", new BigDecimal(spend), Date.valueOf(RUN_DATE), "campaigns.csv", "fixture");
  }

  private static Row milestone(String account, String milestone, String at) {
    return RowFactory.create(account, milestone, Timestamp.from(Instant.parse(at)), Date.valueOf(RUN_DATE), "fixture");
  }

  private static Row invoice(String id, String account, String amount, String status, String issuedAt) {
    Timestamp issued = Timestamp.from(Instant.parse(issuedAt));
    return RowFactory.create(id, account, new BigDecimal(amount), "USD", new BigDecimal(amount), status, issued,
        status.equals("paid") ? issued : null, null, null, issued, Date.valueOf(RUN_DATE), "invoices.csv", "fixture");
  }

  private final class Fixture {
    final TableStore tables = new TableStore(spark, warehouse.toString(), SparkTestSession.uniqueDatabase("attribution"));
    final TableStore staging = new TableStore(spark, warehouse.toString(), SparkTestSession.uniqueDatabase("attribution_staging"));
    final JobConfig config;

    Fixture(Map<String, String> overrides) {
      config = JobConfig.load(null, overrides);
      tables.replace(Touchpoints.SPEC, touchpoints()
          .add("A1", "search_ad_click", "2026-03-01T00:00:00Z").channel("search").campaign("c_search").cost("10")
          .add("A1", "became_customer", "2026-03-08T00:00:00Z")
          .add("A1", "email_click", "2026-03-20T00:00:00Z").channel("email").campaign("c_email").cost("2")
          .add("A2", "email_click", "2026-03-10T00:00:00Z").channel("email").campaign("c_email").cost("2")
          .add("A2", "ad_click", "2026-03-17T00:00:00Z").channel("search").campaign("c_search").cost("10")
          .add("A2", "became_customer", "2026-03-24T00:00:00Z")
          .add("A3", "impression", "2026-03-06T00:00:00Z").channel("display").campaign("c_display").cost("6")
          .add("A3", "email_open", "2026-03-13T00:00:00Z").channel("email").campaign("c_email").cost("2")
          .add("A3", "email_click", "2026-03-20T00:00:00Z").channel("email").campaign("c_email").cost("2")
          .add("A3", "became_customer", "2026-03-20T00:00:00Z")
          .add("email:p1", "ad_click", "2026-03-02T00:00:00Z").channel("search").campaign("c_search").cost("10")
          .add("email:p1", "ad_click", "2026-03-03T00:00:00Z").channel("social").campaign("c_social").cost("5")
          .add("anon:n1", "ad_click", "2026-03-05T00:00:00Z").channel("social").cost("5")
          .add("A4", "email_open", "2026-03-25T00:00:00Z").channel("email").campaign("c_email").cost("2")
          .add("A4", "email_open", "2026-04-02T00:00:00Z").channel("email").campaign("c_email").cost("100")
          .add("A4", "login", "2026-03-26T00:00:00Z")
          .add("A5", "ad_click", "2025-12-01T00:00:00Z").channel("search").campaign("c_search").cost("10")
          .add("A5", "became_customer", "2026-03-15T00:00:00Z")
          .add("anon:n2", "impression", "2025-12-01T00:00:00Z").channel("display").campaign("c_display").cost("6")
          .done().toDataFrame(spark));
      staging.replace(Silver.INVOICES, spark.createDataFrame(List.of(
          invoice("i1", "A1", "100", "paid", "2026-03-08T00:00:00Z"),
          invoice("i2", "A2", "200", "paid", "2026-03-25T09:00:00Z"),
          invoice("i3", "A2", "999", "open", "2026-03-26T00:00:00Z"),
          invoice("i4", "A2", "50", "paid", "2026-03-01T00:00:00Z"),
          invoice("i5", "A3", "300", "paid", "2026-03-20T12:00:00Z"),
          invoice("i6", "A5", "70", "paid", "2026-03-15T00:00:00Z")), Silver.INVOICES.schema()));
      milestones(
          milestone("A1", "converted_at", "2026-03-08T00:00:00Z"),
          milestone("A2", "converted_at", "2026-03-24T00:00:00Z"),
          milestone("A3", "converted_at", "2026-03-20T00:00:00Z"),
          milestone("A5", "converted_at", "2026-03-15T00:00:00Z"));
    }

    /** Replaces the touchpoints. */
    Fixture withTouchpoints(TouchpointFixture touches) {
      tables.replace(Touchpoints.SPEC, touches.toDataFrame(spark));
      return this;
    }

    Fixture invoices(Row... rows) {
      staging.replace(Silver.INVOICES, spark.createDataFrame(List.of(rows), Silver.INVOICES.schema()));
      return this;
    }

    /** silver_account_milestones: every converted_at / churned_at the CRM snapshots have shown. */
    Fixture milestones(Row... rows) {
      staging.replace(Silver.ACCOUNT_MILESTONES, spark.createDataFrame(List.of(rows), Silver.ACCOUNT_MILESTONES.schema()));
      return this;
    }

    void campaigns(List<Row> rows) {
      staging.replace(Silver.CAMPAIGNS, spark.createDataFrame(rows, Silver.CAMPAIGNS.schema()));
    }

    StepResult run(String runId) {
      return run(runId, tables);
    }

    /**
     * The step reading the touchpoints in each query, at their files, as it reads a table larger
     * than {@link TableStore#LOCAL_READ_MAX_BYTES} (a smaller one is read into the driver whole).
     */
    StepResult runReadingFiles(String runId) {
      return run(runId, new TableStore(spark, warehouse.toString(), tables.database(), 0));
    }

    private StepResult run(String runId, TableStore store) {
      return new AttributionStep().run(new RunContext(spark, config, runId, RUN_DATE, RunMode.NIGHTLY, store, staging));
    }
  }
}
