package com.journeyanalytics.common.delta;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import com.journeyanalytics.common.FaultInjection;
import com.journeyanalytics.common.schema.TableSpec;
import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.TableIdentifier;
import org.apache.spark.sql.catalyst.analysis.NoSuchDatabaseException;
import org.apache.spark.sql.catalyst.analysis.NoSuchTableException;
import org.apache.spark.sql.catalyst.catalog.CatalogTable;
import org.apache.spark.sql.catalyst.catalog.CatalogTableType;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.Snapshot;
import org.apache.spark.sql.delta.actions.Action;
import org.apache.spark.sql.delta.actions.AddCDCFile;
import org.apache.spark.sql.delta.actions.CommitInfo;
import org.apache.spark.sql.delta.actions.FileAction;
import org.apache.spark.sql.delta.actions.Metadata;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.storage.StorageLevel;
import scala.Option;
import scala.collection.JavaConverters;

/**
 * Reads and writes the Delta tables of one database under the warehouse, and registers them in
 * the metastore with their comments.
 *
 * <p>Every write is one Delta commit, so a killed run leaves each table at its previous or its
 * new version. A replacement whose content (all columns but {@code run_id}) equals what the table
 * already holds is skipped, so a rerun of the same inputs changes no row.
 */
public final class TableStore {

  public static final String RUN_ID = "run_id";

  /** How a replacement's commit records the fingerprint of what it wrote (the commit's userMetadata). */
  static final String FINGERPRINT_METADATA = "journey.fingerprint ";

  /**
   * The largest table (bytes of its data files) {@link #read} reads into the driver by default.
   * Not more: the optimizer evaluates the projections and filters over rows held in the plan in
   * the driver, one row at a time, each time it plans a query that reads them; at 8 MiB (about
   * 100,000 rows of cleaned events) a demo night spent minutes in the driver doing that.
   */
  public static final long LOCAL_READ_MAX_BYTES = 1L << 20;

  /** The data files' bytes of the tables a store keeps read into the driver (see {@link #read}). */
  static final long LOCAL_READS_KEPT_BYTES = 8L << 20;

  private record LocalRead(String table, String tableId, long version) {}

  private record KeptRead(Dataset<Row> rows, long bytes) {}

  private final SparkSession spark;
  private final String warehouse;
  private final String database;
  private final long localReadMaxBytes;
  /** Tables read into the driver, least recently read first (access order), up to {@link #LOCAL_READS_KEPT_BYTES} of their files. */
  private final Map<LocalRead, KeptRead> localReads = new LinkedHashMap<>(16, 0.75f, true);
  /** Tables this store registered, with their comment and properties current: done once per store. */
  private final Set<String> registered = ConcurrentHashMap.newKeySet();
  private volatile boolean databaseEnsured;

  public TableStore(SparkSession spark, String warehouse, String database) {
    this(spark, warehouse, database, LOCAL_READ_MAX_BYTES);
  }

  /** A store whose {@link #read} reads tables of at most {@code localReadMaxBytes} into the driver. */
  public TableStore(SparkSession spark, String warehouse, String database, long localReadMaxBytes) {
    this.spark = spark;
    this.warehouse = qualify(spark, warehouse);
    this.database = database;
    this.localReadMaxBytes = localReadMaxBytes;
  }

  public SparkSession spark() {
    return spark;
  }

  public String database() {
    return database;
  }

  public String warehouse() {
    return warehouse;
  }

  /** The table's folder: {@code <warehouse>/<database>.db/<table>}. */
  public String location(String table) {
    return warehouse + "/" + database + ".db/" + table;
  }

  public String qualifiedName(String table) {
    return "`" + database + "`.`" + table + "`";
  }

  public void ensureDatabase() {
    if (databaseEnsured) {
      return;
    }
    spark.sql("CREATE DATABASE IF NOT EXISTS `" + database + "` LOCATION '" + escape(warehouse + "/" + database + ".db") + "'");
    databaseEnsured = true;
  }

  public boolean exists(String table) {
    return DeltaTable.isDeltaTable(spark, location(table));
  }

  /**
   * The table's rows as of this call (its current version, pinned). A table whose data files hold
   * at most {@code localReadMaxBytes} is read into the driver at once: the queries that use the
   * frame then scan those rows, not the table, so Delta does not list the table's files (a Spark
   * job each time) for every query of a step, which is most of a small night's time. A larger table
   * is read by each query, at the same pinned version.
   */
  public Dataset<Row> read(String table) {
    return read(table, snapshot(table));
  }

  /**
   * {@link #read} of the table at a snapshot the caller already holds. A table read into the driver
   * is kept, by its Delta table id and version, for the next read of the same version: the steps of
   * a night read the same silver tables, and the run history reads pipeline_runs, several times
   * each; a version's rows never change, and a table created again in the same folder has another id.
   */
  private Dataset<Row> read(String table, Snapshot snapshot) {
    long bytes = sizeInBytes(snapshot);
    if (bytes > localReadMaxBytes) {
      return readAt(table, snapshot.version());
    }
    LocalRead key = new LocalRead(table, snapshot.metadata().id(), snapshot.version());
    synchronized (localReads) {
      KeptRead kept = localReads.get(key);
      if (kept != null) {
        return kept.rows();
      }
    }
    // Resolved only when read: resolving a version loads that snapshot of the Delta log.
    Dataset<Row> rows = readAt(table, snapshot.version());
    Dataset<Row> local = spark.createDataFrame(rows.collectAsList(), rows.schema());
    synchronized (localReads) {
      localReads.put(key, new KeptRead(local, bytes));
      long keptBytes = localReads.values().stream().mapToLong(KeptRead::bytes).sum();
      var eldest = localReads.entrySet().iterator();
      while (keptBytes > LOCAL_READS_KEPT_BYTES && eldest.hasNext()) {
        keptBytes -= eldest.next().getValue().bytes();
        eldest.remove();
      }
    }
    return local;
  }

  /** The table as it was at {@code version} (time travel), read by each query that uses the frame. */
  public Dataset<Row> readAt(String table, long version) {
    return spark.read().format("delta").option("versionAsOf", version).load(location(table));
  }

  /**
   * Every row the commits after {@code version} inserted, updated (old and new image) or deleted,
   * from Delta's change data feed, with its _change_type. Fails (at the first action at the
   * latest) when one of those commits did not record changes, e.g. the table got
   * delta.enableChangeDataFeed only later.
   */
  public Dataset<Row> changesAfter(String table, long version) {
    return spark.read().format("delta").option("readChangeFeed", "true")
        .option("startingVersion", version + 1).option("endingVersion", version(table))
        .load(location(table));
  }

  /** The bytes of the table's data files at its current version (from Delta's checksum file when there is one). */
  public long sizeInBytes(String table) {
    return sizeInBytes(snapshot(table));
  }

  /**
   * The bytes of the snapshot's data files: from the checksum file Delta writes beside each commit
   * when there is one, else summed over the table's files (a Spark job).
   */
  private static long sizeInBytes(Snapshot snapshot) {
    return snapshot.checksumOpt().isDefined() ? snapshot.checksumOpt().get().tableSizeBytes() : snapshot.sizeInBytes();
  }

  /** The table's current content, or an empty frame of the spec's schema if it was never written. */
  public Dataset<Row> readOrEmpty(TableSpec spec) {
    return exists(spec.name()) ? read(spec.name()) : spark.createDataFrame(List.of(), spec.schema());
  }

  /** Delta tables (with at least one commit) under this database's folder, by name. */
  public List<String> tableNames() {
    List<String> names = new ArrayList<>();
    try {
      Path root = new Path(warehouse + "/" + database + ".db");
      FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (fs.exists(root)) {
        for (org.apache.hadoop.fs.FileStatus status : fs.listStatus(root)) {
          // A run killed before a new table's first commit leaves an empty _delta_log: not a table.
          if (status.isDirectory() && DeltaTable.isDeltaTable(spark, status.getPath().toString())) {
            names.add(status.getPath().getName());
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list tables of " + database, e);
    }
    names.sort(null);
    return names;
  }

  /**
   * The actions of the table's commit {@code version}, as its Delta log records them (no Spark job);
   * empty when the log no longer holds it (cleaned up after delta.logRetentionDuration). Only that
   * commit's file is read: Delta reads the later ones lazily, as the iterator reaches them.
   */
  private static Optional<List<Action>> commitAt(DeltaLog log, long version) {
    scala.collection.Iterator<scala.Tuple2<Object, scala.collection.Seq<Action>>> changes = log.getChanges(version, false);
    if (!changes.hasNext()) {
      return Optional.empty();
    }
    scala.Tuple2<Object, scala.collection.Seq<Action>> commit = changes.next();
    return (Long) commit._1() == version ? Optional.of(JavaConverters.seqAsJavaList(commit._2())) : Optional.empty();
  }

  /** The commit that made the snapshot. */
  private static CommitInfo commitOf(Snapshot snapshot) {
    return commitAt(snapshot.deltaLog(), snapshot.version())
        .flatMap(TableStore::commitInfo)
        .orElseThrow(() -> new IllegalStateException("table " + snapshot.deltaLog().dataPath()
            + " has no commit information for version " + snapshot.version()));
  }

  private static Optional<CommitInfo> commitInfo(List<Action> actions) {
    return actions.stream().filter(CommitInfo.class::isInstance).map(CommitInfo.class::cast).findFirst();
  }

  /**
   * True when the commit's actions change no row: its files, if any, carry dataChange = false
   * (OPTIMIZE, a purge of deleted rows) and it records no change data and no new metadata (a schema change, or
   * properties such as column mapping, could change what a reader sees).
   */
  private static boolean changesNoRow(List<Action> actions) {
    for (Action action : actions) {
      if (action instanceof AddCDCFile || action instanceof Metadata
          || (action instanceof FileAction file && file.dataChange())) {
        return false;
      }
    }
    return true;
  }

  /** The numOutputRows Delta recorded for the write that made the snapshot. */
  private static long rowsWrittenBy(Snapshot snapshot) {
    return Long.parseLong(JavaConverters.mapAsJavaMap(commitOf(snapshot).operationMetrics().get()).get("numOutputRows"));
  }

  /** Commits of maintenance (compactions, vacuums) looked through for the last replacement's fingerprint. */
  private static final int MAINTENANCE_COMMITS_SKIPPED = 10;

  /**
   * The fingerprint of the table's current content, as the commit of the {@link #replace} that
   * wrote it recorded it: that commit, or one before a few that changed no row (maintenance). Empty
   * when another kind of commit (a merge, a slice, a delete) changed rows since.
   */
  Optional<String> recordedFingerprint(String table) {
    return recordedFingerprint(snapshot(table));
  }

  private static Optional<String> recordedFingerprint(Snapshot snapshot) {
    long oldest = Math.max(0, snapshot.version() - MAINTENANCE_COMMITS_SKIPPED);
    for (long version = snapshot.version(); version >= oldest; version--) {
      Optional<List<Action>> actions = commitAt(snapshot.deltaLog(), version);
      if (actions.isEmpty()) {
        return Optional.empty();
      }
      Optional<String> metadata = commitInfo(actions.get())
          .flatMap(info -> info.userMetadata().isDefined() ? Optional.of(info.userMetadata().get()) : Optional.empty());
      if (metadata.isPresent() && metadata.get().startsWith(FINGERPRINT_METADATA)) {
        return Optional.of(metadata.get().substring(FINGERPRINT_METADATA.length()));
      }
      if (!changesNoRow(actions.get())) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  /**
   * True when no commit after {@code version} changed a row of the table: each only rewrote files
   * (OPTIMIZE and purges of deleted rows, whose files carry dataChange = false) or recorded a vacuum. Such a
   * table holds the rows it held at {@code version}, in other files, so what a run derived from
   * that version still holds. False when a commit inserted, updated or deleted rows or changed the
   * table's metadata, or when the log no longer has those commits. Read from the Delta log, no
   * Spark job.
   */
  public boolean rowsUnchangedSince(String table, long version) {
    Snapshot latest = snapshot(table);
    if (latest.version() < version) {
      return false;
    }
    // One pass over the later commits, in order, stopping at the first that changed rows.
    scala.collection.Iterator<scala.Tuple2<Object, scala.collection.Seq<Action>>> commits =
        latest.deltaLog().getChanges(version + 1, false);
    long expected = version + 1;
    while (expected <= latest.version()) {
      if (!commits.hasNext()) {
        return false;
      }
      scala.Tuple2<Object, scala.collection.Seq<Action>> commit = commits.next();
      // A commit missing from the log (cleaned up after delta.logRetentionDuration) shows nothing.
      if ((Long) commit._1() != expected || !changesNoRow(JavaConverters.seqAsJavaList(commit._2()))) {
        return false;
      }
      expected++;
    }
    return true;
  }

  /**
   * Rewrites, without their deleted rows, the files of the table that still carry deletion vectors
   * (REORG TABLE ... APPLY (PURGE)): a partition a merge only deleted from keeps one such file,
   * which compaction leaves alone. The rewritten files carry dataChange = false, so no row changes
   * ({@link #rowsUnchangedSince}); no commit when no file has one, nothing to do for a table
   * without deletion vectors.
   */
  public void purgeDeletedRows(String table) {
    Snapshot snapshot = snapshot(table);
    if ("true".equals(JavaConverters.mapAsJavaMap(snapshot.metadata().configuration())
        .get("delta.enableDeletionVectors"))) {
      spark.sql("REORG TABLE delta.`" + location(table).replace("`", "``") + "` APPLY (PURGE)");
    }
  }

  /** The table's latest version, from its Delta log (no Spark job). */
  public long version(String table) {
    return snapshot(table).version();
  }

  /** The table's comment, as its Delta log holds it (no Spark job). */
  public String comment(String table) {
    return snapshot(table).metadata().description();
  }

  private Snapshot snapshot(String table) {
    DeltaLog log = DeltaLog.forTable(spark, location(table));
    return log.update(log.update$default$1(), log.update$default$2(), log.update$default$3());
  }

  /**
   * Replaces the table's content with {@code rows} (conformed to the spec). Skipped when the
   * content, ignoring run_id, is unchanged. Returns the number of rows the table now holds.
   */
  public WriteResult replace(TableSpec spec, Dataset<Row> rows) {
    return written(replaceTable(spec, rows));
  }

  private WriteResult replaceTable(TableSpec spec, Dataset<Row> rows) {
    if (!exists(spec.name())) {
      // Nothing to compare with: write at once rather than materialize the rows for a fingerprint first.
      overwrite(spec, clusteredForWrite(spec, spec.conform(rows)), null);
      long written = rowsWrittenBy(snapshot(spec.name()));
      // Registering can commit too (the table's comment and properties): the version is read after it.
      register(spec);
      return new WriteResult(spec.name(), written, version(spec.name()), true);
    }
    Dataset<Row> conformed = clusteredForWrite(spec, spec.conform(rows)).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Fingerprint incoming = fingerprint(conformed);
      // What the last replacement recorded, when no commit changed rows since; otherwise the table is read.
      // The stored table's own columns are part of its fingerprint: a table whose columns are not the
      // spec's (written by an earlier version of the job) is rewritten.
      Snapshot stored = snapshot(spec.name());
      String current = recordedFingerprint(stored).orElseGet(() -> fingerprint(read(spec.name(), stored)).recorded());
      if (incoming.recorded().equals(current)) {
        register(spec);
        return new WriteResult(spec.name(), incoming.rows(), version(spec.name()), false);
      }
      overwrite(spec, conformed, incoming);
      register(spec);
      return new WriteResult(spec.name(), incoming.rows(), version(spec.name()), true);
    } finally {
      conformed.unpersist();
    }
  }

  /**
   * A partitioned table's rows grouped by partition value first, so each partition is written as
   * one file rather than one file per task and partition.
   */
  private static Dataset<Row> clusteredForWrite(TableSpec spec, Dataset<Row> rows) {
    if (spec.partitionColumns().isEmpty()) {
      return rows;
    }
    return rows.repartition(spec.partitionColumns().stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new));
  }

  /**
   * Replaces only the rows of one slice, e.g. {run_date = D, dataset = touches} of the quarantine,
   * leaving every other slice as it was. Skipped when the slice's content is unchanged.
   */
  public WriteResult replaceSlice(TableSpec spec, Dataset<Row> rows, Map<String, Object> slice) {
    return written(replaceSliceOf(spec, rows, slice));
  }

  private WriteResult replaceSliceOf(TableSpec spec, Dataset<Row> rows, Map<String, Object> slice) {
    Dataset<Row> conformed = spec.conform(rows).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Fingerprint incoming = fingerprint(conformed);
      if (exists(spec.name())) {
        Column inSlice = lit(true);
        List<String> predicates = new ArrayList<>();
        for (Map.Entry<String, Object> entry : new TreeMap<>(slice).entrySet()) {
          inSlice = inSlice.and(col(entry.getKey()).equalTo(lit(entry.getValue())));
          predicates.add(entry.getKey() + " = '" + escape(String.valueOf(entry.getValue())) + "'");
        }
        // Read once, so lazily: Delta lists only the slice's files.
        Dataset<Row> current = spec.conform(readAt(spec.name(), version(spec.name()))).where(inSlice);
        if (incoming.equals(fingerprint(current))) {
          register(spec);
          return new WriteResult(spec.name(), incoming.rows(), version(spec.name()), false);
        }
        conformed.write()
            .format("delta")
            .mode("overwrite")
            .option("replaceWhere", String.join(" AND ", predicates))
            .save(location(spec.name()));
      } else {
        overwrite(spec, conformed, null);
      }
      register(spec);
      return new WriteResult(spec.name(), incoming.rows(), version(spec.name()), true);
    } finally {
      conformed.unpersist();
    }
  }

  /**
   * Merges {@code rows} into the table by the spec's key: new keys are inserted; an existing row
   * is updated when {@code newerCondition} holds (SQL over t = table, s = rows) and some column
   * other than run_id differs, so merging the same rows again changes nothing.
   */
  public WriteResult upsert(TableSpec spec, Dataset<Row> rows, String newerCondition) {
    return written(merge(spec, rows, newerCondition));
  }

  /**
   * Makes the table hold exactly {@code rows}: new keys are inserted, changed rows updated, rows
   * whose key vanished deleted; unchanged rows keep their run_id. Only the differences reach Delta
   * ({@link #applyDifferences}); with deletion vectors enabled (the spec's properties) the merge
   * writes just those rows, in new files per partition, and marks their old copies deleted. Those
   * small files are what maintenance compacts.
   */
  public WriteResult sync(TableSpec spec, Dataset<Row> rows) {
    Dataset<Row> incoming = spec.conform(rows).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      long count = incoming.count();
      WriteResult merged = exists(spec.name())
          ? applyDifferences(spec, incoming, readAt(spec.name(), version(spec.name())), null)
          : create(spec, incoming);
      return written(new WriteResult(merged.table(), count, merged.version(), merged.changed()));
    } finally {
      incoming.unpersist();
    }
  }

  /**
   * Makes the rows of the table whose {@code column} is one of {@code scope}'s values exactly
   * {@code rows} (all of which lie in that scope), leaving every other row as it is: a changed row
   * is updated, a new one inserted, a scoped row missing from {@code rows} deleted, an unchanged
   * one kept with its run_id. What {@link #sync} does to the whole table, for a slice that is not
   * a partition (e.g. the customers a night touched). {@code note} goes into the commit's
   * userMetadata (DESCRIBE HISTORY).
   */
  public WriteResult syncWithin(TableSpec spec, Dataset<Row> rows, String column, Dataset<Row> scope, String note) {
    // Computed once and cut from the plan that made it.
    Dataset<Row> incoming = spec.conform(rows).localCheckpoint();
    Dataset<Row> scopedNow = readAt(spec.name(), version(spec.name())).join(broadcast(scope.select(col(column)).distinct()),
        JavaConverters.asScalaBuffer(List.of(column)).toSeq(), "left_semi");
    WriteResult merged = applyDifferences(spec, incoming, scopedNow, note);
    // Delta answers a count from the files' statistics and deletion vectors, without a scan.
    long total = readAt(spec.name(), merged.version()).count();
    return written(new WriteResult(spec.name(), total, merged.version(), merged.changed()));
  }

  /**
   * Merges into the table what turns {@code current} (some or all of its rows) into
   * {@code incoming}: incoming rows that are new or differ from the current row of their key
   * (run_id aside), and current rows whose key incoming lacks, to delete. The two are compared
   * here, in one join that reads the current rows once, so the merge's source holds only the
   * differences: Delta then joins and rewrites a few rows instead of comparing every row of every
   * file it touches (at 20,000 accounts a night's 355,000 recomputed touchpoints held 10,400
   * differences). Nothing to merge: no commit, changed = false.
   */
  private WriteResult applyDifferences(TableSpec spec, Dataset<Row> incoming, Dataset<Row> current, String note) {
    Dataset<Row> s = incoming.as("s");
    Dataset<Row> t = spec.conform(current).as("t");
    String firstKey = spec.keyColumns().get(0);
    Column inIncoming = col("s.`" + firstKey + "`").isNotNull();
    Column inCurrent = col("t.`" + firstKey + "`").isNotNull();
    List<Column> columns = new ArrayList<>();
    for (String name : spec.columnNames()) {
      columns.add(when(inIncoming, col("s.`" + name + "`")).otherwise(col("t.`" + name + "`")).as(name));
    }
    columns.add(not(inIncoming).as(DELETE));
    // Where each difference's current row lies, so the merge reads only those partitions.
    columns.add(inCurrent.as(IN_CURRENT));
    for (String partition : spec.partitionColumns()) {
      columns.add(col("t.`" + partition + "`").as(CURRENT_PARTITION + partition));
    }
    Dataset<Row> differences = s.join(t, expr(keyMatch(spec)), "full_outer")
        .where(not(inIncoming.and(inCurrent).and(expr(sameRow(spec)))))
        .select(columns.toArray(Column[]::new))
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      long before = version(spec.name());
      // Materialized here, once: Delta's merge reads its source twice.
      if (differences.count() == 0) {
        register(spec);
        return new WriteResult(spec.name(), -1, before, false);
      }
      // The spec's columns only: the source's delete flag is not one of the table's.
      Map<String, String> assignments = new LinkedHashMap<>();
      for (String name : spec.columnNames()) {
        assignments.put("`" + name + "`", "s.`" + name + "`");
      }
      String previousNote = spark.conf().get(USER_METADATA, null);
      if (note != null) {
        spark.conf().set(USER_METADATA, note);
      }
      try {
        DeltaTable.forPath(spark, location(spec.name())).as("t")
            .merge(differences.as("s"), expr(keyMatch(spec)).and(inTouchedPartitions(spec, differences)))
            .whenMatched("s." + DELETE).delete()
            .whenMatched().updateExpr(assignments)
            .whenNotMatched("NOT s." + DELETE).insertExpr(assignments)
            .execute();
      } finally {
        if (previousNote == null) {
          spark.conf().unset(USER_METADATA);
        } else {
          spark.conf().set(USER_METADATA, previousNote);
        }
      }
      register(spec);
      long after = version(spec.name());
      return new WriteResult(spec.name(), -1, after, after != before);
    } finally {
      differences.unpersist();
    }
  }

  /** Above this many distinct values of a partition column the merge condition does not list them. */
  private static final int MAX_PARTITIONS_LISTED = 10_000;

  /**
   * A condition on the target's partition columns that holds for the current row of every
   * difference: t.p IN (the values of p among those rows), per partition column. Delta prunes the
   * files of the merge's target by it, so a night whose differences lie in a few dates reads only
   * their files to find the rows to update or delete, instead of every file of the table. A
   * difference with no current row (an insert) needs no file; true when the table is not
   * partitioned, a current row's partition value is null, or the values are too many to list.
   */
  private static Column inTouchedPartitions(TableSpec spec, Dataset<Row> differences) {
    Column condition = lit(true);
    for (String partition : spec.partitionColumns()) {
      List<Row> values = differences.where(col(IN_CURRENT)).select(col(CURRENT_PARTITION + partition)).distinct()
          .limit(MAX_PARTITIONS_LISTED + 1).collectAsList();
      if (values.size() > MAX_PARTITIONS_LISTED || values.stream().anyMatch(v -> v.isNullAt(0))) {
        return lit(true);
      }
      Object[] listed = values.stream().map(v -> v.get(0)).toArray();
      condition = condition.and(listed.length == 0 ? lit(false) : col("t.`" + partition + "`").isin(listed));
    }
    return condition;
  }

  /** The merge condition on the spec's key: t = table, s = source. */
  private static String keyMatch(TableSpec spec) {
    return spec.keyColumns().stream().map(k -> "t.`" + k + "` = s.`" + k + "`").reduce((a, b) -> a + " AND " + b)
        .orElseThrow(() -> new IllegalArgumentException("table " + spec.name() + " has no key to merge on"));
  }

  /** True when t and s agree on every column but run_id. */
  private static String sameRow(TableSpec spec) {
    List<String> sameColumns = new ArrayList<>();
    for (StructField field : spec.schema().fields()) {
      if (!field.name().equals(RUN_ID)) {
        // Maps are not comparable in Spark SQL; their JSON form is.
        sameColumns.add(field.dataType() instanceof MapType
            ? "to_json(t.`" + field.name() + "`) <=> to_json(s.`" + field.name() + "`)"
            : "t.`" + field.name() + "` <=> s.`" + field.name() + "`");
      }
    }
    return sameColumns.isEmpty() ? "true" : String.join(" AND ", sameColumns);
  }

  private static final String DELETE = "_delete_row";
  private static final String IN_CURRENT = "_in_current";
  private static final String CURRENT_PARTITION = "_current_";
  private static final String USER_METADATA = "spark.databricks.delta.commitInfo.userMetadata";

  /** Every write of a step passes here: the kill tests' {@code write:<table>} point. */
  private static WriteResult written(WriteResult result) {
    FaultInjection.at("write:" + result.table());
    return result;
  }

  private WriteResult merge(TableSpec spec, Dataset<Row> rows, String newerCondition) {
    Dataset<Row> conformed = spec.conform(rows);
    if (!exists(spec.name())) {
      return create(spec, conformed);
    }
    long before = version(spec.name());
    DeltaTable.forPath(spark, location(spec.name())).as("t")
        .merge(conformed.as("s"), keyMatch(spec))
        .whenMatched("(" + newerCondition + ") AND NOT (" + sameRow(spec) + ")").updateAll()
        .whenNotMatched().insertAll()
        .execute();
    register(spec);
    long after = version(spec.name());
    return new WriteResult(spec.name(), -1, after, after != before);
  }

  /** The table's first write: the conformed rows, one file per partition. */
  private WriteResult create(TableSpec spec, Dataset<Row> conformed) {
    overwrite(spec, clusteredForWrite(spec, conformed), null);
    register(spec);
    return new WriteResult(spec.name(), -1, version(spec.name()), true);
  }

  /**
   * Writes the whole table (its first write, or a replacement in one commit); Delta takes the
   * delta.* options as a new table's properties.
   */
  private void overwrite(TableSpec spec, Dataset<Row> conformed, Fingerprint fingerprint) {
    DataFrameWriter<Row> writer = conformed.write();
    if (fingerprint != null) {
      writer = writer.option("userMetadata", FINGERPRINT_METADATA + fingerprint.recorded());
    }
    writer
        .format("delta")
        .mode("overwrite")
        .option("overwriteSchema", "true")
        .options(spec.properties())
        .partitionBy(spec.partitionColumns().toArray(new String[0]))
        .save(location(spec.name()));
  }

  /**
   * Registers the table in the metastore (once) and keeps its table comment and the spec's table
   * properties current. Column comments travel in the Delta schema's field metadata.
   */
  public void register(TableSpec spec) {
    if (registered.contains(spec.name())) {
      return;
    }
    ensureRegistered(spec.name());
    // The comment and properties as the Delta log holds them: read from the snapshot, not a Spark job.
    Metadata metadata = snapshot(spec.name()).metadata();
    Map<String, String> current = JavaConverters.mapAsJavaMap(metadata.configuration());
    List<String> changes = new ArrayList<>();
    if (!Objects.equals(metadata.description(), spec.comment())) {
      changes.add("'comment' = '" + escape(spec.comment()) + "'");
    }
    new TreeMap<>(spec.properties()).forEach((key, value) -> {
      if (!value.equals(current.get(key))) {
        changes.add("'" + escape(key) + "' = '" + escape(value) + "'");
      }
    });
    if (!changes.isEmpty()) {
      spark.sql("ALTER TABLE " + qualifiedName(spec.name()) + " SET TBLPROPERTIES (" + String.join(", ", changes) + ")");
    }
    registered.add(spec.name());
  }

  /**
   * Registers an existing Delta table of this store in the metastore if it is not (e.g. written
   * by a run that used another metastore), without touching its comment or properties.
   */
  public void ensureRegistered(String table) {
    ensureDatabase();
    if (!spark.catalog().tableExists(database, table)) {
      spark.sql("CREATE TABLE IF NOT EXISTS " + qualifiedName(table) + " USING DELTA LOCATION '"
          + escape(location(table)) + "'");
    }
  }

  /** A table of this store whose metastore entry names another folder than the store's. */
  public record Misregistered(String table, String registered, String location) {}

  /**
   * The tables of this store (those with files in its folder) whose metastore entry names another
   * folder. A warehouse copied or moved together with its metastore (the embedded one lives inside
   * it) keeps the old absolute locations: queries by name would read the old folder's tables, or
   * fail where it is gone. (The database's own entry keeps the old folder too: the Hive 2.3 client
   * Spark ships cannot change a database's location, and no table of the job lives there by default.)
   */
  public List<Misregistered> misregistered() {
    List<Misregistered> found = new ArrayList<>();
    var catalog = spark.sessionState().catalog();
    if (!catalog.databaseExists(database)) {
      return found;
    }
    List<CatalogTable> entries;
    try {
      // Two metastore calls for the whole database: this runs before every night and every local query.
      entries = JavaConverters.seqAsJavaList(catalog.getTablesByName(catalog.listTables(database, "*", false)));
    } catch (NoSuchDatabaseException e) {
      throw new IllegalStateException("cannot read the metastore entries of " + database, e);
    }
    for (CatalogTable entry : entries) {
      Option<URI> uri = entry.storage().locationUri();
      if (entry.tableType() == CatalogTableType.VIEW() || uri.isEmpty()) {
        continue;
      }
      String table = entry.identifier().table();
      String registered = qualify(spark, uri.get().toString()).replaceAll("/+$", "");
      if (!registered.equals(location(table)) && exists(table)) {
        found.add(new Misregistered(database + "." + table, registered, location(table)));
      }
    }
    found.sort(Comparator.comparing(Misregistered::table));
    return found;
  }

  /**
   * Registers each table of {@link #misregistered} at this store's folder: its entry is dropped
   * and created again (the table is external: dropping the entry deletes no file, and Delta's
   * {@code SET LOCATION} would compare schemas with a folder that may be gone). Its comment and
   * properties are in the Delta log, so nothing else changes.
   */
  public void reRegister(List<Misregistered> tables) {
    for (Misregistered entry : tables) {
      String table = entry.table().substring(database.length() + 1);
      TableIdentifier id = new TableIdentifier(table, Option.apply(database));
      CatalogTableType type = catalogEntry(spark, id).tableType();
      if (type != CatalogTableType.EXTERNAL()) {
        throw new IllegalStateException(entry.table() + " is registered as a " + type.name()
            + " table, not an external one: dropping its entry could delete " + entry.registered());
      }
      spark.sessionState().catalog().dropTable(id, false, false);
      registered.remove(table);
      ensureRegistered(table);
    }
  }

  /** The metastore entry of a table or view that exists. */
  public static CatalogTable catalogEntry(SparkSession spark, TableIdentifier id) {
    try {
      return spark.sessionState().catalog().getTableMetadata(id);
    } catch (NoSuchDatabaseException | NoSuchTableException e) {
      throw new IllegalStateException("cannot read the metastore entry of " + id, e);
    }
  }

  /** Row count and an order-independent hash of every column except run_id. */
  public static Fingerprint fingerprint(Dataset<Row> rows) {
    List<Column> hashed = new ArrayList<>();
    for (StructField field : rows.schema().fields()) {
      if (field.name().equals(RUN_ID)) {
        continue;
      }
      boolean nested = field.dataType() instanceof MapType || field.dataType() instanceof ArrayType;
      // Maps cannot be hashed directly; their JSON form is deterministic for maps built the same way.
      hashed.add(nested ? to_json(col(field.name())).as(field.name()) : col(field.name()));
    }
    Column rowHash = xxhash64(hashed.toArray(new Column[0])).cast(DataTypes.createDecimalType(38, 0));
    Row result = rows.agg(count(lit(1)), sum(rowHash)).first();
    return new Fingerprint(result.getLong(0), result.isNullAt(1) ? "0" : result.getDecimal(1).toPlainString(),
        rows.schema().catalogString());
  }

  /** Row count, hash sum and the columns (names and types) they were computed over. */
  public record Fingerprint(long rows, String hashSum, String columns) {

    /** As a replacement's commit records it: a changed column (a new one, all null) is a change too. */
    String recorded() {
      return rows + "/" + hashSum + "/" + columns;
    }
  }

  public record WriteResult(String table, long rows, long version, boolean changed) {}

  public static String qualify(SparkSession spark, String location) {
    try {
      Path path = new Path(location);
      FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
      return fs.makeQualified(path).toString();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot resolve location " + location, e);
    }
  }

  /** A local relative path made absolute (so the session's warehouse does not depend on the cwd); URIs as they are. */
  public static String qualifyLocal(String location) {
    return location.matches("^[A-Za-z][A-Za-z0-9+.-]*:.*") ? location : java.nio.file.Paths.get(location).toAbsolutePath().normalize().toString();
  }

  /** Escapes a string for a single-quoted SQL literal; used only for paths and our own comments. */
  static String escape(String text) {
    return text.replace("\\", "\\\\").replace("'", "\\'");
  }
}
