package com.journeyanalytics.common.config;

import java.util.List;

/**
 * Marketing attribution options (section journey.attribution). Position weights are whole
 * percentages that must add up to 100.
 */
public record AttributionSettings(
    int windowDays,
    int lookbackDays,
    int revenueWindowDays,
    double halfLifeDays,
    int positionFirstPercent,
    int positionLastPercent,
    int positionMiddlePercent,
    int markovOrder,
    boolean collapseRepeats,
    SpendSource spendSource,
    Bootstrap bootstrap) {

  /**
   * The conversions intervals: {@code resamples} bootstrap resamples of the subjects drawn from
   * {@code seed}, a {@code confidencePercent} percentile interval.
   */
  public record Bootstrap(int resamples, long seed, int confidencePercent) {}

  /** Where the spend behind roas and cost_per_conversion comes from. */
  public enum SpendSource {
    TOUCH_COST, CAMPAIGN_SPEND;

    public String label() {
      return name().toLowerCase();
    }
  }

  public static AttributionSettings from(ConfigReader a) {
    int first = a.intBetween("position-weights.first", 0, 100);
    int last = a.intBetween("position-weights.last", 0, 100);
    int middle = a.intBetween("position-weights.middle", 0, 100);
    if (first + last + middle != 100) {
      throw a.bad("position-weights", "first + last + middle must add up to 100, but "
          + first + " + " + last + " + " + middle + " = " + (first + last + middle));
    }
    if (first + last == 0) {
      throw a.bad("position-weights", "first + last must be above 0 (a two-touch path splits them)");
    }
    double halfLife = a.doubleBetween("half-life-days", 0, 3650);
    if (halfLife <= 0) {
      throw a.bad("half-life-days", "must be above 0");
    }
    String spend = a.oneOf("spend-source", List.of("touch_cost", "campaign_spend"));
    return new AttributionSettings(
        a.intBetween("window-days", 1, 3650),
        a.intBetween("lookback-days", 1, 3650),
        a.intBetween("revenue-window-days", 1, 3650),
        halfLife,
        first,
        last,
        middle,
        a.intBetween("markov.order", 1, 3),
        a.bool("collapse-repeats"),
        SpendSource.valueOf(spend.toUpperCase()),
        new Bootstrap(
            a.intBetween("bootstrap.resamples", 10, 10_000),
            a.intBetween("bootstrap.seed", Integer.MIN_VALUE, Integer.MAX_VALUE),
            a.intBetween("bootstrap.confidence", 50, 99)));
  }
}
