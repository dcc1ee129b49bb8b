package com.journeyanalytics.jobs.pipeline;

import com.journeyanalytics.common.FaultInjection;
import com.journeyanalytics.common.config.JobConfig;
import com.journeyanalytics.common.delta.TableStore;
import com.journeyanalytics.common.schema.PipelineTables;
import com.journeyanalytics.jobs.serving.BiViews;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.TableIdentifier;
import org.apache.spark.sql.catalyst.catalog.CatalogTable;
import org.apache.spark.sql.catalyst.catalog.CatalogTableType;
import org.apache.spark.sql.types.StructField;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;

/**
 * Publishing: what BI clients read in the journey database. Runs write their tables in the store
 * database as they go; the journey database holds only views. Each table's view is pinned to the
 * Delta version the last published run left it at ({@code SELECT ... FROM store.t VERSION AS OF
 * n}), so a run that fails or dies before publishing changes nothing readers see. Publishing
 * replaces those views, then the BI views over them: a few metastore calls, no data moved.
 *
 * <p>The run log (pipeline_runs, data_quality) is the exception: its views are not pinned, so the
 * outcome and the checks of a failed run can be read at once.
 */
public final class Publisher {

  private static final Logger LOG = LoggerFactory.getLogger(Publisher.class);

  /** Tables of the store whose views always show their latest version. */
  public static final List<String> RUN_LOG = List.of(PipelineTables.DATA_QUALITY.name(), PipelineTables.PIPELINE_RUNS.name());

  /** View property naming the run whose table version the view shows. */
  static final String RUN_PROPERTY = "journey.published_run_id";
  /** View property holding the Delta version the view is pinned to. */
  static final String VERSION_PROPERTY = "journey.published_version";

  private Publisher() {}

  /**
   * Points the view of every table in {@code versions} (keys as pipeline_runs.table_versions
   * names them; staging tables and the run log are left out) at its version, then creates or
   * replaces the BI views.
   */
  public static void publish(SparkSession spark, JobConfig config, TableStore store, String runId,
      Map<String, Long> versions) {
    ensureDatabase(spark, config, store);
    Map<String, Long> pinned = new TreeMap<>();
    versions.forEach((table, version) -> {
      if (isPinned(table)) {
        pinned.put(table, version);
      }
    });
    int done = 0;
    for (Map.Entry<String, Long> entry : pinned.entrySet()) {
      createView(spark, config.database(), store, entry.getKey(), Optional.of(entry.getValue()), runId);
      FaultInjection.at("publish:" + (++done));
    }
    List<String> biViews = BiViews.createViews(spark, config.database(), config.stages().churnStage(),
        config.stages().order());
    LOG.info("published run {}: {} table view(s) pinned {}, BI views {}", runId, pinned.size(), pinned, biViews);
  }

  /** Creates the unpinned views of the run log tables that exist in the store. */
  public static void exposeRunLog(SparkSession spark, JobConfig config, TableStore store) {
    ensureDatabase(spark, config, store);
    for (String table : RUN_LOG) {
      if (store.exists(table)) {
        createView(spark, config.database(), store, table, Optional.empty(), null);
      }
    }
  }

  /**
   * Whether a pipeline_runs.table_versions key names a table with a pinned view: not a staging
   * table ({@code <db>.<table>}) nor the run log.
   */
  private static boolean isPinned(String key) {
    return !key.contains(".") && !RUN_LOG.contains(key);
  }

  /** What a pinned view shows: a run's version of its table. */
  public record Pin(String runId, long version) {}

  /**
   * The pinned views of {@code database} with what each shows, by table, as the views' properties
   * in the metastore say: what readers see now.
   */
  public static Map<String, Pin> publishedPins(SparkSession spark, String database) {
    Map<String, Pin> pins = new TreeMap<>();
    if (!spark.catalog().databaseExists(database)) {
      return pins;
    }
    var catalog = spark.sessionState().catalog();
    for (TableIdentifier id : scala.collection.JavaConverters.seqAsJavaList(catalog.listTables(database, "*", false))) {
      CatalogTable table = TableStore.catalogEntry(spark, id);
      Option<String> version = table.properties().get(VERSION_PROPERTY);
      if (table.tableType() == CatalogTableType.VIEW() && version.isDefined()) {
        Option<String> runId = table.properties().get(RUN_PROPERTY);
        pins.put(id.table(), new Pin(runId.isDefined() ? runId.get() : "", Long.parseLong(version.get())));
      }
    }
    return pins;
  }

  /**
   * Puts the views of {@code tables} back to {@code before} (publishedPins before a publish that
   * failed part way); a view that did not exist before is dropped.
   */
  static void restore(SparkSession spark, JobConfig config, TableStore store, Map<String, Pin> before,
      Set<String> tables) {
    for (String table : new TreeSet<>(tables)) {
      if (!isPinned(table)) {
        continue;
      }
      Pin pin = before.get(table);
      if (pin != null) {
        createView(spark, config.database(), store, table, Optional.of(pin.version()), pin.runId());
      } else {
        spark.sql("DROP VIEW IF EXISTS " + quote(config.database()) + "." + quote(table));
      }
    }
    LOG.warn("publishing failed part way: views put back to {}", before);
  }

  /**
   * Re-pins one table's view to {@code version}, which must hold the same rows as the version it
   * shows now (maintenance: compaction changes files, not rows).
   */
  static void repin(SparkSession spark, JobConfig config, TableStore store, String table, long version, String runId) {
    createView(spark, config.database(), store, table, Optional.of(version), runId);
  }

  private static void ensureDatabase(SparkSession spark, JobConfig config, TableStore store) {
    spark.sql("CREATE DATABASE IF NOT EXISTS `" + config.database() + "` COMMENT 'Customer journey analytics: the "
        + "tables of the last published run (views over " + store.database() + ")'");
  }

  /**
   * {@code CREATE OR REPLACE VIEW} over the store's table, with the table's columns, column
   * comments and comment, so JDBC metadata shows them. A table of that name left in the journey
   * database by a version that wrote tables there is unregistered first (external: its files stay).
   */
  private static void createView(SparkSession spark, String database, TableStore store, String table,
      Optional<Long> version, String runId) {
    TableIdentifier id = new TableIdentifier(table, Option.apply(database));
    var catalog = spark.sessionState().catalog();
    if (catalog.tableExists(id)) {
      CatalogTableType type = TableStore.catalogEntry(spark, id).tableType();
      if (type == CatalogTableType.EXTERNAL()) {
        LOG.warn("{}.{} is a table registered by an earlier version of the job; replacing it by a view over {}.{} "
            + "(its files stay where they are)", database, table, store.database(), table);
        spark.sql("DROP TABLE " + quote(database) + "." + quote(table));
      } else if (type != CatalogTableType.VIEW()) {
        throw new IllegalStateException(database + "." + table + " is a managed table, not a view the job created: "
            + "move it out of the journey database");
      }
    }
    store.ensureRegistered(table);
    var reader = spark.read().format("delta");
    version.ifPresent(v -> reader.option("versionAsOf", v));
    StructField[] fields = reader.load(store.location(table)).schema().fields();
    List<String> columns = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (StructField field : fields) {
      String comment = field.getComment().isDefined() ? field.getComment().get() : "";
      columns.add(quote(field.name()) + " COMMENT " + BiViews.literal(comment));
      names.add(quote(field.name()));
    }
    String comment = Optional.ofNullable(store.comment(table)).orElse("");
    String properties = version.map(v -> " TBLPROPERTIES (" + BiViews.literal(RUN_PROPERTY) + " = "
        + BiViews.literal(runId) + ", " + BiViews.literal(VERSION_PROPERTY) + " = " + BiViews.literal(String.valueOf(v))
        + ")").orElse("");
    spark.sql("CREATE OR REPLACE VIEW " + quote(database) + "." + quote(table) + " (" + String.join(", ", columns)
        + ") COMMENT " + BiViews.literal(comment) + properties + " AS SELECT " + String.join(", ", names) + " FROM "
        + quote(store.database()) + "." + quote(table) + version.map(v -> " VERSION AS OF " + v).orElse(""));
  }

  private static String quote(String identifier) {
    return "`" + identifier.replace("`", "``") + "`";
  }
}
