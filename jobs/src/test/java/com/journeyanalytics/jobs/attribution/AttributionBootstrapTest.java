package com.journeyanalytics.jobs.attribution;

import static com.journeyanalytics.jobs.attribution.PathTouchesFixture.paths;
import static org.assertj.core.api.Assertions.assertThat;

import com.journeyanalytics.common.config.AttributionSettings;
import com.journeyanalytics.common.config.JobConfig;
import com.journeyanalytics.common.testing.SparkTestSession;
import com.journeyanalytics.jobs.attribution.AttributionBootstrap.Interval;
import com.journeyanalytics.jobs.attribution.AttributionBootstrap.SubjectGroup;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * The bootstrap intervals on hand-made paths, with the default settings: 200 resamples, 90%, so
 * the bounds are the 10th smallest and the 10th largest resample value.
 */
class AttributionBootstrapTest {

  private static final AttributionSettings.Bootstrap DEFAULTS = JobConfig.load(null, Map.of()).attribution().bootstrap();

  private final SparkSession spark = SparkTestSession.get();

  private static List<Interval> bootstrap(Dataset<Row> pathTouches) {
    Dataset<Row> weights = AttributionTransforms.ruleWeights(pathTouches, 7, 40, 40, 20);
    List<SubjectGroup> groups = AttributionBootstrap.groups(
        AttributionTransforms.subjectGroups(pathTouches, weights).collectAsList());
    return AttributionBootstrap.intervals(groups, 1, ShapleyGame.of(AttributionBootstrap.channelSets(groups)), DEFAULTS);
  }

  /** "model channel [campaign] low..high", bounds to 6 decimals as the table writes them. */
  private static List<String> rendered(List<Interval> intervals) {
    return intervals.stream().map(i -> i.model() + " " + i.channel() + (i.campaignId() == null ? "" : " " + i.campaignId())
        + " " + decimal(i.low()) + ".." + decimal(i.high())).toList();
  }

  private static String decimal(double value) {
    return BigDecimal.valueOf(value).setScale(6, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
  }

  @Test
  void theBoundsAreTheKthSmallestAndTheKthLargestResampleValue() {
    // ceil(200 * 10 / 200) = 10; ceil(10 * 50 / 200) = ceil(2.5) = 3; ceil(10 * 1 / 200) = 1; ceil(1000 * 5 / 200) = 25.
    assertThat(AttributionBootstrap.rank(200, 90)).isEqualTo(10);
    assertThat(AttributionBootstrap.rank(10, 50)).isEqualTo(3);
    assertThat(AttributionBootstrap.rank(10, 99)).isEqualTo(1);
    assertThat(AttributionBootstrap.rank(1000, 95)).isEqualTo(25);
  }

  /**
   * Three subjects, all converted on email > search (7 days apart). A resample draws three of
   * them, always the same path three times, so every resample is the sample and both bounds are
   * the point value: first_touch email 3, last_touch search 3, linear and position_based 1.5 each,
   * time_decay 0.5 : 1 -> email 1, search 2; markov removal effects 1 and 1 -> 1.5 each; shapley
   * v(email, search) = 1 -> 1/2 each -> 1.5 each. Campaign rows as their channel.
   */
  @Test
  void whenEverySubjectHasTheSamePathEveryResampleIsTheSampleAndTheBoundsAreThePointValue() {
    List<Interval> intervals = bootstrap(paths().add(3, "a", true, "email", "search").toDataFrame(spark));

    assertThat(rendered(intervals)).containsExactlyInAnyOrder(
        "first_touch email 3..3", "first_touch email c_email 3..3",
        "first_touch search 0..0", "first_touch search c_search 0..0",
        "last_touch email 0..0", "last_touch email c_email 0..0",
        "last_touch search 3..3", "last_touch search c_search 3..3",
        "linear email 1.5..1.5", "linear email c_email 1.5..1.5",
        "linear search 1.5..1.5", "linear search c_search 1.5..1.5",
        "time_decay email 1..1", "time_decay email c_email 1..1",
        "time_decay search 2..2", "time_decay search c_search 2..2",
        "position_based email 1.5..1.5", "position_based email c_email 1.5..1.5",
        "position_based search 1.5..1.5", "position_based search c_search 1.5..1.5",
        "markov email 1.5..1.5", "markov search 1.5..1.5",
        "shapley email 1.5..1.5", "shapley search 1.5..1.5");
  }

  /**
   * Two subjects: one converts on email, one does not convert on search. A resample draws the
   * converter 0, 1 or 2 times with probabilities 1/4, 1/2, 1/4, and every model credits email
   * with exactly the drawn conversions (search only ever leads to no conversion: markov removal
   * effect 0; shapley v(search) = 0, value -1/2, no credit). About 50 of the 200 resamples are 0
   * and 50 are 2, so the 10th smallest is 0 and the 10th largest is 2: email 0..2 around the point
   * value 1 in every model, search 0..0.
   */
  @Test
  void oneConverterInTwoSubjectsGivesBoundsZeroAndTwo() {
    List<Interval> intervals = bootstrap(paths().add(1, "c", true, "email").add(1, "n", false, "search").toDataFrame(spark));

    assertThat(rendered(intervals)).containsExactlyInAnyOrder(
        "first_touch email 0..2", "first_touch email c_email 0..2",
        "last_touch email 0..2", "last_touch email c_email 0..2",
        "linear email 0..2", "linear email c_email 0..2",
        "time_decay email 0..2", "time_decay email c_email 0..2",
        "position_based email 0..2", "position_based email c_email 0..2",
        "markov email 0..2", "markov search 0..0",
        "shapley email 0..2", "shapley search 0..0");
  }

  /**
   * ShapleyGameTest's three-channel paths (13 subjects). A rerun, here on the rows in reverse
   * order and in three partitions, draws the same resamples: the same bounds to the last bit.
   * Every interval has low <= high and holds the point value worked by hand in ShapleyGameTest:
   * linear 2.833333, 2.833333, 1.333333; shapley 2.625, 3.5, 0.875.
   */
  @Test
  void aRerunGivesTheSameBoundsAndTheyHoldThePointValue() {
    PathTouchesFixture fixture = paths()
        .add(1, "d", true, "display").add(3, "dn", false, "display")
        .add(1, "e", true, "email").add(1, "en", false, "email")
        .add(3, "de", true, "display", "email").add(1, "den", false, "display", "email")
        .add(1, "des", true, "display", "email", "search")
        .add(1, "s", true, "search").add(1, "sn", false, "search");
    Dataset<Row> pathTouches = fixture.toDataFrame(spark);

    List<Interval> first = bootstrap(pathTouches);
    List<Interval> second = bootstrap(pathTouches.orderBy(pathTouches.col("touchpoint_id").desc()).repartition(3));

    assertThat(second).isEqualTo(first);
    assertThat(first).allMatch(i -> i.low() <= i.high(), "low <= high");
    Map<String, Double> points = Map.of(
        "linear display", 2.833333, "linear email", 2.833333, "linear search", 1.333333,
        "shapley display", 2.625, "shapley email", 3.5, "shapley search", 0.875);
    points.forEach((row, point) -> assertThat(first).filteredOn(i -> i.campaignId() == null
            && (i.model() + " " + i.channel()).equals(row))
        .singleElement()
        .satisfies(i -> assertThat(point).as(row).isBetween(i.low(), i.high())));
  }
}
