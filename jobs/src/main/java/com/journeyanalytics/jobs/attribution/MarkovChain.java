package com.journeyanalytics.jobs.attribution;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * An absorbing Markov chain built from aggregated transition counts, solved exactly.
 *
 * <p>The probability of reaching (conversion) from a state s satisfies
 * {@code out(s) * x(s) - sum_t count(s,t) * x(t) = count(s, conversion)} over the transient
 * states; the system is solved by Gaussian elimination with partial pivoting in
 * {@link MathContext#DECIMAL128}, states in sorted order, so the result is the same bit for bit
 * on every run. Removing a channel sends every transition into a state that contains it to
 * (null): those states simply leave the system.
 */
public final class MarkovChain {

  public static final String START = "(start)";
  public static final String CONVERSION = "(conversion)";
  public static final String NULL = "(null)";
  public static final String SEPARATOR = " > ";
  private static final Pattern SEPARATOR_PATTERN = Pattern.compile(Pattern.quote(SEPARATOR));
  private static final MathContext MC = MathContext.DECIMAL128;

  /** One aggregated transition: how many paths went from one state to the next. */
  public record Transition(String from, String to, long count) {}

  /** A channel's removal effect and the conversions and revenue it is credited with. */
  public record ChannelCredit(String channel, BigDecimal removalEffect, BigDecimal conversions, BigDecimal revenue) {}

  private final SortedMap<String, SortedMap<String, Long>> counts = new TreeMap<>();

  private MarkovChain(Collection<Transition> transitions) {
    for (Transition t : transitions) {
      if (t.from().equals(CONVERSION) || t.from().equals(NULL)) {
        throw new IllegalArgumentException("absorbing state " + t.from() + " has an outgoing transition");
      }
      counts.computeIfAbsent(t.from(), k -> new TreeMap<>()).merge(t.to(), t.count(), Long::sum);
    }
  }

  public static MarkovChain of(Collection<Transition> transitions) {
    return new MarkovChain(transitions);
  }

  /** The channels of the chain: every channel named in a state, sorted. */
  public SortedSet<String> channels() {
    SortedSet<String> channels = new TreeSet<>();
    for (String state : counts.keySet()) {
      if (!state.equals(START)) {
        channels.addAll(channelsOf(state));
      }
    }
    return channels;
  }

  /** Probability that a path from (start) ends in (conversion). */
  public BigDecimal conversionProbability() {
    return solve(null);
  }

  /** The same, with every transition into a state containing {@code channel} sent to (null). */
  public BigDecimal conversionProbabilityWithout(String channel) {
    return solve(channel);
  }

  /** 1 - P(conversion without the channel) / P(conversion), per channel; 0 when nothing converts. */
  public SortedMap<String, BigDecimal> removalEffects() {
    BigDecimal base = conversionProbability();
    SortedMap<String, BigDecimal> effects = new TreeMap<>();
    for (String channel : channels()) {
      effects.put(channel, base.signum() == 0
          ? BigDecimal.ZERO
          : BigDecimal.ONE.subtract(conversionProbabilityWithout(channel).divide(base, MC), MC));
    }
    return effects;
  }

  /**
   * Splits {@code conversions} and {@code revenue} (those of the conversions with at least one
   * touch) over the channels by their share of the summed removal effects.
   */
  public List<ChannelCredit> credit(BigDecimal conversions, BigDecimal revenue) {
    SortedMap<String, BigDecimal> effects = removalEffects();
    BigDecimal total = BigDecimal.ZERO;
    for (BigDecimal effect : effects.values()) {
      total = total.add(effect, MC);
    }
    List<ChannelCredit> credits = new ArrayList<>();
    for (Map.Entry<String, BigDecimal> e : effects.entrySet()) {
      BigDecimal share = total.signum() == 0 ? BigDecimal.ZERO : e.getValue().divide(total, MC);
      credits.add(new ChannelCredit(e.getKey(), e.getValue(), conversions.multiply(share, MC), revenue.multiply(share, MC)));
    }
    return credits;
  }

  /**
   * Each channel's share of the summed removal effects in doubles: the bootstrap solves the chain
   * of every resample, and a resample's chain (order 2 or 3: one state per channel sequence) is
   * too large to solve in decimals that many times. All 0 when nothing converts.
   */
  public SortedMap<String, Double> removalEffectSharesInDoubles() {
    double base = solveInDoubles(null);
    SortedMap<String, Double> effects = new TreeMap<>();
    double total = 0;
    for (String channel : channels()) {
      double effect = base == 0 ? 0 : 1 - solveInDoubles(channel) / base;
      effects.put(channel, effect);
      total += effect;
    }
    for (Map.Entry<String, Double> e : effects.entrySet()) {
      e.setValue(total == 0 ? 0 : e.getValue() / total);
    }
    return effects;
  }

  /**
   * The transitions of one path of channels, as markov_transitions.sql counts them: a state is
   * the last {@code order} channels (fewer at the start of the path), ' > ' separated.
   */
  public static List<Transition> pathTransitions(List<String> channels, boolean converted, int order) {
    List<Transition> transitions = new ArrayList<>();
    String from = START;
    for (int i = 0; i < channels.size(); i++) {
      String state = String.join(SEPARATOR, channels.subList(Math.max(0, i - order + 1), i + 1));
      transitions.add(new Transition(from, state, 1));
      from = state;
    }
    transitions.add(new Transition(from, converted ? CONVERSION : NULL, 1));
    return transitions;
  }

  private static List<String> channelsOf(String state) {
    return Arrays.asList(SEPARATOR_PATTERN.split(state, -1));
  }

  /** The transient states left without {@code removedChannel}, as count arrays; null without (start). */
  private record LinearSystem(int start, long[][] counts, long[] out, long[] conversions) {}

  private LinearSystem system(String removedChannel) {
    List<String> states = new ArrayList<>();
    for (String state : counts.keySet()) {
      if (state.equals(START) || removedChannel == null || !channelsOf(state).contains(removedChannel)) {
        states.add(state);
      }
    }
    int startIndex = states.indexOf(START);
    if (startIndex < 0) {
      return null;
    }
    Map<String, Integer> index = new TreeMap<>();
    for (int i = 0; i < states.size(); i++) {
      index.put(states.get(i), i);
    }
    int n = states.size();
    long[][] between = new long[n][n];
    long[] out = new long[n];
    long[] conversions = new long[n];
    for (int i = 0; i < n; i++) {
      for (Map.Entry<String, Long> e : counts.get(states.get(i)).entrySet()) {
        out[i] += e.getValue();
        Integer j = index.get(e.getKey());
        if (j != null) {
          between[i][j] += e.getValue();
        } else if (e.getKey().equals(CONVERSION)) {
          conversions[i] += e.getValue();
        }
      }
    }
    return new LinearSystem(startIndex, between, out, conversions);
  }

  private BigDecimal solve(String removedChannel) {
    LinearSystem system = system(removedChannel);
    if (system == null) {
      return BigDecimal.ZERO;
    }
    int n = system.out().length;
    BigDecimal[][] a = new BigDecimal[n][n];
    BigDecimal[] b = new BigDecimal[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        a[i][j] = BigDecimal.valueOf((i == j ? system.out()[i] : 0) - system.counts()[i][j]);
      }
      b[i] = BigDecimal.valueOf(system.conversions()[i]);
    }
    return gaussianElimination(a, b)[system.start()];
  }

  private double solveInDoubles(String removedChannel) {
    LinearSystem system = system(removedChannel);
    if (system == null) {
      return 0;
    }
    int n = system.out().length;
    double[][] a = new double[n][n];
    double[] b = new double[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        a[i][j] = (i == j ? system.out()[i] : 0) - system.counts()[i][j];
      }
      b[i] = system.conversions()[i];
    }
    return gaussianElimination(a, b)[system.start()];
  }

  /** Solves a x = b in place: partial pivoting (largest magnitude, first in order on ties). */
  static BigDecimal[] gaussianElimination(BigDecimal[][] a, BigDecimal[] b) {
    int n = b.length;
    for (int col = 0; col < n; col++) {
      int pivot = col;
      for (int row = col + 1; row < n; row++) {
        if (a[row][col].abs().compareTo(a[pivot][col].abs()) > 0) {
          pivot = row;
        }
      }
      if (a[pivot][col].signum() == 0) {
        throw new IllegalStateException("the Markov chain has a state from which no path ends; cannot solve");
      }
      BigDecimal[] rowSwap = a[col];
      a[col] = a[pivot];
      a[pivot] = rowSwap;
      BigDecimal bSwap = b[col];
      b[col] = b[pivot];
      b[pivot] = bSwap;
      for (int row = col + 1; row < n; row++) {
        if (a[row][col].signum() == 0) {
          continue;
        }
        BigDecimal factor = a[row][col].divide(a[col][col], MC);
        for (int k = col; k < n; k++) {
          a[row][k] = a[row][k].subtract(factor.multiply(a[col][k], MC), MC);
        }
        b[row] = b[row].subtract(factor.multiply(b[col], MC), MC);
      }
    }
    BigDecimal[] x = new BigDecimal[n];
    for (int row = n - 1; row >= 0; row--) {
      BigDecimal sum = b[row];
      for (int k = row + 1; k < n; k++) {
        sum = sum.subtract(a[row][k].multiply(x[k], MC), MC);
      }
      x[row] = sum.divide(a[row][row], MC);
    }
    return x;
  }

  /** The same elimination in doubles (the bootstrap's resamples): same pivots, same order. */
  static double[] gaussianElimination(double[][] a, double[] b) {
    int n = b.length;
    for (int col = 0; col < n; col++) {
      int pivot = col;
      for (int row = col + 1; row < n; row++) {
        if (Math.abs(a[row][col]) > Math.abs(a[pivot][col])) {
          pivot = row;
        }
      }
      if (a[pivot][col] == 0) {
        throw new IllegalStateException("the Markov chain has a state from which no path ends; cannot solve");
      }
      double[] rowSwap = a[col];
      a[col] = a[pivot];
      a[pivot] = rowSwap;
      double bSwap = b[col];
      b[col] = b[pivot];
      b[pivot] = bSwap;
      for (int row = col + 1; row < n; row++) {
        if (a[row][col] == 0) {
          continue;
        }
        double factor = a[row][col] / a[col][col];
        for (int k = col; k < n; k++) {
          a[row][k] -= factor * a[col][k];
        }
        b[row] -= factor * b[col];
      }
    }
    double[] x = new double[n];
    for (int row = n - 1; row >= 0; row--) {
      double sum = b[row];
      for (int k = row + 1; k < n; k++) {
        sum -= a[row][k] * x[k];
      }
      x[row] = sum / a[row][row];
    }
    return x;
  }
}
