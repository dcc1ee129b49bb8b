package com.journeyanalytics.jobs.attribution;

import com.journeyanalytics.jobs.sql.SqlFiles;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The attribution transforms: each runs one SQL file of sql/attribution/ on its inputs (bound as
 * temp views with unique names) and plain parameter values.
 */
public final class AttributionTransforms {

  private AttributionTransforms() {}

  /** Schema of the credit rows: rule_credit.sql's output, and the Markov and Shapley rows built on the driver. */
  static final StructType CREDIT = new StructType()
      .add("model", DataTypes.StringType)
      .add("channel", DataTypes.StringType)
      .add("campaign_id", DataTypes.StringType)
      .add("conversions", DataTypes.createDecimalType(38, 18))
      .add("revenue", DataTypes.createDecimalType(38, 15))
      .add("removal_effect", DataTypes.createDecimalType(38, 18))
      .add("shapley_value", DataTypes.createDecimalType(38, 18));

  /** Schema of the bootstrap intervals built on the driver. */
  static final StructType INTERVALS = new StructType()
      .add("model", DataTypes.StringType)
      .add("channel", DataTypes.StringType)
      .add("campaign_id", DataTypes.StringType)
      .add("conversions_ci_low", DataTypes.createDecimalType(38, 18))
      .add("conversions_ci_high", DataTypes.createDecimalType(38, 18));

  /**
   * The attribution window [start, end): the {@code windowDays} days up to the end of the run date.
   * Conversions and spend are counted in it, so ROAS and cost per conversion compare the same
   * period however old the warehouse is.
   */
  public record Window(Instant start, Instant end) {

    public static Window endingAt(Instant runEnd, int windowDays) {
      return new Window(runEnd.minus(Duration.ofDays(windowDays)), runEnd);
    }

    /** The window starting {@code days} earlier, e.g. to hold the lookback of its first conversion. */
    Window widenedBack(int days) {
      return new Window(start.minus(Duration.ofDays(days)), end);
    }

    /** The UTC date of the window's first instant: the first event_date partition it covers. */
    LocalDate firstDate() {
      return start.atZone(ZoneOffset.UTC).toLocalDate();
    }

    /** The window's last day: the run date. */
    LocalDate lastDate() {
      return end.atZone(ZoneOffset.UTC).toLocalDate().minusDays(1);
    }
  }

  /**
   * The conversions of the attribution window: every start of a paying interval (first or comeback,
   * see PayingIntervals) in it, with its revenue.
   */
  public static Dataset<Row> conversions(Dataset<Row> intervals, Dataset<Row> invoices, Window window,
      int revenueWindowDays) {
    return run("conversions.sql", Map.of("intervals", intervals, "invoices", invoices),
        Map.of("run_end", window.end(), "window_start", window.start(), "revenue_window_days", revenueWindowDays));
  }

  /**
   * The marketing touches of every path inside its lookback window, numbered in time order: one
   * path per conversion, and one per subject without a conversion in the window that is not paying.
   */
  public static Dataset<Row> pathTouches(Dataset<Row> touchpoints, Dataset<Row> conversions, Dataset<Row> intervals,
      Window window, int lookbackDays, boolean collapseRepeats) {
    return run("path_touches.sql", Map.of("touchpoints", touchpoints, "conversions", conversions, "intervals", intervals),
        Map.of("run_end", window.end(), "touches_from_date", window.widenedBack(lookbackDays).firstDate(),
            "lookback_days", lookbackDays, "collapse_repeats", collapseRepeats));
  }

  public static Dataset<Row> channelPaths(Dataset<Row> pathTouches, LocalDate snapshotDate, String runId) {
    return run("channel_paths.sql", Map.of("path_touches", pathTouches),
        Map.of("snapshot_date", snapshotDate, "run_id", runId));
  }

  public static Dataset<Row> markovTransitions(Dataset<Row> pathTouches, int order, LocalDate snapshotDate, String runId) {
    return run("markov_transitions.sql", Map.of("path_touches", pathTouches),
        Map.of("markov_order", order, "snapshot_date", snapshotDate, "run_id", runId));
  }

  /** Per touch of a converted path, its weight in first_touch, last_touch, linear, time_decay and position_based. */
  public static Dataset<Row> ruleWeights(
      Dataset<Row> pathTouches, double halfLifeDays, int firstPercent, int lastPercent, int middlePercent) {
    return run("rule_weights.sql", Map.of("path_touches", pathTouches),
        Map.of("half_life_days", halfLifeDays, "position_first", firstPercent,
            "position_last", lastPercent, "position_middle", middlePercent));
  }

  /** Credit of the rule-based models per channel and campaign (schema {@link #CREDIT}). */
  public static Dataset<Row> ruleBasedCredit(Dataset<Row> ruleWeights) {
    return run("rule_credit.sql", Map.of("rule_weights", ruleWeights), Map.of());
  }

  /** The subjects with a path, grouped by their paths and rule-based credit (see {@link AttributionBootstrap}). */
  public static Dataset<Row> subjectGroups(Dataset<Row> pathTouches, Dataset<Row> ruleWeights) {
    return run("subject_groups.sql", Map.of("path_touches", pathTouches, "rule_weights", ruleWeights), Map.of());
  }

  /** The Markov model's channel rows (schema {@link #CREDIT}). */
  public static Dataset<Row> markovCredit(SparkSession spark, List<MarkovChain.ChannelCredit> credits) {
    List<Row> rows = new ArrayList<>();
    for (MarkovChain.ChannelCredit c : credits) {
      rows.add(RowFactory.create("markov", c.channel(), null,
          c.conversions().setScale(18, RoundingMode.HALF_UP),
          c.revenue().setScale(15, RoundingMode.HALF_UP),
          c.removalEffect().setScale(18, RoundingMode.HALF_UP),
          null));
    }
    return spark.createDataFrame(rows, CREDIT);
  }

  /** The Shapley model's channel rows (schema {@link #CREDIT}). */
  public static Dataset<Row> shapleyCredit(SparkSession spark, List<ShapleyGame.ChannelCredit> credits) {
    List<Row> rows = new ArrayList<>();
    for (ShapleyGame.ChannelCredit c : credits) {
      rows.add(RowFactory.create("shapley", c.channel(), null,
          c.conversions().setScale(18, RoundingMode.HALF_UP),
          c.revenue().setScale(15, RoundingMode.HALF_UP),
          null,
          c.shapleyValue().setScale(18, RoundingMode.HALF_UP)));
    }
    return spark.createDataFrame(rows, CREDIT);
  }

  /** The bootstrap intervals as rows (schema {@link #INTERVALS}). */
  public static Dataset<Row> intervals(SparkSession spark, List<AttributionBootstrap.Interval> intervals) {
    List<Row> rows = new ArrayList<>();
    for (AttributionBootstrap.Interval i : intervals) {
      rows.add(RowFactory.create(i.model(), i.channel(), i.campaignId(),
          BigDecimal.valueOf(i.low()).setScale(18, RoundingMode.HALF_UP),
          BigDecimal.valueOf(i.high()).setScale(18, RoundingMode.HALF_UP)));
    }
    return spark.createDataFrame(rows, INTERVALS);
  }

  /** Spend per channel and campaign: the cost of the marketing touches in the window. */
  public static Dataset<Row> touchCostSpend(Dataset<Row> touchpoints, Window window) {
    return run("spend_touch_cost.sql", Map.of("touchpoints", touchpoints), Map.of("window_start", window.start(),
        "window_start_date", window.firstDate(), "run_end", window.end()));
  }

  /** Spend per channel and campaign: campaign spend spread over its days, the days of the window counted. */
  public static Dataset<Row> campaignSpend(Dataset<Row> campaigns, Window window) {
    return run("spend_campaign.sql", Map.of("campaigns", campaigns),
        Map.of("window_start_date", window.firstDate(), "run_date", window.lastDate()));
  }

  /** The attribution rows: credit of every model with its interval, next to the spend of its channel or campaign. */
  public static Dataset<Row> attribution(Dataset<Row> credit, Dataset<Row> intervals, Dataset<Row> spend,
      LocalDate snapshotDate, String runId) {
    return run("attribution.sql", Map.of("credit", credit, "intervals", intervals, "spend", spend),
        Map.of("snapshot_date", snapshotDate, "run_id", runId));
  }

  /** Conversions with at least one touch, and their revenue: what every model must add up to. */
  public static Dataset<Row> convertedTotals(Dataset<Row> pathTouches) {
    return run("converted_totals.sql", Map.of("path_touches", pathTouches), Map.of());
  }

  /** Per model, the channel-level conversions and revenue as written. */
  public static Dataset<Row> modelTotals(Dataset<Row> attribution) {
    return run("model_totals.sql", Map.of("attribution", attribution), Map.of());
  }

  /** Converts the collected markov_transitions rows into the chain's transitions. */
  public static List<MarkovChain.Transition> transitions(List<Row> rows) {
    List<MarkovChain.Transition> transitions = new ArrayList<>();
    for (Row row : rows) {
      transitions.add(new MarkovChain.Transition(
          row.getAs("from_state"), row.getAs("to_state"), row.<Long>getAs("transitions")));
    }
    return transitions;
  }

  static BigDecimal decimalOrZero(Row row, String column) {
    BigDecimal value = row.getAs(column);
    return value == null ? BigDecimal.ZERO : value;
  }

  private static Dataset<Row> run(String file, Map<String, Dataset<Row>> inputs, Map<String, Object> params) {
    return SqlFiles.run(inputs.values().iterator().next().sparkSession(), "attribution/" + file, inputs, params);
  }
}
