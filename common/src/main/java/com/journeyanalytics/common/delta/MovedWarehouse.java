package com.journeyanalytics.common.delta;

import com.journeyanalytics.common.config.JobConfig;
import com.journeyanalytics.common.delta.TableStore.Misregistered;
import com.journeyanalytics.common.spark.SparkSessions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A warehouse copied or moved to another folder (a restore from backup, a new disk) keeps, in its
 * embedded metastore, the absolute folders it was written in: the views readers query would still
 * read the old folder's tables (or fail where it is gone), and publishing fails. Before a run
 * touches anything, the entries of its tables are pointed at the warehouse the run was given, when
 * the metastore is the warehouse's own. A shared metastore (Hive, or a configured Derby folder) may
 * serve another warehouse under the same database names, so there the run is refused instead,
 * naming both folders.
 */
public final class MovedWarehouse {

  private static final Logger LOG = LoggerFactory.getLogger(MovedWarehouse.class);

  /** The metastore names other folders for the warehouse's tables, and it is not the warehouse's own to change. */
  public static final class ForeignEntriesException extends RuntimeException {
    ForeignEntriesException(String message) {
      super(message);
    }
  }

  private MovedWarehouse() {}

  /**
   * Points the metastore entries of the store and staging databases' tables that name other
   * folders at the warehouse's folders when the metastore is the warehouse's own; returns what was
   * registered again. Run by the job before anything else, and by the readers that open the
   * metastore themselves ({@link #adoptForReading}) before their first query.
   *
   * @throws ForeignEntriesException when the metastore is shared and names other folders
   */
  public static List<Misregistered> adopt(SparkSession spark, JobConfig config) {
    List<TableStore> stores = List.of(new TableStore(spark, config.warehouse(), config.storeDatabase()),
        new TableStore(spark, config.warehouse(), config.stagingDatabase()));
    Map<TableStore, List<Misregistered>> perStore = new LinkedHashMap<>();
    stores.forEach(store -> perStore.put(store, store.misregistered()));
    List<Misregistered> found = perStore.values().stream().flatMap(List::stream).toList();
    if (found.isEmpty()) {
      return found;
    }
    Misregistered first = found.get(0);
    String what = found.size() + " table(s) of this warehouse's databases in other folders, e.g. " + first.table()
        + " at " + first.registered() + " (here: " + first.location() + ")";
    if (!ownMetastore(config)) {
      throw new ForeignEntriesException("the metastore registers " + what + "; this warehouse is "
          + stores.get(0).warehouse() + ". Another warehouse may use these database names in this metastore: "
          + "give this one other names (journey.database, journey.store-database, journey.staging-database); or, "
          + "if this warehouse was moved, drop those entries (DROP TABLE of these external tables deletes no file): "
          + "the job's next run registers its tables where they are");
    }
    LOG.warn("the warehouse was copied or moved: its metastore registers {}; registering them in {}", what,
        stores.get(0).warehouse());
    perStore.forEach(TableStore::reRegister);
    return found;
  }

  /**
   * {@link #adopt} for a command that only reads (sql.sh --local, the SQL endpoint, report.sh):
   * where the metastore is not the warehouse's own it warns, and the reader goes on with what the
   * metastore names.
   */
  public static void adoptForReading(SparkSession spark, JobConfig config) {
    try {
      adopt(spark, config);
    } catch (ForeignEntriesException e) {
      LOG.warn("{}", e.getMessage());
    }
  }

  /**
   * Whether the metastore lives inside the warehouse and describes it alone: the embedded Derby
   * metastore at its default place in a local warehouse ({@code <warehouse>/_metastore}).
   */
  static boolean ownMetastore(JobConfig config) {
    return isBlank(config.metastoreUris()) && isBlank(config.derbyMetastorePath())
        && SparkSessions.isInsideWarehouse(SparkSessions.defaultDerbyPath(TableStore.qualifyLocal(config.warehouse())));
  }

  private static boolean isBlank(String value) {
    return value == null || value.isBlank();
  }
}
