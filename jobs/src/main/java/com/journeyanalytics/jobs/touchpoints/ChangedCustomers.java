package com.journeyanalytics.jobs.touchpoints;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.journeyanalytics.common.delta.TableStore;
import com.journeyanalytics.common.schema.Silver;
import com.journeyanalytics.common.schema.TableSpec;
import com.journeyanalytics.common.schema.Touchpoints;
import com.journeyanalytics.jobs.pipeline.RunContext;
import com.journeyanalytics.jobs.pipeline.RunHistory;
import com.journeyanalytics.jobs.pipeline.RunHistory.PublishedRun;
import com.journeyanalytics.jobs.pipeline.RunMode;
import com.journeyanalytics.jobs.sql.SqlFiles;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journey subjects (customer_key) whose touchpoints a nightly run may change, so that the night
 * recomputes only theirs. A subject's touchpoints depend only on the activities resolved to it, and
 * an activity's subject only on its own row and on the identity map's entries for its email and
 * anonymous id. So an activity can enter, leave or change a subject only if it carries an
 * identifier the night changed:
 * <ul>
 *   <li>the account_id, emails and anonymous_id of every row a run since the last published one
 *       merged into a cleaned incremental table, old and new image (Delta's change data feed),
 *       milestones included;</li>
 *   <li>the account_id of every accounts row whose columns the touchpoints read changed, against
 *       the snapshot the last published run read;</li>
 *   <li>every email and anonymous id whose identity-map entry changed: the map rebuilt from the
 *       contacts and touches the last published run read, against the map now.</li>
 * </ul>
 * The subjects are those identifiers resolve to under the map before and under the map now
 * (changed_customers.sql): computed from the identifiers and the two maps, without reading the
 * touchpoints or the activities. Nothing (recompute everyone) when the run is not a nightly run, no
 * earlier run was published, the configuration or the job's version changed since, a commit
 * since changed rows of the touchpoints table (maintenance's compaction does not), or a table's
 * changes cannot be read (recorded before its change data feed was on, or vacuumed).
 */
final class ChangedCustomers {

  private static final Logger LOG = LoggerFactory.getLogger(ChangedCustomers.class);

  /** The accounts columns activities.sql reads (converted_at and churned_at come as milestones). */
  private static final String[] ACCOUNT_COLUMNS = {"account_id", "created_at", "trial_started_at", "plan", "segment"};

  private ChangedCustomers() {}

  /** Why the night recomputes every customer. */
  private static final class RecomputeAll extends RuntimeException {
    RecomputeAll(String reason) {
      super(reason, null, false, false);
    }
  }

  /**
   * The customer_key of every subject the night may change (checkpointed), or nothing when the
   * night has to recompute every subject, or when the touchpoints table is too small for finding
   * them to pay (journey.touchpoints.find-changed-customers-above). {@code identityMap} is the
   * identity map now, {@code accountsNow} the cleaned accounts as the step read them.
   */
  static Optional<Dataset<Row>> since(RunContext ctx, Dataset<Row> identityMap, Dataset<Row> accountsNow) {
    if (ctx.mode() != RunMode.NIGHTLY) {
      return Optional.empty();
    }
    try {
      recomputeAllIfSmall(ctx.tables(), ctx.config().touchpoints().findChangedCustomersAboveBytes());
      PublishedRun last = RunHistory.publishedBefore(ctx.tables(), ctx.runDate())
          .orElseThrow(() -> new RecomputeAll("no earlier run was published"));
      // Another configuration or release may derive touchpoints differently: none of the last run's may stay.
      Optional<String> stale = last.staleFor(ctx.config().configSha256())
          .or(() -> last.rowsMovedIn(ctx, ctx.tables(), Touchpoints.SPEC.name()));
      if (stale.isPresent()) {
        throw new RecomputeAll(stale.get());
      }
      TableStore staging = ctx.staging();
      Dataset<Row> mapBefore = TouchpointStep.identityMap(tableBefore(staging, last, Silver.CONTACTS),
          tableBefore(staging, last, Silver.TOUCHES));
      // Checkpointed (eagerly, in the executors' memory): each keeps only its rows, not the plan that
      // made them, so the queries built on them stay small to analyse.
      Dataset<Row> identifiers = changedIdentifiers(staging, last, mapBefore, identityMap, accountsNow).localCheckpoint();
      Dataset<Row> customers = subjects(identifiers, mapBefore).union(subjects(identifiers, identityMap))
          .distinct()
          .localCheckpoint();
      LOG.info("touchpoints: the night changed identifiers of {} customers; only theirs are recomputed",
          customers.count());
      return Optional.of(customers);
    } catch (RecomputeAll e) {
      LOG.info("touchpoints: every customer is recomputed: {}", e.getMessage());
      return Optional.empty();
    } catch (RuntimeException e) {
      // E.g. a change not recorded (the change data feed turned on after it) or a version vacuumed.
      LOG.warn("touchpoints: every customer is recomputed: the night's changes could not be read ({})", e.toString());
      return Optional.empty();
    }
  }

  /** A table too small for finding the changed customers to pay: every customer is recomputed. */
  private static void recomputeAllIfSmall(TableStore tables, long findAboveBytes) {
    long bytes = tables.exists(Touchpoints.SPEC.name()) ? tables.sizeInBytes(Touchpoints.SPEC.name()) : 0;
    if (bytes <= findAboveBytes) {
      throw new RecomputeAll("the touchpoints table holds " + (bytes >> 10) + " KiB, not more than"
          + " journey.touchpoints.find-changed-customers-above (" + (findAboveBytes >> 10) + " KiB)");
    }
  }

  /** (kind, identifier): kind account_id, email_sha256 or anonymous_id; one of the night's changed identifiers. */
  private static Dataset<Row> changedIdentifiers(TableStore staging, PublishedRun last, Dataset<Row> mapBefore,
      Dataset<Row> identityMap, Dataset<Row> accountsNow) {
    List<Dataset<Row>> parts = new ArrayList<>();
    for (ActivitySources.Source merged : ActivitySources.ALL) {
      // Every source but the accounts snapshot is merged into by nightly runs; the snapshot is compared below.
      if (merged.spec().equals(Silver.ACCOUNTS)) {
        continue;
      }
      Optional<Long> before = versionRead(staging, last, merged.spec());
      if (before.isEmpty() || staging.version(merged.spec().name()) == before.get()) {
        continue;
      }
      Dataset<Row> changes = staging.changesAfter(merged.spec().name(), before.get());
      merged.columnsByKind().forEach((kind, columns) -> columns.forEach(c -> parts.add(identifiers(changes, kind, c))));
    }
    Dataset<Row> accountsBefore = tableBefore(staging, last, Silver.ACCOUNTS).selectExpr(ACCOUNT_COLUMNS);
    Dataset<Row> accounts = accountsNow.selectExpr(ACCOUNT_COLUMNS);
    parts.add(identifiers(accountsBefore.except(accounts).union(accounts.except(accountsBefore)),
        ActivitySources.ACCOUNT, "account_id"));

    // linked_accounts only counts conflicts for a check; it does not move a touchpoint.
    String[] entry = {"identifier_kind", "identifier", "account_id", "email_sha256"};
    Dataset<Row> movedEntries = mapBefore.selectExpr(entry).except(identityMap.selectExpr(entry))
        .union(identityMap.selectExpr(entry).except(mapBefore.selectExpr(entry)));
    parts.add(movedEntries.where(col("identifier_kind").equalTo("email"))
        .select(lit(ActivitySources.EMAIL).as("kind"), col("identifier")));
    parts.add(movedEntries.where(col("identifier_kind").equalTo("anonymous"))
        .select(lit(ActivitySources.ANONYMOUS).as("kind"), col("identifier")));
    return parts.stream().reduce(Dataset::union).orElseThrow().distinct();
  }

  private static Dataset<Row> identifiers(Dataset<Row> rows, String kind, String column) {
    return rows.where(col(column).isNotNull()).select(lit(kind).as("kind"), col(column).as("identifier"));
  }

  /** The subject each changed identifier resolves to under {@code identityMap}. */
  private static Dataset<Row> subjects(Dataset<Row> identifiers, Dataset<Row> identityMap) {
    Map<String, Dataset<Row>> inputs = new HashMap<>(TouchpointStep.lookups(identityMap));
    inputs.put("identifiers", identifiers);
    return SqlFiles.run(identifiers.sparkSession(), "touchpoints/changed_customers.sql", inputs, Map.of());
  }

  /**
   * The version of a cleaned table the last published run read; empty when the table did not exist
   * then and does not now.
   */
  private static Optional<Long> versionRead(TableStore staging, PublishedRun last, TableSpec spec) {
    Long version = last.tableVersions().get(RunContext.stagingKey(staging, spec.name()));
    boolean exists = staging.exists(spec.name());
    if (version == null && exists) {
      throw new RecomputeAll(spec.name() + " did not exist when run " + last.runId() + " was published");
    }
    if (version != null && !exists) {
      throw new RecomputeAll(spec.name() + " is gone since run " + last.runId());
    }
    return Optional.ofNullable(version);
  }

  /** A cleaned table as the last published run read it (empty if it did not exist). */
  private static Dataset<Row> tableBefore(TableStore staging, PublishedRun last, TableSpec spec) {
    return versionRead(staging, last, spec).map(v -> staging.readAt(spec.name(), v))
        .orElseGet(() -> staging.spark().createDataFrame(List.of(), spec.schema()));
  }
}
