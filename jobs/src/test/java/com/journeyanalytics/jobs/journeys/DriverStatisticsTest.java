package com.journeyanalytics.jobs.journeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.journeyanalytics.jobs.journeys.DriverStatistics.OddsRatio;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class DriverStatisticsTest {

  private static final Offset<Double> CLOSE = within(1e-12);

  /**
   * With the factor: 3 converted, 1 not; without: 1 converted, 3 not (a=3, b=1, c=1, d=3).
   * <ul>
   *   <li>Odds ratio, 0.5 added to each cell: (3.5 x 3.5) / (1.5 x 1.5) = 12.25 / 2.25 = 49/9 =
   *       5.444444...</li>
   *   <li>Woolf: ln(49/9) = 1.694595720774; se = sqrt(1/3.5 + 1/1.5 + 1/1.5 + 1/3.5)
   *       = sqrt(4/7 + 4/3) = sqrt(40/21) = 1.380131118685; 1.959963984540 x se = 2.705007287;
   *       exp(1.694595721 - 2.705007287) = exp(-1.010411566) = 0.364069110;
   *       exp(1.694595721 + 2.705007287) = exp(4.399603007) = 81.418539686.</li>
   *   <li>Fisher: margins 4 with / 4 without, 4 converted of 8. The tables by x = converted with the
   *       factor, P(x) = C(4,x) C(4,4-x) / C(8,4) = 1, 16, 36, 16, 1 (/70) for x = 0..4. Observed
   *       x = 3: 16/70. No more probable: x = 0, 1, 3, 4 (x = 1 ties with 16/70, the tolerance keeps
   *       it): (1 + 16 + 16 + 1) / 70 = 34/70 = 17/35 = 0.485714285714 (R: fisher.test 0.4857).</li>
   * </ul>
   */
  @Test
  void threeOneOneThreeTableHasItsHandComputedOddsRatioIntervalAndFisherP() {
    OddsRatio ratio = DriverStatistics.oddsRatio(3, 1, 1, 3);

    assertThat(ratio.estimate()).isCloseTo(49.0 / 9, CLOSE);
    assertThat(ratio.ciLow()).isCloseTo(0.364069110, within(1e-9));
    assertThat(ratio.ciHigh()).isCloseTo(81.418539686, within(1e-8));
    assertThat(DriverStatistics.fisherExactP(3, 1, 1, 3)).isCloseTo(17.0 / 35, CLOSE);
  }

  /**
   * An empty cell: a=3, b=1, c=0, d=2 (everyone who converted held the factor).
   * Odds ratio (3.5 x 2.5) / (1.5 x 0.5) = 8.75 / 0.75 = 35/3, finite thanks to the 0.5.
   * Fisher: margins 4 with / 2 without, 3 converted of 6; x = 1..3 (x = 0 would need 3 converted
   * among the 2 without): C(4,x) C(2,3-x) = 4, 12, 4 (/20). Observed x = 3: 4/20; as extreme: x = 1
   * and 3, p = 8/20 = 0.4.
   */
  @Test
  void anEmptyCellGivesAFiniteOddsRatioAndTheFisherPOfTheTwoTails() {
    assertThat(DriverStatistics.oddsRatio(3, 1, 0, 2).estimate()).isCloseTo(35.0 / 3, CLOSE);
    assertThat(DriverStatistics.fisherExactP(3, 1, 0, 2)).isCloseTo(0.4, CLOSE);
  }

  /** A factor everyone holds: one possible table, p = 1; odds ratio (3.5 x 0.5) / (3.5 x 0.5) = 1. */
  @Test
  void aFactorHeldByEveryoneHasPOneAndOddsRatioOne() {
    assertThat(DriverStatistics.fisherExactP(3, 3, 0, 0)).isEqualTo(1.0);
    assertThat(DriverStatistics.oddsRatio(3, 3, 0, 0).estimate()).isCloseTo(1.0, CLOSE);
  }

  /**
   * Large counts go through the log-factorials (Stirling beyond 20!): 100,000 subjects,
   * a=5200, b=44800, c=5000, d=45000. Reference p = 0.037586622023498106, the exact rational sum
   * computed with Python's arbitrary-precision math.comb over all 10,201 tables (and scipy's
   * fisher_exact: 0.037586622023498).
   */
  @Test
  void largeCountsKeepTheFisherPExactToManyDigits() {
    assertThat(DriverStatistics.fisherExactP(5200, 44800, 5000, 45000)).isCloseTo(0.037586622023498106, within(1e-12));
  }

  /** ln(20!) = ln(2432902008176640000) from the exact table; ln(21!) by Stirling = ln(20!) + ln(21). */
  @Test
  void logFactorialIsExactBelowTwentyOneAndStirlingAbove() {
    assertThat(DriverStatistics.logFactorial(0)).isEqualTo(0.0);
    assertThat(DriverStatistics.logFactorial(20)).isCloseTo(Math.log(2432902008176640000.0), CLOSE);
    assertThat(DriverStatistics.logFactorial(21)).isCloseTo(Math.log(2432902008176640000.0) + Math.log(21), within(1e-13));
  }

  /**
   * p = 0.01, 0.04, 0.03 (m = 3). Ranked: 0.01 (1), 0.03 (2), 0.04 (3); p x m / rank = 0.03, 0.045,
   * 0.04. Step-up from the largest rank, keeping the running minimum: rank 3: 0.04; rank 2:
   * min(0.045, 0.04) = 0.04 (lowered: q never decreases with p); rank 1: min(0.03, 0.04) = 0.03.
   * Back in input order: 0.03, 0.04, 0.04.
   */
  @Test
  void benjaminiHochbergStepsUpFromTheLargestPAndStaysMonotone() {
    double[] q = DriverStatistics.benjaminiHochberg(new double[] {0.01, 0.04, 0.03});

    assertThat(q[0]).isCloseTo(0.03, CLOSE);
    assertThat(q[1]).isCloseTo(0.04, CLOSE);
    assertThat(q[2]).isCloseTo(0.04, CLOSE);
  }

  /**
   * Ties: p = 0.1, 0.4, 0.1 (m = 3). Ranks 1 and 2 are the two 0.1s: 0.1 x 3 / 1 = 0.3 and
   * 0.1 x 3 / 2 = 0.15; rank 3: 0.4. Step-up: 0.4, min(0.15, 0.4) = 0.15, min(0.3, 0.15) = 0.15:
   * both 0.1s get 0.15 whichever is ranked first.
   */
  @Test
  void benjaminiHochbergGivesTiedPValuesTheSameQ() {
    double[] q = DriverStatistics.benjaminiHochberg(new double[] {0.1, 0.4, 0.1});

    assertThat(q[0]).isCloseTo(0.15, CLOSE);
    assertThat(q[1]).isCloseTo(0.4, CLOSE);
    assertThat(q[2]).isCloseTo(0.15, CLOSE);
  }
}
