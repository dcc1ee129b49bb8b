package com.journeyanalytics.jobs.journeys;

import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;

import com.journeyanalytics.common.schema.TableSpec;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/** The tables the journey step writes (see the output contract). */
public final class JourneyTables {

  private JourneyTables() {}

  static final DataType RATE = DataTypes.createDecimalType(12, 4);
  static final DataType DURATION = DataTypes.createDecimalType(14, 4);
  static final DataType MONEY = DataTypes.createDecimalType(20, 4);
  private static final String RUN_ID = "Run that last wrote this row";
  private static final String SNAPSHOT = "Run date the numbers were computed for";
  private static final String DIMENSION = "Breakdown: all, segment, plan, region, industry or acquisition_channel";
  private static final String DIMENSION_VALUE = "Value of the breakdown (all for dimension all; unknown for subjects without an account value)";

  public static final TableSpec CUSTOMER_JOURNEYS = TableSpec.table("customer_journeys",
          "One row per journey subject (account, prospect or anonymous visitor): touch summary, lifecycle stage"
              + " path and outcome, recomputed from all touchpoints on every run.")
      .column("customer_key", StringType, "Journey subject: account_id, email:<sha256> or anon:<id>")
      .column("customer_kind", StringType, "account | prospect | anonymous")
      .column("account_id", StringType, "CRM account id when the subject is an account")
      .column("segment", StringType, "Account segment (CRM)")
      .column("plan", StringType, "Account plan (CRM)")
      .column("region", StringType, "Account region (CRM)")
      .column("industry", StringType, "Account industry (CRM)")
      .column("acquisition_channel", StringType, "Channel the account came from (CRM)")
      .column("first_touch_at", TimestampType, "First touchpoint (UTC)")
      .column("first_touch_channel", StringType, "Channel of the first touchpoint")
      .column("last_touch_at", TimestampType, "Latest touchpoint (UTC)")
      .column("touchpoints", LongType, "Number of touchpoints")
      .column("current_stage", StringType, "Lifecycle stage after the latest touchpoint (null: no stage entered yet)")
      .column("current_stage_entered_at", TimestampType, "When the current stay in current_stage began")
      .column("stage_path", DataTypes.createArrayType(StringType), "Entered stages in order (a reactivation repeats purchase)")
      .column("stage_path_text", StringType, "stage_path joined with ' > ' (null when no stage was entered)")
      .column("converted_at", TimestampType, "The account's first conversion: the start of its first paying interval")
      .column("days_to_convert", DURATION, "Days from first_touch_at to converted_at")
      .column("is_converted", BooleanType, "converted_at is known (the account has paid at some point)")
      .column("churned_at", TimestampType,
          "End of the account's latest paying interval while it is not paying; null while it is paying (or never paid)")
      .column("is_churned", BooleanType, "churned_at is known: the account paid, and is not paying at the end of the run date")
      .column("lifetime_revenue", MONEY, "Sum of revenue_impact of the subject's touchpoints (paid invoices), reporting currency")
      .column("tickets", LongType, "Support tickets opened")
      .column("last_nps_score", IntegerType, "Score of the latest nps_response")
      .column("reactivations", IntegerType, "Comebacks: paying intervals that started after an earlier one ended (0 for none)")
      .column("run_id", StringType, RUN_ID)
      .key("customer_key")
      .build();

  public static final TableSpec STAGE_HISTORY = TableSpec.table("stage_history",
          "Lifecycle stage stays (SCD type 2): one row per stay of a subject in a stage, entered by the touchpoint"
              + " that moved the subject into it and ended by the next stay.")
      .column("customer_key", StringType, "Journey subject")
      .column("stage", StringType, "Lifecycle stage")
      .column("stage_order", IntegerType, "Position of the stage in the configured order (1-based)")
      .column("stay_number", IntegerType, "1 for the subject's first stay, 2 for the next, ...")
      .column("entered_at", TimestampType, "When the touchpoint that entered the stage happened (UTC)")
      .column("exited_at", TimestampType, "When the next stay began (null while current)")
      .column("days_in_stage", DURATION, "Days from entered_at to exited_at; for the current stay, to the end of the run date")
      .column("is_current", BooleanType, "This is the subject's current stay")
      .column("next_stage", StringType, "Stage of the next stay (null while current)")
      .column("run_id", StringType, RUN_ID)
      .key("customer_key", "stay_number")
      .build();

  public static final TableSpec STAGE_METRICS = TableSpec.table("stage_metrics",
          "Lifecycle stage funnel per breakdown, over subjects that entered any stage: how many reached each stage"
              + " (entered it or a later one, churned excluded), how many are in it now, conversion to the next"
              + " stage and time spent in it.")
      .column("snapshot_date", DateType, SNAPSHOT)
      .column("dimension", StringType, DIMENSION)
      .column("dimension_value", StringType, DIMENSION_VALUE)
      .column("stage", StringType, "Lifecycle stage")
      .column("stage_order", IntegerType, "Position of the stage in the configured order")
      .column("customers_reached", LongType, "Subjects that entered this stage or a later one (churned: that entered churned)")
      .column("customers_current", LongType, "Subjects currently in this stage")
      .column("conversion_to_next_rate", RATE, "customers_reached of the next stage / of this stage x 100 (null: no next stage or none reached)")
      .column("drop_off_rate", RATE, "100 - conversion_to_next_rate")
      .column("median_days_in_stage", DURATION, "Median days of completed stays in this stage")
      .column("p90_days_in_stage", DURATION, "90th percentile days of completed stays in this stage")
      .column("run_id", StringType, RUN_ID)
      .key("snapshot_date", "dimension", "dimension_value", "stage")
      .build();

  public static final TableSpec STAGE_TRANSITIONS = TableSpec.table("stage_transitions",
          "Moves between lifecycle stages (Sankey input): each stay counted from the stage before it, (start) for a"
              + " subject's first stage.")
      .column("snapshot_date", DateType, SNAPSHOT)
      .column("from_stage", StringType, "Stage left, (start) for the first entered stage")
      .column("to_stage", StringType, "Stage entered")
      .column("customers", LongType, "Subjects that made this move at least once")
      .column("transitions", LongType, "Number of moves (a subject may repeat one after a reactivation)")
      .column("median_hours", DURATION, "Median hours spent in from_stage before the move (from the first touchpoint for (start))")
      .column("p90_hours", DURATION, "90th percentile of those hours")
      .column("run_id", StringType, RUN_ID)
      .key("snapshot_date", "from_stage", "to_stage")
      .build();

  public static final TableSpec JOURNEY_PATHS = TableSpec.table("journey_paths",
          "Most common lifecycle stage paths. Subject set: every customer_journeys row with a non-empty stage path"
              + " (accounts, prospects and anonymous visitors); the top N paths plus one (other) row sum to it.")
      .column("snapshot_date", DateType, SNAPSHOT)
      .column("path", StringType, "Stage path text, e.g. awareness > evaluation > purchase, or (other)")
      .column("path_length", IntegerType, "Number of stays in the path (null for (other))")
      .column("customers", LongType, "Subjects with this path")
      .column("share_of_customers", RATE, "customers / all subjects with a path x 100")
      .column("converted_customers", LongType, "Of them, converted accounts")
      .column("conversion_rate", RATE, "converted_customers / customers x 100")
      .column("median_days_to_convert", DURATION, "Median days_to_convert of the converted ones")
      .column("rank", IntegerType, "1 = most subjects (ties by path text); N + 1 for (other)")
      .column("run_id", StringType, RUN_ID)
      .key("snapshot_date", "path")
      .build();

  public static final TableSpec ACTIVITY_PATHS = TableSpec.table("activity_paths",
          "Most common activity paths: each subject's first activities from its first touchpoint (journeys.paths:"
              + " ignored activities left out, then consecutive repeats collapsed, then the first N kept). Subject set:"
              + " every customer_journeys row; the top N paths plus one (other) row sum to it.")
      .column("snapshot_date", DateType, SNAPSHOT)
      .column("path", StringType, "Activities joined with ' > ', e.g. web_visit > signup > login; (only ignored"
          + " activities) for a subject with nothing else; (other)")
      .column("path_length", IntegerType, "Number of activities in the path (0 for (only ignored activities), null for (other))")
      .column("customers", LongType, "Subjects with this path")
      .column("share_of_customers", RATE, "customers / all subjects x 100")
      .column("converted_customers", LongType, "Of them, converted accounts")
      .column("conversion_rate", RATE, "converted_customers / customers x 100")
      .column("median_days_to_convert", DURATION, "Median days_to_convert of the converted ones")
      .column("rank", IntegerType, "1 = most subjects (ties by path text); N + 1 for (other)")
      .column("run_id", StringType, RUN_ID)
      .key("snapshot_date", "path")
      .build();

  public static final TableSpec FUNNEL_STEPS = TableSpec.table("funnel_steps",
          "Configured funnels (journey.journeys.funnels) per breakdown: subjects reaching each step inside the"
              + " conversion window, entering at their first step-1 touchpoint; subjects doing an exclusion activity"
              + " before their last reached step are left out.")
      .column("snapshot_date", DateType, SNAPSHOT)
      .column("funnel", StringType, "Funnel name")
      .column("dimension", StringType, DIMENSION)
      .column("dimension_value", StringType, DIMENSION_VALUE)
      .column("step", IntegerType, "Step number (1-based)")
      .column("step_name", StringType, "Step name (the activity unless configured)")
      .column("customers", LongType, "Subjects that reached this step")
      .column("conversion_from_start", RATE, "customers / customers of step 1 x 100")
      .column("conversion_from_previous", RATE, "customers / customers of the previous step x 100 (null for step 1)")
      .column("median_hours_from_previous", DURATION, "Median hours from reaching the previous step to reaching this one")
      .column("run_id", StringType, RUN_ID)
      .key("snapshot_date", "funnel", "dimension", "dimension_value", "step")
      .build();

  public static final TableSpec RETENTION_COHORTS = TableSpec.table("retention_cohorts",
          "Paying-account retention by first-conversion month: for each month since the first conversion up to the"
              + " run date's month, how many accounts were paying at its end and how many used the product in it.")
      .column("cohort_month", DateType, "First day of the month of the accounts' first conversion")
      .column("months_since", IntegerType, "Months after the cohort month (0 = the cohort month)")
      .column("cohort_size", LongType, "Accounts first converted in cohort_month")
      .column("retained_customers", LongType, "Of them, paying at the end of that month (a comeback is paying again)")
      .column("retention_rate", RATE, "retained_customers / cohort_size x 100")
      .column("active_customers", LongType, "Of them, with any usage event in that month")
      .column("active_rate", RATE, "active_customers / cohort_size x 100")
      .column("run_id", StringType, RUN_ID)
      .key("cohort_month", "months_since")
      .build();

  public static final TableSpec LIFECYCLE_MONTHLY = TableSpec.table("lifecycle_monthly",
          "Usage activity lifecycle of accounts per month up to the run date's month: new (first active month),"
              + " returning (active this and last month), resurrecting (active now, not last month, but before),"
              + " dormant (active last month, not this one; stored positive).")
      .column("month", DateType, "First day of the month")
      .column("status", StringType, "new | returning | resurrecting | dormant")
      .column("accounts", LongType, "Accounts in that status")
      .column("run_id", StringType, RUN_ID)
      .key("month", "status")
      .build();

  public static final TableSpec CONVERSION_DRIVERS = TableSpec.table("conversion_drivers",
          "What converters did (or were) that others did not: per activity and attribute value held by at least"
              + " journey.journeys.drivers.min-subjects identified subjects (accounts and prospects), conversion with"
              + " and without it, the odds ratio with its 95% interval, and the Fisher exact test. Associations, not"
              + " causes.")
      .column("snapshot_date", DateType, SNAPSHOT)
      .column("factor_kind", StringType, "activity | attribute")
      .column("factor", StringType, "An activity, or dimension=value for segment, plan, region, industry,"
          + " acquisition_channel, first_touch_channel (unknown for a missing value)")
      .column("subjects_with", LongType, "Identified subjects holding the factor: a converted one did the activity before"
          + " its first conversion, any other at any time")
      .column("converted_with", LongType, "Of them, converted (a first conversion up to the run date)")
      .column("subjects_without", LongType, "Identified subjects not holding the factor")
      .column("converted_without", LongType, "Of them, converted")
      .column("conversion_rate_with", RATE, "converted_with / subjects_with x 100")
      .column("conversion_rate_without", RATE, "converted_without / subjects_without x 100 (null when no subject is without)")
      .column("odds_ratio", DoubleType, "Odds of converting with the factor / without, 0.5 added to each of the four"
          + " counts (Haldane-Anscombe); above 1: converters hold the factor more often")
      .column("ci_low", DoubleType, "Lower end of the odds ratio's 95% interval (Woolf, on the same counts)")
      .column("ci_high", DoubleType, "Upper end of the odds ratio's 95% interval")
      .column("p_value", DoubleType, "Two-sided Fisher exact test of factor vs conversion on the plain counts")
      .column("q_value", DoubleType, "p_value adjusted by Benjamini-Hochberg over all factors of the run (false"
          + " discovery rate)")
      .column("run_id", StringType, RUN_ID)
      .key("snapshot_date", "factor_kind", "factor")
      .build();
}
