package com.journeyanalytics.jobs.attribution;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The Shapley attribution game over channel sets, solved exactly on the driver.
 *
 * <p>The players are the channels, in sorted order; above {@link #MAX_PLAYERS} channels the least
 * frequent (fewest paths containing them, ties by name) are one player, {@link #OTHER}, so that
 * there are 12. The value of a coalition S is the conversion rate of the paths whose channel set is
 * exactly S, conversions / (conversions + non-conversions), and 0 for a set never seen. The Shapley
 * value of player i, {@code phi_i = sum over S without i of w(|S|) (v(S + i) - v(S))} with
 * {@code w(s) = s! (n - 1 - s)! / n!}, is summed per seen set T instead: {@code + w(|T| - 1) v(T)} for
 * every player in T and {@code - w(|T|) v(T)} for every other, so the work grows with the seen sets
 * (at most 2^12) times the players. Sets in mask order, {@link MathContext#DECIMAL128}, the values
 * rounded to {@link #SCALE} decimals (what is left of the rounding noise, a value that is exactly 0
 * comes out 0): the same digits on every run.
 *
 * <p>The values add up to v(all players), which is often 0 (no path has every channel) and some are
 * often negative (a channel whose sets convert worse than those without it). Conversions are split
 * by the positive part: a channel's share is max(phi, 0) over the sum of the positive values, so
 * the shares add up to 1 and a channel with a value of 0 or less gets nothing. When no value is
 * positive although there are conversions (e.g. two channels that convert equally well alone and
 * never appear together), each conversion is split evenly over the players of its set instead.
 */
public final class ShapleyGame {

  public static final String OTHER = "(other)";
  public static final int MAX_PLAYERS = 12;
  static final int SCALE = 24;
  private static final MathContext MC = MathContext.DECIMAL128;

  /** Paths whose channel set is exactly {@code channels}: how many converted and how many did not. */
  public record ChannelSet(Set<String> channels, long conversions, long nonConversions) {}

  /** A player's Shapley value and the conversions and revenue it is credited with. */
  public record ChannelCredit(String channel, BigDecimal shapleyValue, BigDecimal conversions, BigDecimal revenue) {}

  private final List<String> players;
  private final Map<String, Integer> playerOfChannel;
  private final long[] conversions;
  private final long[] nonConversions;

  private ShapleyGame(List<String> players, Map<String, Integer> playerOfChannel, long[] conversions,
      long[] nonConversions) {
    this.players = players;
    this.playerOfChannel = playerOfChannel;
    this.conversions = conversions;
    this.nonConversions = nonConversions;
  }

  public static ShapleyGame of(Collection<ChannelSet> sets) {
    Map<String, Long> paths = new TreeMap<>();
    for (ChannelSet set : sets) {
      for (String channel : set.channels()) {
        paths.merge(channel, set.conversions() + set.nonConversions(), Long::sum);
      }
    }
    List<String> byFrequency = new ArrayList<>(paths.keySet());
    byFrequency.sort(Comparator.comparing((String c) -> paths.get(c)).reversed().thenComparing(Comparator.naturalOrder()));
    boolean grouped = byFrequency.size() > MAX_PLAYERS;
    TreeSet<String> kept = new TreeSet<>(grouped ? byFrequency.subList(0, MAX_PLAYERS - 1) : byFrequency);
    TreeSet<String> playerSet = new TreeSet<>(kept);
    if (grouped) {
      playerSet.add(OTHER);
    }
    List<String> players = List.copyOf(playerSet);
    Map<String, Integer> playerOfChannel = new TreeMap<>();
    for (String channel : byFrequency) {
      playerOfChannel.put(channel, players.indexOf(kept.contains(channel) ? channel : OTHER));
    }
    ShapleyGame game = new ShapleyGame(players, playerOfChannel, new long[1 << players.size()],
        new long[1 << players.size()]);
    for (ChannelSet set : sets) {
      int mask = game.mask(set.channels());
      game.conversions[mask] += set.conversions();
      game.nonConversions[mask] += set.nonConversions();
    }
    return game;
  }

  /** The players, sorted; {@link #OTHER} among them when channels were grouped. */
  public List<String> players() {
    return players;
  }

  /** The coalition of a path's channels: bit i set for player i. */
  public int mask(Collection<String> channels) {
    int mask = 0;
    for (String channel : channels) {
      Integer player = playerOfChannel.get(channel);
      if (player == null) {
        throw new IllegalArgumentException("channel " + channel + " is not in the game");
      }
      mask |= 1 << player;
    }
    return mask;
  }

  /** The same players with other counts per coalition (a bootstrap resample), indexed by mask. */
  public ShapleyGame withCounts(long[] conversionsByMask, long[] nonConversionsByMask) {
    if (conversionsByMask.length != conversions.length || nonConversionsByMask.length != conversions.length) {
      throw new IllegalArgumentException("expected " + conversions.length + " coalitions");
    }
    return new ShapleyGame(players, playerOfChannel, conversionsByMask.clone(), nonConversionsByMask.clone());
  }

  /**
   * The Shapley value of every player, in player order. Per seen set T with conversions, v(T) is
   * added to the sum of its size s, B(s), and to A_i(s) for each of its players; then
   * {@code phi_i = sum over s of (w(s-1) + w(s)) A_i(s) - w(s) B(s)} (w(n) = 0): the same sum as
   * the class comment's, with one division per set and additions only.
   */
  public BigDecimal[] values() {
    int n = players.size();
    BigDecimal[] weights = new BigDecimal[n + 1];
    for (int s = 0; s < n; s++) {
      weights[s] = BigDecimal.ONE.divide(new BigDecimal(BigInteger.valueOf(n).multiply(binomial(n - 1, s))), MC);
    }
    weights[n] = BigDecimal.ZERO;
    BigDecimal[] bySize = new BigDecimal[n + 1];
    BigDecimal[][] byPlayerAndSize = new BigDecimal[n][n + 1];
    Arrays.fill(bySize, BigDecimal.ZERO);
    for (BigDecimal[] sums : byPlayerAndSize) {
      Arrays.fill(sums, BigDecimal.ZERO);
    }
    for (int mask = 1; mask < conversions.length; mask++) {
      if (conversions[mask] == 0) {
        continue;
      }
      BigDecimal value = BigDecimal.valueOf(conversions[mask])
          .divide(BigDecimal.valueOf(conversions[mask] + nonConversions[mask]), MC);
      int size = Integer.bitCount(mask);
      bySize[size] = bySize[size].add(value);
      for (int i = 0; i < n; i++) {
        if ((mask & (1 << i)) != 0) {
          byPlayerAndSize[i][size] = byPlayerAndSize[i][size].add(value);
        }
      }
    }
    BigDecimal[] phi = new BigDecimal[n];
    for (int i = 0; i < n; i++) {
      BigDecimal sum = BigDecimal.ZERO;
      for (int s = 1; s <= n; s++) {
        sum = sum.add(weights[s - 1].add(weights[s]).multiply(byPlayerAndSize[i][s], MC), MC)
            .subtract(weights[s].multiply(bySize[s], MC), MC);
      }
      phi[i] = sum.setScale(SCALE, RoundingMode.HALF_EVEN);
    }
    return phi;
  }

  /** Each player's share of the conversions (see the class comment); they add up to 1, or all 0 without conversions. */
  public BigDecimal[] shares() {
    return shares(values());
  }

  private BigDecimal[] shares(BigDecimal[] phi) {
    int n = players.size();
    BigDecimal positive = BigDecimal.ZERO;
    for (BigDecimal value : phi) {
      positive = positive.add(value.max(BigDecimal.ZERO));
    }
    BigDecimal[] shares = new BigDecimal[n];
    if (positive.signum() > 0) {
      for (int i = 0; i < n; i++) {
        shares[i] = phi[i].max(BigDecimal.ZERO).divide(positive, MC);
      }
      return shares;
    }
    Arrays.fill(shares, BigDecimal.ZERO);
    long total = 0;
    for (int mask = 1; mask < conversions.length; mask++) {
      total += conversions[mask];
    }
    if (total == 0) {
      return shares;
    }
    for (int mask = 1; mask < conversions.length; mask++) {
      if (conversions[mask] == 0) {
        continue;
      }
      BigDecimal each = BigDecimal.valueOf(conversions[mask])
          .divide(BigDecimal.valueOf((long) Integer.bitCount(mask) * total), MC);
      for (int i = 0; i < n; i++) {
        if ((mask & (1 << i)) != 0) {
          shares[i] = shares[i].add(each, MC);
        }
      }
    }
    return shares;
  }

  /** Splits {@code conversions} and {@code revenue} (those with at least one touch) by the shares, per player. */
  public List<ChannelCredit> credit(BigDecimal conversions, BigDecimal revenue) {
    BigDecimal[] phi = values();
    BigDecimal[] shares = shares(phi);
    List<ChannelCredit> credits = new ArrayList<>();
    for (int i = 0; i < players.size(); i++) {
      credits.add(new ChannelCredit(players.get(i), phi[i], conversions.multiply(shares[i], MC),
          revenue.multiply(shares[i], MC)));
    }
    return credits;
  }

  private static BigInteger binomial(int n, int k) {
    BigInteger result = BigInteger.ONE;
    for (int i = 1; i <= k; i++) {
      result = result.multiply(BigInteger.valueOf(n - k + i)).divide(BigInteger.valueOf(i));
    }
    return result;
  }
}
