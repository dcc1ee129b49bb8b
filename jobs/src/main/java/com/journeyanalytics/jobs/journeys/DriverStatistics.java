package com.journeyanalytics.jobs.journeys;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * The statistics of conversion_drivers, on one factor's 2x2 table of subjects:
 * <pre>
 *                 converted   not converted
 *   with factor       a             b
 *   without           c             d
 * </pre>
 * the odds ratio with its Woolf interval, the two-sided Fisher exact p-value, and the
 * Benjamini-Hochberg q-values over all factors of a run. Plain functions of counts, computed on the
 * driver; StrictMath, so the same counts give the same bits on every JVM and reruns change nothing.
 */
final class DriverStatistics {

  /** The standard normal quantile of 0.975: a 95% two-sided interval. */
  static final double Z_95 = 1.959963984540054;
  /** R's fisher.test: tables whose probability is within this factor of the observed one's count as "as extreme". */
  static final double RELATIVE_TOLERANCE = 1 + 1e-7;

  /** ln(n!) exactly (as far as a double goes) for n up to 20, where n! still fits a long. */
  private static final double[] LOG_FACTORIALS = new double[21];

  static {
    long factorial = 1;
    for (int n = 0; n <= 20; n++) {
      factorial *= Math.max(n, 1);
      LOG_FACTORIALS[n] = StrictMath.log(factorial);
    }
  }

  private DriverStatistics() {}

  /** An odds ratio and its 95% confidence interval. */
  record OddsRatio(double estimate, double ciLow, double ciHigh) {}

  /**
   * The odds ratio (a/b) / (c/d) with 0.5 added to each cell (Haldane-Anscombe, so an empty cell
   * gives a finite ratio), and its 95% interval by Woolf's method on the same cells:
   * exp(ln OR +- z * sqrt(1/a + 1/b + 1/c + 1/d)).
   */
  static OddsRatio oddsRatio(long a, long b, long c, long d) {
    double a5 = a + 0.5;
    double b5 = b + 0.5;
    double c5 = c + 0.5;
    double d5 = d + 0.5;
    double logOr = StrictMath.log(a5) + StrictMath.log(d5) - StrictMath.log(b5) - StrictMath.log(c5);
    double halfWidth = Z_95 * StrictMath.sqrt(1 / a5 + 1 / b5 + 1 / c5 + 1 / d5);
    return new OddsRatio(StrictMath.exp(logOr), StrictMath.exp(logOr - halfWidth), StrictMath.exp(logOr + halfWidth));
  }

  /**
   * The two-sided Fisher exact p-value of the table: the probability, under independence with the
   * table's margins fixed (hypergeometric), of all tables no more probable than the observed one,
   * as R's fisher.test computes it (a relative tolerance of 1e-7, weights normalized over the
   * whole support). Log-factorials keep large counts finite; O(min(a + b, a + c)) per table.
   */
  static double fisherExactP(long a, long b, long c, long d) {
    long with = a + b;
    long without = c + d;
    long converted = a + c;
    long lo = Math.max(0, converted - without);
    long hi = Math.min(with, converted);
    // Weights relative to the mode's, which keeps them <= about 1 (no overflow) whatever the counts.
    long mode = Math.min(hi, Math.max(lo, (long) Math.floor((with + 1.0) * (converted + 1.0) / (with + without + 2.0))));
    double logMode = logWeight(mode, with, without, converted);
    double observed = StrictMath.exp(logWeight(a, with, without, converted) - logMode);
    double threshold = observed * RELATIVE_TOLERANCE;
    double total = 0;
    double extreme = 0;
    for (long x = lo; x <= hi; x++) {
      double w = StrictMath.exp(logWeight(x, with, without, converted) - logMode);
      total += w;
      if (w <= threshold) {
        extreme += w;
      }
    }
    return Math.min(1.0, extreme / total);
  }

  /**
   * Benjamini-Hochberg q-values of {@code p} (returned in the same order): sorted ascending
   * (ties in input order), q(i) = min over ranks j >= i of p(j) * m / j, capped at 1. Equal
   * p-values get equal q-values whatever their order.
   */
  static double[] benjaminiHochberg(double[] p) {
    int m = p.length;
    Integer[] order = IntStream.range(0, m).boxed().toArray(Integer[]::new);
    Arrays.sort(order, Comparator.comparingDouble(i -> p[i]));
    double[] q = new double[m];
    double running = 1.0;
    for (int rank = m; rank >= 1; rank--) {
      int i = order[rank - 1];
      running = Math.min(running, p[i] * m / rank);
      q[i] = running;
    }
    return q;
  }

  /** ln(n!): exact for n <= 20, Stirling's series beyond (error below 1e-15 there). */
  static double logFactorial(long n) {
    if (n < 0) {
      throw new IllegalArgumentException("n! of " + n);
    }
    if (n <= 20) {
      return LOG_FACTORIALS[(int) n];
    }
    double x = n;
    double inv = 1 / x;
    double inv2 = inv * inv;
    double series = inv * (1.0 / 12 - inv2 * (1.0 / 360 - inv2 * (1.0 / 1260 - inv2 / 1680)));
    return x * StrictMath.log(x) - x + 0.5 * StrictMath.log(2 * StrictMath.PI * x) + series;
  }

  /**
   * ln of the hypergeometric probability of x converted among the {@code with} subjects, up to a
   * term that is the same for every x: ln C(with, x) + ln C(without, converted - x), without the
   * constant ln(with!) + ln(without!).
   */
  private static double logWeight(long x, long with, long without, long converted) {
    return -logFactorial(x) - logFactorial(with - x) - logFactorial(converted - x)
        - logFactorial(without - converted + x);
  }
}
