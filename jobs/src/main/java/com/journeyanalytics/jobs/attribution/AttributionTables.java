package com.journeyanalytics.jobs.attribution;

import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;

import com.journeyanalytics.common.schema.TableSpec;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/** The three tables the attribution step writes. */
public final class AttributionTables {

  private AttributionTables() {}

  static final DataType CONVERSIONS = DataTypes.createDecimalType(18, 6);
  static final DataType MONEY = DataTypes.createDecimalType(20, 4);
  static final DataType SHARE = DataTypes.createDecimalType(12, 10);

  public static final TableSpec CHANNEL_PATHS = TableSpec.table(
          "channel_paths",
          "Marketing channel paths of converted and unconverted subjects: for a converted account the"
              + " touches in the lookback window before its conversion, for anyone else the lookback"
              + " before the run date. Subjects without a marketing touch in their window have no path.")
      .column("snapshot_date", DateType, "Run date the paths were computed for")
      .column("channel_path", StringType, "Channels of the marketing touches in time order, ' > ' separated")
      .column("conversions", LongType, "Converted accounts whose path this is")
      .column("non_conversions", LongType, "Subjects (accounts, prospects, anonymous) on this path that have not converted")
      .column("conversion_revenue", MONEY, "Revenue of the conversions on this path (paid invoices in the revenue window), reporting currency")
      .column("run_id", StringType, "Run that last wrote this row")
      .key("channel_path")
      .build();

  public static final TableSpec ATTRIBUTION = TableSpec.table(
          "attribution",
          "Conversions and revenue credited to marketing channels (campaign_id null) and campaigns by seven"
              + " models, with a bootstrap interval of the conversions, spend, ROAS and cost per conversion. Per"
              + " model the channel rows add up to the conversions that had at least one marketing touch.")
      .column("snapshot_date", DateType, "Run date: conversions and spend of the attribution window ending with this day")
      .column("model", StringType, "first_touch | last_touch | linear | time_decay | position_based | markov | shapley")
      .column("channel", StringType, "Marketing channel")
      .column("campaign_id", StringType, "Campaign for campaign-level rows (rule-based models only); null on channel-level rows")
      .column("conversions", CONVERSIONS, "Conversions credited (fractional)")
      .column("conversions_ci_low", CONVERSIONS, "Lower bound of the conversions' bootstrap percentile interval"
          + " (journey.attribution.bootstrap: default 90% from 200 resamples of the subjects, fixed seed)")
      .column("conversions_ci_high", CONVERSIONS, "Upper bound of the conversions' bootstrap percentile interval")
      .column("revenue", MONEY, "Revenue credited, reporting currency")
      .column("spend", MONEY, "Spend of the channel or campaign in the attribution window, as its conversions (source: journey.attribution.spend-source)")
      .column("roas", MONEY, "Return on ad spend: revenue / spend; null when spend is 0")
      .column("cost_per_conversion", MONEY, "spend / conversions; null when conversions is 0")
      .column("removal_effect", SHARE, "markov only: share of conversion probability lost when the channel is removed")
      .column("shapley_value", SHARE, "shapley only: the channel's Shapley value in the game of channel-set conversion"
          + " rates (may be negative; conversions are split by the positive values)")
      .column("run_id", StringType, "Run that last wrote this row")
      .key("model", "channel", "campaign_id")
      .build();

  public static final TableSpec MARKOV_TRANSITIONS = TableSpec.table(
          "markov_transitions",
          "Transitions of the Markov attribution chain over all channel paths: (start) -> channel states ->"
              + " (conversion) or (null), with counts and probabilities.")
      .column("snapshot_date", DateType, "Run date the chain was built for")
      .column("order", IntegerType, "Markov order: a state is the sequence of the last `order` channels")
      .column("from_state", StringType, "(start) or a channel state (channels ' > ' separated for order > 1)")
      .column("to_state", StringType, "A channel state, (conversion) or (null)")
      .column("transitions", LongType, "How many times a path went from from_state to to_state")
      .column("probability", SHARE, "transitions / all transitions out of from_state")
      .column("run_id", StringType, "Run that last wrote this row")
      .key("from_state", "to_state")
      .build();
}
