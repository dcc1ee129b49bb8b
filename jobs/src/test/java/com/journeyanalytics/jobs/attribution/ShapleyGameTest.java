package com.journeyanalytics.jobs.attribution;

import static com.journeyanalytics.common.testing.DataFrameAssert.assertThatDataFrame;
import static com.journeyanalytics.common.testing.DataFrameAssert.row;
import static com.journeyanalytics.jobs.attribution.PathTouchesFixture.paths;
import static org.assertj.core.api.Assertions.assertThat;

import com.journeyanalytics.common.testing.SparkTestSession;
import com.journeyanalytics.jobs.attribution.ShapleyGame.ChannelCredit;
import com.journeyanalytics.jobs.attribution.ShapleyGame.ChannelSet;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * The Shapley game of channel sets. With n players the weight of a coalition of size s is
 * w(s) = s! (n-1-s)! / n!: for 3 players w(0) = 1/3, w(1) = 1/6, w(2) = 1/3; for 4 players
 * 1/4, 1/12, 1/12, 1/4.
 */
class ShapleyGameTest {

  private static BigDecimal rounded(BigDecimal value) {
    return value.setScale(20, RoundingMode.HALF_UP);
  }

  /** p / q to 20 decimals. */
  private static BigDecimal fraction(long p, long q) {
    return rounded(BigDecimal.valueOf(p).divide(BigDecimal.valueOf(q), MathContext.DECIMAL128));
  }

  private static ChannelSet set(long conversions, long nonConversions, String... channels) {
    return new ChannelSet(Set.of(channels), conversions, nonConversions);
  }

  private static List<BigDecimal> values(ShapleyGame game) {
    return Arrays.stream(game.values()).map(ShapleyGameTest::rounded).toList();
  }

  private static List<BigDecimal> conversions(List<ChannelCredit> credits) {
    return credits.stream().map(c -> rounded(c.conversions())).toList();
  }

  /**
   * v(display) = 1/4 (1 of 4 paths converts), v(email) = 1/2, v(search) = 1/2,
   * v(display, email) = 3/4, v(display, email, search) = 1, the other sets 0 (never seen).
   * display: 1/3 v(d) + 1/6 (v(d,e) - v(e)) + 1/6 (v(d,s) - v(s)) + 1/3 (v(d,e,s) - v(e,s))
   *   = 2/24 + 1/24 - 2/24 + 8/24 = 9/24.
   * email: 1/3 * 1/2 + 1/6 (3/4 - 1/4) + 1/6 (0 - 1/2) + 1/3 (1 - 0) = 4/24 + 2/24 - 2/24 + 8/24 = 12/24.
   * search: 1/3 * 1/2 + 1/6 (0 - 1/4) + 1/6 (0 - 1/2) + 1/3 (1 - 3/4) = 4/24 - 1/24 - 2/24 + 2/24 = 3/24.
   * They add up to v(all) = 1. The 7 conversions split 9 : 12 : 3: 2.625, 3.5, 0.875.
   */
  private static final List<ChannelSet> THREE_CHANNELS = List.of(
      set(1, 3, "display"),
      set(1, 1, "email"),
      set(3, 1, "display", "email"),
      set(1, 0, "display", "email", "search"),
      set(1, 1, "search"));

  @Test
  void threeChannelGameHasTheValuesWorkedByHand() {
    ShapleyGame game = ShapleyGame.of(THREE_CHANNELS);

    assertThat(game.players()).containsExactly("display", "email", "search");
    assertThat(values(game)).containsExactly(fraction(9, 24), fraction(12, 24), fraction(3, 24));
    List<ChannelCredit> credit = game.credit(new BigDecimal("7"), new BigDecimal("700"));
    assertThat(conversions(credit)).containsExactly(fraction(2625, 1000), fraction(35, 10), fraction(875, 1000));
    assertThat(credit).extracting(c -> rounded(c.revenue()))
        .containsExactly(fraction(2625, 10), fraction(350, 1), fraction(875, 10));
  }

  /**
   * The paths of {@link #THREE_CHANNELS} as touches: display (1 converts, 3 do not), email (1, 1),
   * display > email (3, 1), display > email > search (1, 0), search (1, 1); 100 per conversion.
   * linear: display 1 + 3 * 1/2 + 1/3 = 2.833333, email the same, search 1/3 + 1 = 1.333333;
   * revenue 283.3333, 283.3333, 133.3333.
   * shapley: 2.625, 3.5, 0.875 (above); revenue 262.5, 350, 87.5. Linear pays display as much as
   * email; the game sees that adding email to display lifts the rate more than the reverse.
   */
  @Test
  void shapleyCreditOfTheAggregatedPathsDiffersFromLinearOnTheSamePaths() {
    SparkSession spark = SparkTestSession.get();
    Dataset<Row> pathTouches = paths()
        .add(1, "d", true, "display").add(3, "dn", false, "display")
        .add(1, "e", true, "email").add(1, "en", false, "email")
        .add(3, "de", true, "display", "email").add(1, "den", false, "display", "email")
        .add(1, "des", true, "display", "email", "search")
        .add(1, "s", true, "search").add(1, "sn", false, "search")
        .toDataFrame(spark);
    Dataset<Row> weights = AttributionTransforms.ruleWeights(pathTouches, 7, 40, 40, 20);
    ShapleyGame game = ShapleyGame.of(AttributionBootstrap.channelSets(AttributionBootstrap.groups(
        AttributionTransforms.subjectGroups(pathTouches, weights).collectAsList())));

    assertThatDataFrame(AttributionTransforms.ruleBasedCredit(weights).where("model = 'linear' AND campaign_id IS NULL")
        .selectExpr("channel", "CAST(conversions AS DECIMAL(18, 6)) AS conversions",
            "CAST(revenue AS DECIMAL(20, 4)) AS revenue"))
        .containsExactlyRowsInAnyOrder(List.of("channel", "conversions", "revenue"), List.of(
            row("display", "2.833333", "283.3333"),
            row("email", "2.833333", "283.3333"),
            row("search", "1.333333", "133.3333")));
    assertThatDataFrame(AttributionTransforms.shapleyCredit(spark, game.credit(new BigDecimal("7"), new BigDecimal("700")))
        .selectExpr("channel", "CAST(conversions AS DECIMAL(18, 6)) AS conversions",
            "CAST(revenue AS DECIMAL(20, 4)) AS revenue", "CAST(shapley_value AS DECIMAL(12, 10)) AS shapley_value"))
        .containsExactlyRowsInAnyOrder(List.of("channel", "conversions", "revenue", "shapley_value"), List.of(
            row("display", "2.625", "262.5", "0.375"),
            row("email", "3.5", "350", "0.5"),
            row("search", "0.875", "87.5", "0.125")));
  }

  /**
   * As THREE_CHANNELS but search never converts alone (0 of 2): v(search) = 0.
   * display: 2/24 + 1/24 + 1/6 (0 - 0) + 8/24 = 11/24; email: 4/24 + 2/24 + 0 + 8/24 = 14/24;
   * search: 0 + 1/6 (0 - 1/4) + 1/6 (0 - 1/2) + 1/3 (1 - 3/4) = -1/24. Sum 1. search gets
   * nothing; the 6 conversions split 11 : 14 of the positive 25/24: 2.64 and 3.36.
   */
  @Test
  void aNegativeValueGetsNoCreditAndThePositiveOnesShareEveryConversion() {
    ShapleyGame game = ShapleyGame.of(List.of(
        set(1, 3, "display"),
        set(1, 1, "email"),
        set(3, 1, "display", "email"),
        set(1, 0, "display", "email", "search"),
        set(0, 2, "search")));

    assertThat(values(game)).containsExactly(fraction(11, 24), fraction(14, 24), fraction(-1, 24));
    List<ChannelCredit> credit = game.credit(new BigDecimal("6"), new BigDecimal("600"));
    assertThat(conversions(credit)).containsExactly(fraction(264, 100), fraction(336, 100), rounded(BigDecimal.ZERO));
    assertThat(credit).extracting(c -> rounded(c.revenue()))
        .containsExactly(fraction(264, 1), fraction(336, 1), rounded(BigDecimal.ZERO));
  }

  /**
   * AttributionStepTest's paths: search (converts), email > search (converts), display > email
   * (converts), search > social, social, email (do not). Seen with a conversion: {search},
   * {email, search}, {display, email}, each v = 1; no path has all four channels, so the values
   * add up to 0. Per seen set T: +w(|T|-1) for its channels, -w(|T|) for the others:
   * display: +w(1) for {d,e}, -w(1) for {s}, -w(2) for {e,s} = 1/12 - 1/12 - 1/12 = -1/12;
   * email: +w(1) {e,s} + w(1) {d,e} - w(1) {s} = 1/12; search: +w(0) {s} + w(1) {e,s} - w(2)
   * {d,e} = 1/4 + 1/12 - 1/12 = 1/4; social: -w(1) - w(2) - w(2) = -1/4.
   * Positive part 1/4 + 1/12 = 1/3: search 3/4, email 1/4 of the 3 conversions: 2.25, 0.75.
   */
  @Test
  void valuesThatAddUpToZeroStillSplitEveryConversion() {
    ShapleyGame game = ShapleyGame.of(List.of(
        set(1, 0, "search"),
        set(1, 0, "email", "search"),
        set(1, 0, "display", "email"),
        set(0, 1, "search", "social"),
        set(0, 1, "social"),
        set(0, 1, "email")));

    assertThat(game.players()).containsExactly("display", "email", "search", "social");
    assertThat(values(game)).containsExactly(fraction(-1, 12), fraction(1, 12), fraction(1, 4), fraction(-1, 4));
    assertThat(conversions(game.credit(new BigDecimal("3"), new BigDecimal("600"))))
        .containsExactly(rounded(BigDecimal.ZERO), fraction(75, 100), fraction(225, 100), rounded(BigDecimal.ZERO));
  }

  /**
   * Three channels that convert only in pairs, each pair once: v(a,b) = v(a,c) = v(b,c) = 1.
   * a: +w(1) v(a,b) + w(1) v(a,c) - w(2) v(b,c) = 1/6 + 1/6 - 1/3 = 0, and so for b and c (the
   * decimal sum leaves 1e-34, rounded away). No value is positive, so each conversion is split
   * evenly over its pair: a = 1/2 + 1/2 = 1, b = 1, c = 1.
   */
  @Test
  void withoutAPositiveValueEachConversionIsSplitEvenlyOverItsChannelSet() {
    ShapleyGame game = ShapleyGame.of(List.of(set(1, 0, "a", "b"), set(1, 0, "a", "c"), set(1, 0, "b", "c")));

    assertThat(game.values()).allMatch(v -> v.signum() == 0, "all 0");
    assertThat(conversions(game.credit(new BigDecimal("3"), new BigDecimal("30"))))
        .containsExactly(fraction(1, 1), fraction(1, 1), fraction(1, 1));
  }

  /**
   * 14 channels: c01..c11 each on 3 single-channel paths that do not convert, c12, c13, c14 on one
   * converting path each. The three least frequent become (other): 12 players, "(other)" sorting
   * first. Only {(other)} converts (3 of 3, v = 1). With n = 12, w(0) = 1/12 and
   * w(1) = 1! 10! / 12! = 1/132: (other) = +w(0) = 1/12, every other channel -w(1) = -1/132.
   * (other) takes all 3 conversions. With c14 gone (13 channels) the grouping still applies;
   * with c13 gone too, 12 channels are 12 players.
   */
  @Test
  void aboveTwelveChannelsTheLeastFrequentArePlayedAsOther() {
    List<ChannelSet> sets = new ArrayList<>();
    for (int i = 1; i <= 11; i++) {
      sets.add(set(0, 3, String.format("c%02d", i)));
    }
    sets.add(set(1, 0, "c12"));
    sets.add(set(1, 0, "c13"));
    sets.add(set(1, 0, "c14"));
    ShapleyGame game = ShapleyGame.of(sets);

    assertThat(game.players()).hasSize(12).startsWith("(other)", "c01").endsWith("c11");
    // (other) is player 0: every grouped channel is its bit.
    assertThat(game.mask(List.of("c12", "c14"))).isEqualTo(game.mask(List.of("c13"))).isEqualTo(1);
    List<BigDecimal> expected = new ArrayList<>();
    expected.add(fraction(1, 12));
    for (int i = 1; i <= 11; i++) {
      expected.add(fraction(-1, 132));
    }
    assertThat(values(game)).isEqualTo(expected);
    List<ChannelCredit> credit = game.credit(new BigDecimal("3"), new BigDecimal("300"));
    assertThat(credit.get(0).channel()).isEqualTo("(other)");
    assertThat(rounded(credit.get(0).conversions())).isEqualTo(fraction(3, 1));
    assertThat(credit.subList(1, 12)).allMatch(c -> c.conversions().signum() == 0, "no credit");

    assertThat(ShapleyGame.of(sets.subList(0, 13)).players()).hasSize(12).contains("(other)");
    assertThat(ShapleyGame.of(sets.subList(0, 12)).players()).hasSize(12).doesNotContain("(other)").contains("c12");
  }
}
