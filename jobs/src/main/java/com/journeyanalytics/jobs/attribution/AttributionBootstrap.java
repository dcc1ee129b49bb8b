package com.journeyanalytics.jobs.attribution;

import com.journeyanalytics.common.config.AttributionSettings;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Row;

/**
 * The conversions intervals of every model: a percentile bootstrap over the subjects, run on the
 * driver over the aggregated subject groups (subject_groups.sql).
 *
 * <p>A resample draws as many subjects as there are, uniformly with replacement: each draw is a
 * {@link SplittableRandom} index into the subjects, groups in signature order, so a group of m
 * identical subjects is drawn with probability m / n, and the result is exactly a resample of the
 * subjects, in O(n) per resample and without one row per subject. On each resample the
 * rule-based credit is the sum of the drawn groups' credit, and markov and shapley are re-run on
 * the drawn paths (the chain of the drawn transitions, solved in doubles; the game of the drawn
 * channel sets with the full sample's players) and split the resample's conversions with at
 * least one touch. The bounds are the k-th smallest and the k-th largest of the resample values,
 * {@code k = ceil(resamples * (100 - confidence) / 200)} (at least 1).
 */
public final class AttributionBootstrap {

  private AttributionBootstrap() {}

  /** One path of a subject: its channels in time order, and whether it ends in a conversion. */
  public record Path(List<String> channels, boolean converted) {}

  /** A subject's rule-based credit for one model and channel (campaignId null) or campaign. */
  public record RuleCredit(String model, String channel, String campaignId, double conversions) {}

  /** {@code subjects} subjects with the same paths and rule-based credit; signature orders the groups. */
  public record SubjectGroup(String signature, long subjects, List<Path> paths, List<RuleCredit> credits) {}

  /** The interval of one attribution row (campaignId null on channel rows). */
  public record Interval(String model, String channel, String campaignId, double low, double high) {}

  private record Key(String model, String channel, String campaignId) {}

  private static final long MAX_BUCKETS = 1 << 22;

  private static final Comparator<Key> KEY_ORDER = Comparator.comparing(Key::model).thenComparing(Key::channel)
      .thenComparing(Key::campaignId, Comparator.nullsFirst(Comparator.naturalOrder()));

  /** The channel sets of the groups' paths with their conversions and non-conversions (the Shapley game's input). */
  public static List<ShapleyGame.ChannelSet> channelSets(List<SubjectGroup> groups) {
    SortedMap<String, long[]> counts = new TreeMap<>();
    Map<String, TreeSet<String>> sets = new HashMap<>();
    for (SubjectGroup group : groups) {
      for (Path path : group.paths()) {
        TreeSet<String> set = new TreeSet<>(path.channels());
        String key = String.join("\n", set);
        sets.put(key, set);
        counts.computeIfAbsent(key, k -> new long[2])[path.converted() ? 0 : 1] += group.subjects();
      }
    }
    List<ShapleyGame.ChannelSet> out = new ArrayList<>();
    counts.forEach((key, c) -> out.add(new ShapleyGame.ChannelSet(sets.get(key), c[0], c[1])));
    return out;
  }

  /**
   * The intervals of every rule-based row of the groups' credit, every markov channel of their
   * paths and every player of {@code game} (built from {@link #channelSets} of the same groups).
   */
  public static List<Interval> intervals(List<SubjectGroup> groups, int markovOrder, ShapleyGame game,
      AttributionSettings.Bootstrap settings) {
    List<SubjectGroup> sorted = new ArrayList<>(groups);
    sorted.sort(Comparator.comparing(SubjectGroup::signature));
    Resampler resampler = new Resampler(sorted, markovOrder, game);
    int resamples = settings.resamples();
    double[][] values = new double[resampler.keys.size()][resamples];
    SplittableRandom random = new SplittableRandom(settings.seed());
    for (int r = 0; r < resamples; r++) {
      resampler.resample(random, values, r);
    }
    int k = rank(resamples, settings.confidencePercent());
    List<Interval> intervals = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      double[] v = values[i];
      Arrays.sort(v);
      Key key = resampler.keys.get(i);
      intervals.add(new Interval(key.model(), key.channel(), key.campaignId(), v[k - 1], v[resamples - k]));
    }
    return intervals;
  }

  /** The rank of the bounds: ceil(resamples * (100 - confidence) / 200), at least 1. */
  static int rank(int resamples, int confidencePercent) {
    return Math.max(1, (int) ((resamples * (long) (100 - confidencePercent) + 199) / 200));
  }

  /** The subject groups of subject_groups.sql's collected rows. */
  public static List<SubjectGroup> groups(List<Row> rows) {
    List<SubjectGroup> groups = new ArrayList<>();
    for (Row row : rows) {
      List<Path> paths = new ArrayList<>();
      for (Row path : row.<Row>getList(row.fieldIndex("paths"))) {
        paths.add(new Path(List.copyOf(path.<String>getList(path.fieldIndex("channels"))),
            path.getBoolean(path.fieldIndex("is_converted"))));
      }
      List<RuleCredit> credits = new ArrayList<>();
      int creditsIndex = row.fieldIndex("credits");
      if (!row.isNullAt(creditsIndex)) {
        for (Row c : row.<Row>getList(creditsIndex)) {
          credits.add(new RuleCredit(c.getAs("model"), c.getAs("channel"), c.getAs("campaign_id"),
              Objects.requireNonNull(c.<BigDecimal>getAs("conversions")).doubleValue()));
        }
      }
      groups.add(new SubjectGroup(row.getAs("signature"), row.<Long>getAs("subjects"), paths, credits));
    }
    return groups;
  }

  /** The groups indexed once for the resamples: each group's credit, transitions and coalitions as arrays. */
  private static final class Resampler {

    /** The rows that get an interval: rule-based keys, then markov channels, then shapley players. */
    final List<Key> keys = new ArrayList<>();
    private final ShapleyGame game;
    private final List<String> markovChannels;
    private final int markovOffset;
    private final int shapleyOffset;
    private final List<MarkovChain.Transition> transitions = new ArrayList<>();
    private final int[][] creditKeys;
    private final double[][] creditValues;
    private final int[][] groupTransitions;
    private final int[][] groupMasks;
    private final boolean[][] groupConverted;
    private final long[] convertedPaths;
    /** Subjects in groups 0..g: group g holds the subject indices [cumulative[g - 1], cumulative[g]). */
    private final long[] cumulative;
    private final long subjects;
    /** The group of the first subject of each of {@code bucketStart.length} equal slices of the subject indices. */
    private final int[] bucketStart;

    Resampler(List<SubjectGroup> groups, int markovOrder, ShapleyGame game) {
      this.game = game;
      TreeSet<Key> ruleKeys = new TreeSet<>(KEY_ORDER);
      TreeSet<String> channels = new TreeSet<>();
      for (SubjectGroup group : groups) {
        group.credits().forEach(c -> ruleKeys.add(new Key(c.model(), c.channel(), c.campaignId())));
        group.paths().forEach(p -> channels.addAll(p.channels()));
      }
      keys.addAll(ruleKeys);
      channels.forEach(c -> keys.add(new Key("markov", c, null)));
      game.players().forEach(p -> keys.add(new Key("shapley", p, null)));
      markovChannels = List.copyOf(channels);
      markovOffset = ruleKeys.size();
      shapleyOffset = markovOffset + markovChannels.size();
      Map<Key, Integer> keyIndex = new HashMap<>();
      for (int i = 0; i < keys.size(); i++) {
        keyIndex.put(keys.get(i), i);
      }

      int count = groups.size();
      Map<MarkovChain.Transition, Integer> transitionIds = new HashMap<>();
      creditKeys = new int[count][];
      creditValues = new double[count][];
      groupTransitions = new int[count][];
      groupMasks = new int[count][];
      groupConverted = new boolean[count][];
      convertedPaths = new long[count];
      cumulative = new long[count];
      long total = 0;
      for (int g = 0; g < count; g++) {
        SubjectGroup group = groups.get(g);
        List<RuleCredit> credits = group.credits();
        creditKeys[g] = new int[credits.size()];
        creditValues[g] = new double[credits.size()];
        for (int i = 0; i < credits.size(); i++) {
          RuleCredit c = credits.get(i);
          creditKeys[g][i] = keyIndex.get(new Key(c.model(), c.channel(), c.campaignId()));
          creditValues[g][i] = c.conversions();
        }
        List<Integer> ids = new ArrayList<>();
        List<Path> paths = group.paths();
        groupMasks[g] = new int[paths.size()];
        groupConverted[g] = new boolean[paths.size()];
        for (int i = 0; i < paths.size(); i++) {
          Path path = paths.get(i);
          for (MarkovChain.Transition t : MarkovChain.pathTransitions(path.channels(), path.converted(), markovOrder)) {
            ids.add(transitionIds.computeIfAbsent(t, u -> {
              transitions.add(u);
              return transitions.size() - 1;
            }));
          }
          groupMasks[g][i] = game.mask(path.channels());
          groupConverted[g][i] = path.converted();
          convertedPaths[g] += path.converted() ? 1 : 0;
        }
        groupTransitions[g] = ids.stream().mapToInt(Integer::intValue).toArray();
        total += group.subjects();
        cumulative[g] = total;
      }
      subjects = total;

      // A draw looks up its slice and walks the few groups in it (no binary search over all groups).
      bucketStart = new int[(int) Math.min(subjects, Math.min(4L * count, MAX_BUCKETS))];
      for (int b = 0, g = 0; b < bucketStart.length; b++) {
        long first = b * subjects / bucketStart.length;
        while (cumulative[g] <= first) {
          g++;
        }
        bucketStart[b] = g;
      }
    }

    /** Draws one resample and writes every key's value for it into {@code values[key][r]}. */
    void resample(SplittableRandom random, double[][] values, int r) {
      long[] drawn = draw(random);
      long conversions = 0;
      long[] transitionCounts = new long[transitions.size()];
      long[] setConversions = new long[1 << game.players().size()];
      long[] setNonConversions = new long[setConversions.length];
      for (int g = 0; g < drawn.length; g++) {
        long m = drawn[g];
        if (m == 0) {
          continue;
        }
        conversions += m * convertedPaths[g];
        for (int i = 0; i < creditKeys[g].length; i++) {
          values[creditKeys[g][i]][r] += m * creditValues[g][i];
        }
        for (int t : groupTransitions[g]) {
          transitionCounts[t] += m;
        }
        for (int i = 0; i < groupMasks[g].length; i++) {
          (groupConverted[g][i] ? setConversions : setNonConversions)[groupMasks[g][i]] += m;
        }
      }
      List<MarkovChain.Transition> chain = new ArrayList<>();
      for (int t = 0; t < transitionCounts.length; t++) {
        if (transitionCounts[t] > 0) {
          chain.add(new MarkovChain.Transition(transitions.get(t).from(), transitions.get(t).to(), transitionCounts[t]));
        }
      }
      if (!chain.isEmpty()) {
        SortedMap<String, Double> shares = MarkovChain.of(chain).removalEffectSharesInDoubles();
        for (int c = 0; c < markovChannels.size(); c++) {
          values[markovOffset + c][r] = conversions * shares.getOrDefault(markovChannels.get(c), 0.0);
        }
      }
      BigDecimal[] shapleyShares = game.withCounts(setConversions, setNonConversions).shares();
      for (int p = 0; p < shapleyShares.length; p++) {
        values[shapleyOffset + p][r] = conversions * shapleyShares[p].doubleValue();
      }
    }

    /** How many times each group is drawn when {@code subjects} subject indices are drawn uniformly. */
    private long[] draw(SplittableRandom random) {
      long[] drawn = new long[cumulative.length];
      for (long d = 0; d < subjects; d++) {
        long subject = random.nextLong(subjects);
        int g = bucketStart[(int) (subject * bucketStart.length / subjects)];
        while (cumulative[g] <= subject) {
          g++;
        }
        drawn[g]++;
      }
      return drawn;
    }
  }
}
