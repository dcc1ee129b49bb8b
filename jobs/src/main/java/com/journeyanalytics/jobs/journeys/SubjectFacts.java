package com.journeyanalytics.jobs.journeys;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;

import com.journeyanalytics.common.config.JourneySettings;
import com.journeyanalytics.common.config.JourneySettings.Funnel;
import com.journeyanalytics.common.delta.TableStore;
import com.journeyanalytics.common.delta.TableStore.WriteResult;
import com.journeyanalytics.common.schema.TableSpec;
import com.journeyanalytics.common.schema.Touchpoints;
import com.journeyanalytics.jobs.pipeline.RunContext;
import com.journeyanalytics.jobs.pipeline.RunHistory;
import com.journeyanalytics.jobs.pipeline.RunHistory.PublishedRun;
import com.journeyanalytics.jobs.pipeline.RunMode;
import com.journeyanalytics.jobs.sql.SqlFiles;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-subject facts (a staging table, one row per customer_key): what the journey tables need from
 * a subject's touchpoints, none of it depending on the run date, so the journey tables are computed
 * from one row per subject instead of from every touchpoint. A nightly run recomputes the rows of
 * the subjects whose touchpoints changed since the last published run (the touchpoints table's
 * change data feed) and keeps the others; when it cannot tell which, it recomputes every subject.
 */
public final class SubjectFacts {

  private static final Logger LOG = LoggerFactory.getLogger(SubjectFacts.class);

  private static final StructType STAY = new StructType()
      .add("stay_number", IntegerType).add("stage", StringType).add("stage_order", IntegerType)
      .add("entered_at", TimestampType).add("exited_at", TimestampType).add("next_stage", StringType);
  private static final StructType FUNNEL = new StructType()
      .add("funnel", StringType).add("reached_steps", IntegerType)
      .add("step_reached_at", DataTypes.createArrayType(TimestampType)).add("is_excluded", BooleanType);
  private static final StructType USAGE_MONTH = new StructType().add("month", DateType).add("first_on", DateType);
  private static final StructType ACTIVITY = new StructType().add("activity", StringType).add("first_at", TimestampType);

  public static final TableSpec SPEC = TableSpec.table("subject_facts",
          "One row per journey subject: what the journey tables need from its touchpoints (nothing that depends"
              + " on the run date). Internal: nightly runs recompute the rows of the subjects whose touchpoints changed.")
      // The touch summary, as customer_journeys shows it.
      .columnsOf(JourneyTables.CUSTOMER_JOURNEYS, "customer_key", "customer_kind", "account_id", "first_touch_at",
          "first_touch_channel", "last_touch_at", "touchpoints", "current_stage", "lifetime_revenue", "tickets",
          "last_nps_score")
      .column("stays", DataTypes.createArrayType(STAY), "Stage stays in order (stage_history without the run date's measures)")
      .column("activity_path", StringType, "Activity path (null when every activity is ignored)")
      .column("activity_path_length", IntegerType, "Steps of activity_path")
      .column("funnels", DataTypes.createArrayType(FUNNEL), "Each configured funnel the subject entered, as walked")
      .column("usage_months", DataTypes.createArrayType(USAGE_MONTH), "Months with usage and the first usage date in each")
      .column("activities", DataTypes.createArrayType(ACTIVITY), "Each activity done and its first time")
      .columnsOf(JourneyTables.CUSTOMER_JOURNEYS, "run_id")
      .key("customer_key")
      .build();

  /** The start of the subject_facts commit's userMetadata when a nightly run recomputed only some subjects. */
  public static final String INCREMENTAL_NOTE = "recomputed the facts of ";

  private SubjectFacts() {}

  /**
   * The facts of the subjects of {@code timeline} (JourneyStep.timeline), one row each, with the
   * configured funnels walked and activity paths taken.
   */
  static Dataset<Row> of(Dataset<Row> timeline, List<Funnel> funnels, JourneySettings.ActivityPaths paths) {
    Dataset<Row> funnelCustomers = SqlFiles.run(timeline.sparkSession(), "journeys/funnel_customers.sql",
        Map.of("funnel_touches", Funnels.funnelTouches(timeline, funnels),
            "funnels", Funnels.definitions(timeline.sparkSession(), funnels)), Map.of());
    return SqlFiles.run(timeline.sparkSession(), "journeys/subject_facts.sql",
        Map.of("timeline", timeline, "funnel_customers", funnelCustomers),
        Map.of("path_length", paths.length(), "ignore_activities", paths.ignoreActivities().toArray(new String[0])));
  }

  /**
   * Brings the staging table up to the touchpoints table: a full refresh rewrites it, a nightly run
   * recomputes the subjects whose touchpoints changed (or every subject when it cannot tell which)
   * and merges only the rows that differ.
   */
  static WriteResult write(RunContext ctx, Dataset<Row> touchpoints) {
    JourneySettings settings = ctx.config().journeys();
    TableStore staging = ctx.staging();
    Optional<Dataset<Row>> changed = changedSince(ctx);
    Dataset<Row> theirs = changed.map(subjects -> touchpoints.join(broadcast(subjects),
        touchpoints.col("customer_key").equalTo(subjects.col("customer_key")), "left_semi")).orElse(touchpoints);
    // Read by every aggregate of subject_facts.sql and by the funnel walk: shuffled and sorted once,
    // here, before those branches start (run together, each would scan the touchpoints itself).
    Dataset<Row> timeline = JourneyStep.timeline(theirs).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      timeline.count();
      Dataset<Row> facts = of(timeline, settings.funnels(), settings.activityPaths())
          .withColumn(TableStore.RUN_ID, lit(ctx.runId()));
      if (changed.isPresent()) {
        long subjects = changed.get().count();
        LOG.info("journeys: the touchpoints of {} subjects changed; only their facts are recomputed", subjects);
        return staging.syncWithin(SPEC, facts, "customer_key", changed.get(), INCREMENTAL_NOTE + subjects + " subjects");
      }
      return ctx.mode() == RunMode.FULL_REFRESH ? staging.replace(SPEC, facts) : staging.sync(SPEC, facts);
    } finally {
      timeline.unpersist();
    }
  }

  /**
   * The customer_key of every subject with a touchpoint inserted, updated or deleted since the last
   * published run (old and new image: a back-stitched touchpoint names both subjects), checkpointed;
   * nothing when every subject has to be recomputed: not a nightly run, no earlier run published,
   * the configuration or the job's version changed since, a commit since changed rows of this table
   * (maintenance's compaction does not), or the touchpoints' changes cannot be read (recorded before
   * their change data feed was on, or vacuumed).
   */
  static Optional<Dataset<Row>> changedSince(RunContext ctx) {
    if (ctx.mode() != RunMode.NIGHTLY) {
      return Optional.empty();
    }
    Optional<PublishedRun> published = RunHistory.publishedBefore(ctx.tables(), ctx.runDate());
    String reason = published.isEmpty() ? "no earlier run was published" : stale(ctx, published.get());
    if (reason != null) {
      LOG.info("journeys: the facts of every subject are recomputed: {}", reason);
      return Optional.empty();
    }
    long before = published.get().tableVersions().get(Touchpoints.SPEC.name());
    try {
      Dataset<Row> subjects = ctx.tables().version(Touchpoints.SPEC.name()) == before
          ? ctx.spark().createDataFrame(List.of(), new StructType().add("customer_key", StringType))
          : ctx.tables().changesAfter(Touchpoints.SPEC.name(), before).select("customer_key").distinct();
      return Optional.of(subjects.localCheckpoint());
    } catch (RuntimeException e) {
      LOG.warn("journeys: the facts of every subject are recomputed: the touchpoints' changes could not be read ({})",
          e.toString());
      return Optional.empty();
    }
  }

  /** Why the facts of the last published run cannot be carried over, or null when they can. */
  private static String stale(RunContext ctx, PublishedRun last) {
    return last.staleFor(ctx.config().configSha256())
        .or(() -> last.rowsMovedIn(ctx, ctx.staging(), SPEC.name()))
        .or(() -> last.tableVersions().containsKey(Touchpoints.SPEC.name()) ? Optional.empty()
            : Optional.of("run " + last.runId() + " recorded no touchpoints version"))
        .orElse(null);
  }
}
