package com.journeyanalytics.jobs.attribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import com.journeyanalytics.jobs.attribution.MarkovChain.ChannelCredit;
import com.journeyanalytics.jobs.attribution.MarkovChain.Transition;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MarkovChainTest {

  private static final String START = MarkovChain.START;
  private static final String CONV = MarkovChain.CONVERSION;
  private static final String NULL = MarkovChain.NULL;

  private static BigDecimal rounded(BigDecimal value) {
    return value.setScale(20, RoundingMode.HALF_UP);
  }

  private static BigDecimal exact(String value) {
    return rounded(new BigDecimal(value));
  }

  /**
   * Published example: Serhii Puzyrov, "Markov Chain Attribution - Simple Explanation Of Removal
   * Effect" (2019), https://serhiipuzyrov.com/2019/07/markov-chain-attribution-simple-explanation-of-removal-effect/
   * Paths: google ads (2 conversions), mailing (1), google ads > mailing (1), google ads (0).
   * The article's transition table: start>google ads 4 (0.8), start>mailing 1 (0.2),
   * google ads>conv 2 (0.5), google ads>mailing 1 (0.25), google ads>null 1 (0.25),
   * mailing>conv 2 (1). Its conversion probability is 0.8*(0.5 + 0.25*1) + 0.2*1 = 0.8.
   * Without google ads only start>mailing>conv is left: 0.2, removal effect 1 - 0.2/0.8 = 0.75.
   * Without mailing: 0.8*0.5 = 0.4, removal effect 1 - 0.4/0.8 = 0.5. Shares 0.75/1.25 = 0.6
   * and 0.5/1.25 = 0.4 of the 4 conversions: 2.4 and 1.6. (The transition table is quoted from
   * the article; the removal-effect arithmetic is worked out here from it.)
   */
  @Test
  void reproducesThePublishedGoogleAdsAndMailingExample() {
    MarkovChain chain = googleAdsAndMailing();

    assertThat(rounded(chain.conversionProbability())).isEqualTo(exact("0.8"));
    assertThat(rounded(chain.conversionProbabilityWithout("google ads"))).isEqualTo(exact("0.2"));
    assertThat(rounded(chain.conversionProbabilityWithout("mailing"))).isEqualTo(exact("0.4"));
    Map<String, BigDecimal> effects = chain.removalEffects();
    assertThat(rounded(effects.get("google ads"))).isEqualTo(exact("0.75"));
    assertThat(rounded(effects.get("mailing"))).isEqualTo(exact("0.5"));

    List<ChannelCredit> credit = chain.credit(new BigDecimal("4"), new BigDecimal("400"));
    assertThat(credit).extracting(ChannelCredit::channel).containsExactly("google ads", "mailing");
    assertThat(rounded(credit.get(0).conversions())).isEqualTo(exact("2.4"));
    assertThat(rounded(credit.get(1).conversions())).isEqualTo(exact("1.6"));
    assertThat(rounded(credit.get(0).revenue())).isEqualTo(exact("240"));
    assertThat(rounded(credit.get(1).revenue())).isEqualTo(exact("160"));
  }

  /**
   * The classic three-path example (C1 > C2 > C3 converts, C1 does not, C2 > C3 does not),
   * worked by hand in fractions: start>C1 2/3, start>C2 1/3, C1>C2 1/2, C1>null 1/2, C2>C3 1,
   * C3>conv 1/2, C3>null 1/2. P(C3) = 1/2, P(C2) = 1/2, P(C1) = 1/4, so
   * P = 2/3 * 1/4 + 1/3 * 1/2 = 1/3. Without C1: 1/3 * 1/2 = 1/6, effect 1/2; without C2 or
   * C3 nothing converts, effect 1. Shares 0.5/2.5 = 0.2, 0.4, 0.4 of the 1 conversion.
   */
  @Test
  void threePathExampleGivesTwentyFortyForty() {
    MarkovChain chain = MarkovChain.of(List.of(
        new Transition(START, "C1", 2),
        new Transition(START, "C2", 1),
        new Transition("C1", "C2", 1),
        new Transition("C1", NULL, 1),
        new Transition("C2", "C3", 2),
        new Transition("C3", CONV, 1),
        new Transition("C3", NULL, 1)));

    assertThat(rounded(chain.conversionProbability()))
        .isEqualTo(rounded(BigDecimal.ONE.divide(new BigDecimal(3), MathContext.DECIMAL128)));
    assertThat(chain.removalEffects()).hasSize(3);
    List<ChannelCredit> credit = chain.credit(BigDecimal.ONE, BigDecimal.TEN);
    assertThat(credit).extracting(c -> rounded(c.removalEffect())).containsExactly(exact("0.5"), exact("1"), exact("1"));
    assertThat(credit).extracting(c -> rounded(c.conversions())).containsExactly(exact("0.2"), exact("0.4"), exact("0.4"));
  }

  /**
   * Second order: states are pairs. Paths a > b (converts) and b (does not): transitions
   * start>a, a>"a > b", "a > b">conv, start>b, b>null. Removing b removes the states "b" and
   * "a > b", so nothing converts: effect 1. Removing a leaves start>b>null: effect 1 too.
   */
  @Test
  void higherOrderRemovalDropsEveryStateContainingTheChannel() {
    MarkovChain chain = MarkovChain.of(List.of(
        new Transition(START, "a", 1),
        new Transition("a", "a > b", 1),
        new Transition("a > b", CONV, 1),
        new Transition(START, "b", 1),
        new Transition("b", NULL, 1)));

    assertThat(chain.channels()).containsExactly("a", "b");
    assertThat(rounded(chain.conversionProbability())).isEqualTo(exact("0.5"));
    assertThat(chain.conversionProbabilityWithout("b").signum()).isZero();
    assertThat(chain.conversionProbabilityWithout("a").signum()).isZero();
  }

  /**
   * The bootstrap solves each resample's chain in doubles: on the published example above the
   * removal effects 0.75 and 0.5 give the shares 0.6 and 0.4 to within double rounding.
   */
  @Test
  void removalEffectSharesInDoublesReproduceThePublishedExample() {
    MarkovChain chain = googleAdsAndMailing();

    Map<String, Double> shares = chain.removalEffectSharesInDoubles();
    assertThat(shares).containsOnlyKeys("google ads", "mailing");
    assertThat(shares.get("google ads")).isCloseTo(0.6, within(1e-12));
    assertThat(shares.get("mailing")).isCloseTo(0.4, within(1e-12));
  }

  /**
   * A path's transitions as markov_transitions.sql counts them (AttributionStepTest's order-2
   * case): display > email > email, converted, order 2: (start) > display > "display > email" >
   * "email > email" > (conversion); order 1: (start) > display > email > email > (conversion).
   */
  @Test
  void pathTransitionsUseTheLastOrderChannelsAsStates() {
    List<String> path = List.of("display", "email", "email");

    assertThat(MarkovChain.pathTransitions(path, true, 2)).containsExactly(
        new Transition(START, "display", 1),
        new Transition("display", "display > email", 1),
        new Transition("display > email", "email > email", 1),
        new Transition("email > email", CONV, 1));
    assertThat(MarkovChain.pathTransitions(path, false, 1)).containsExactly(
        new Transition(START, "display", 1),
        new Transition("display", "email", 1),
        new Transition("email", "email", 1),
        new Transition("email", NULL, 1));
  }

  @Test
  void chainWithoutConversionsCreditsNothing() {
    MarkovChain chain = MarkovChain.of(List.of(new Transition(START, "a", 3), new Transition("a", NULL, 3)));

    assertThat(chain.credit(BigDecimal.ZERO, BigDecimal.ZERO))
        .extracting(c -> c.conversions().signum(), c -> c.removalEffect().signum())
        .containsExactly(tuple(0, 0));
    assertThat(chain.removalEffectSharesInDoubles()).containsExactly(Map.entry("a", 0.0));
  }

  /** The published two-channel example (see reproducesThePublishedGoogleAdsAndMailingExample). */
  private static MarkovChain googleAdsAndMailing() {
    return MarkovChain.of(List.of(
        new Transition(START, "google ads", 4),
        new Transition(START, "mailing", 1),
        new Transition("google ads", CONV, 2),
        new Transition("google ads", "mailing", 1),
        new Transition("google ads", NULL, 1),
        new Transition("mailing", CONV, 2)));
  }
}
