package com.journeyanalytics.jobs.touchpoints;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.journeyanalytics.common.config.QualitySettings;
import com.journeyanalytics.common.delta.TableStore;
import com.journeyanalytics.common.delta.TableStore.WriteResult;
import com.journeyanalytics.common.quality.QualityCheck;
import com.journeyanalytics.common.quality.QualityCheck.Status;
import com.journeyanalytics.common.schema.Silver;
import com.journeyanalytics.common.schema.Touchpoints;
import com.journeyanalytics.common.transforms.StageAssignment;
import com.journeyanalytics.common.transforms.Timeline;
import com.journeyanalytics.jobs.journeys.PayingIntervals;
import com.journeyanalytics.jobs.pipeline.RunContext;
import com.journeyanalytics.jobs.pipeline.RunMode;
import com.journeyanalytics.jobs.pipeline.Step;
import com.journeyanalytics.jobs.pipeline.StepResult;
import com.journeyanalytics.jobs.sql.SqlFiles;
import java.sql.Timestamp;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * Builds the unified touchpoint table from the silver tables: every activity, resolved to its
 * journey subject, staged and sequenced. A full refresh writes it whole; a nightly run recomputes
 * the customers the night changed (ChangedCustomers), or every customer when it cannot tell or the
 * table is small (journey.touchpoints.find-changed-customers-above), and merges them into the
 * table, so an identity link that appears today re-assigns a visitor's earlier touchpoints
 * (back-stitching) the same night, while unchanged rows and files stay as they were.
 */
public final class TouchpointStep implements Step {

  @Override
  public String name() {
    return "touchpoints";
  }

  @Override
  public StepResult run(RunContext ctx) {
    SparkSession spark = ctx.spark();
    TableStore staging = ctx.staging();
    // Each cleaned table read once, then passed to every file that reads it.
    Map<String, Dataset<Row>> sources = ActivitySources.read(staging);
    // Small (one row per email and linked visitor) and read several times: cached once.
    Dataset<Row> identityMap = identityMap(staging.readOrEmpty(Silver.CONTACTS), sources.get(Silver.TOUCHES.name()))
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Optional<Dataset<Row>> changedCustomers =
          ChangedCustomers.since(ctx, identityMap, sources.get(Silver.ACCOUNTS.name()));
      WriteResult written = write(ctx, resolved(ctx, sources, identityMap, changedCustomers), changedCustomers);
      List<QualityCheck> checks = identityChecks(ctx, sources.get(Silver.ACCOUNTS.name()), ctx.config().quality());
      checks.add(identityConflicts(SqlFiles.run(spark, "touchpoints/identity_conflicts.sql",
          Map.of("identity_map", identityMap), Map.of()).first().getLong(0)));
      return StepResult.of(List.of(written), checks);
    } finally {
      identityMap.unpersist();
    }
  }

  /** identity_map.sql over the cleaned contacts and touches: one row per email and per linked visitor. */
  static Dataset<Row> identityMap(Dataset<Row> contacts, Dataset<Row> touches) {
    return SqlFiles.run(contacts.sparkSession(), "touchpoints/identity_map.sql",
        Map.of("contacts", contacts, "touches", touches), Map.of());
  }

  /**
   * Every activity of the cleaned {@code sources} resolved to its subject; given {@code customers},
   * exactly those subjects' activities. These are built from the rows carrying one of the
   * customers' identifiers only (ActivitySources: most of a night's rows are left out before any
   * activity is built); the few such rows that resolve to another subject are dropped after.
   */
  static Dataset<Row> resolved(RunContext ctx, Map<String, Dataset<Row>> sources, Dataset<Row> identityMap,
      Optional<Dataset<Row>> customers) {
    // Ingest quarantines instants later than this, so every milestone stored is considered.
    Timestamp latestAccepted = Timestamp.from(ctx.runDate().plusDays(1L + ctx.config().futureToleranceDays())
        .atStartOfDay(ZoneOffset.UTC).toInstant());
    Map<String, Dataset<Row>> activityInputs = new HashMap<>(customers
        .map(theirs -> ActivitySources.carrying(sources, ActivitySources.identifiersOf(theirs, identityMap)))
        .orElse(sources));
    activityInputs.put("account_milestone_roles", PayingIntervals.milestoneRoles(
        activityInputs.remove(Silver.ACCOUNT_MILESTONES.name()), latestAccepted));
    Map<String, Dataset<Row>> identityInputs = new HashMap<>(lookups(identityMap));
    identityInputs.put("activities", SqlFiles.run(ctx.spark(), "touchpoints/activities.sql", activityInputs, Map.of()));
    Dataset<Row> resolved = SqlFiles.run(ctx.spark(), "touchpoints/identity.sql", identityInputs, Map.of());
    return customers.map(theirs -> resolved.join(broadcast(theirs),
        resolved.col("customer_key").equalTo(theirs.col("customer_key")), "left_semi")).orElse(resolved);
  }

  /**
   * A full refresh rewrites the table. A nightly run that knows the customers the night changed
   * (ChangedCustomers) replaces only theirs, {@code resolved} holding exactly their activities;
   * when it cannot tell which, it recomputes every customer and merges. Both merges write only the
   * rows that changed (deletion vectors).
   */
  private static WriteResult write(RunContext ctx, Dataset<Row> resolved, Optional<Dataset<Row>> changedCustomers) {
    Dataset<Row> touchpoints = touchpoints(ctx, resolved);
    if (changedCustomers.isEmpty()) {
      return ctx.mode() == RunMode.FULL_REFRESH
          ? ctx.tables().replace(Touchpoints.SPEC, touchpoints)
          : ctx.tables().sync(Touchpoints.SPEC, touchpoints);
    }
    Dataset<Row> customers = changedCustomers.get();
    return ctx.tables().syncWithin(Touchpoints.SPEC, touchpoints, "customer_key", customers,
        INCREMENTAL_NOTE + customers.count() + " customers");
  }

  /** The start of the touchpoints commit's userMetadata when a nightly run recomputed only some customers. */
  public static final String INCREMENTAL_NOTE = "recomputed the touchpoints of ";

  private static Dataset<Row> touchpoints(RunContext ctx, Dataset<Row> resolved) {
    return Timeline.withSequence(StageAssignment.withStage(resolved, ctx.config().stages()))
        .withColumn(TableStore.RUN_ID, lit(ctx.runId()));
  }

  /**
   * identity_map.sql's rows as the two lookups that resolve an identifier (identity.sql,
   * changed_customers.sql): email_accounts (email_sha256, account_id) and anonymous_people
   * (anonymous_id, email_sha256 of its person), each one row per identifier.
   */
  static Map<String, Dataset<Row>> lookups(Dataset<Row> identityMap) {
    return Map.of(
        "email_accounts", identityMap.where(col("identifier_kind").equalTo("email"))
            .select(col("identifier").as("email_sha256"), col("account_id")),
        "anonymous_people", identityMap.where(col("identifier_kind").equalTo("anonymous"))
            .select(col("identifier").as("anonymous_id"), col("email_sha256")));
  }

  /** Rule 5 of the identity rules: a visitor linked to emails of two or more accounts is worth a look, not a failure. */
  private static QualityCheck identityConflicts(long conflicts) {
    return new QualityCheck("touchpoints", "identity_conflicts", conflicts > 0 ? Status.WARN : Status.PASS,
        (double) conflicts, 0.0, conflicts + " anonymous ids linked to emails of two or more accounts;"
            + " each belongs to the account of its latest such link");
  }

  /** Identity match rate per source and orphan rate per dataset, from the table just written. */
  private static List<QualityCheck> identityChecks(RunContext ctx, Dataset<Row> accounts, QualitySettings q) {
    List<Row> rows = SqlFiles.run(ctx.spark(), "touchpoints/identity_quality.sql",
        Map.of("silver_accounts", accounts, "touchpoints", ctx.tables().read(Touchpoints.SPEC.name())),
        Map.of()).collectAsList();
    List<QualityCheck> checks = new ArrayList<>();
    Map<String, long[]> bySource = new java.util.TreeMap<>();
    for (Row r : rows) {
      String source = r.getString(0);
      String dataset = r.getString(1);
      long total = r.getLong(2);
      long matched = r.getLong(3);
      long withAccount = r.getLong(4);
      long orphans = r.getLong(5);
      long[] sums = bySource.computeIfAbsent(source, s -> new long[2]);
      sums[0] += total;
      sums[1] += matched;
      if (withAccount > 0) {
        checks.add(orphanRate(dataset, orphans, withAccount, q));
      }
    }
    bySource.forEach((source, sums) -> checks.add(matchRate(source, sums[1], sums[0], q)));
    return checks;
  }

  private static QualityCheck matchRate(String source, long matched, long total, QualitySettings q) {
    double rate = total == 0 ? 100.0 : Math.round(matched * 10000.0 / total) / 100.0;
    String what = String.format("%d of %d %s touchpoints resolved to an account (%.2f%%)", matched, total, source, rate);
    if (total < q.minRows()) {
      return QualityCheck.skipped(source, "identity_match_rate", rate, q.identityMatchWarnBelowPercent(),
          "skipped: " + total + " touchpoints, fewer than the minimum of " + q.minRows() + "; " + what);
    }
    return new QualityCheck(source, "identity_match_rate",
        rate < q.identityMatchWarnBelowPercent() ? Status.WARN : Status.PASS, rate, q.identityMatchWarnBelowPercent(), what);
  }

  private static QualityCheck orphanRate(String dataset, long orphans, long withAccount, QualitySettings q) {
    double rate = Math.round(orphans * 10000.0 / withAccount) / 100.0;
    String what = String.format("%d of %d rows name an account_id unknown to crm/accounts (%.2f%%)", orphans, withAccount, rate);
    if (withAccount < q.minRows()) {
      return QualityCheck.skipped(dataset, "orphan_rate", rate, q.orphanFailPercent(),
          "skipped: " + withAccount + " rows, fewer than the minimum of " + q.minRows() + "; " + what);
    }
    Status status = rate > q.orphanFailPercent() ? Status.FAIL : rate > q.orphanWarnPercent() ? Status.WARN : Status.PASS;
    return new QualityCheck(dataset, "orphan_rate", status, rate,
        status == Status.PASS ? q.orphanWarnPercent() : q.orphanFailPercent(), what);
  }
}
