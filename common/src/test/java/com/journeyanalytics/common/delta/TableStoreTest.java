package com.journeyanalytics.common.delta;

import static com.journeyanalytics.common.testing.DataFrameAssert.assertThatDataFrame;
import static com.journeyanalytics.common.testing.DataFrameAssert.row;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.assertj.core.api.Assertions.assertThat;

import com.journeyanalytics.common.delta.TableStore.WriteResult;
import com.journeyanalytics.common.schema.TableSpec;
import com.journeyanalytics.common.testing.DailyThings;
import com.journeyanalytics.common.testing.RecordsRead;
import com.journeyanalytics.common.testing.SparkTestSession;
import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TableStoreTest {

  private static final TableSpec SPEC = TableSpec.table("things", "Things for the test")
      .column("thing", StringType, "The thing")
      .column("amount", LongType, "How many")
      .column("run_id", StringType, "Run")
      .key("thing")
      .build();

  private static final TableSpec DAILY = DailyThings.SPEC;

  private final SparkSession spark = SparkTestSession.get();

  private Dataset<Row> things(String runId, Object... thingAmountPairs) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < thingAmountPairs.length; i += 2) {
      rows.add(RowFactory.create(thingAmountPairs[i], thingAmountPairs[i + 1], runId));
    }
    return spark.createDataFrame(rows, SPEC.schema());
  }

  @Test
  void replacingWithTheSameContentKeepsTheTableAndItsRunIds(@TempDir Path warehouse) {
    TableStore store = new TableStore(spark, warehouse.toString(), SparkTestSession.uniqueDatabase("store"));

    WriteResult first = store.replace(SPEC, things("run-1", "a", 1L, "b", 2L));
    WriteResult second = store.replace(SPEC, things("run-2", "b", 2L, "a", 1L));

    assertThat(first.changed()).isTrue();
    assertThat(first.rows()).isEqualTo(2);
    assertThat(second.changed()).isFalse();
    assertThat(second.rows()).isEqualTo(2);
    assertThat(second.version()).isEqualTo(first.version());
    assertThatDataFrame(store.read("things"))
        .containsExactlyRowsInAnyOrder(List.of("thing", "amount", "run_id"), List.of(row("a", 1, "run-1"), row("b", 2, "run-1")));
  }

  @Test
  void replacingWithNewContentWritesANewVersion(@TempDir Path warehouse) {
    TableStore store = new TableStore(spark, warehouse.toString(), SparkTestSession.uniqueDatabase("store"));

    WriteResult first = store.replace(SPEC, things("run-1", "a", 1L));
    WriteResult second = store.replace(SPEC, things("run-2", "a", 5L));

    assertThat(second.changed()).isTrue();
    assertThat(second.version()).isEqualTo(first.version() + 1);
    assertThatDataFrame(store.read("things"))
        .containsExactlyRowsInAnyOrder(List.of("thing", "amount", "run_id"), List.of(row("a", 5, "run-2")));
  }

  @Test
  void aSmallTableIsReadIntoTheDriverAndALargerOneByEachQueryBothAsOfTheRead(@TempDir Path warehouse) {
    String database = SparkTestSession.uniqueDatabase("store");
    TableStore store = new TableStore(spark, warehouse.toString(), database);
    // A limit of 0 bytes: every table is larger, so each query of the frame reads the table's files.
    TableStore noLocalReads = new TableStore(spark, warehouse.toString(), database, 0);
    List<String> columns = List.of("thing", "amount", "run_id");

    store.replace(SPEC, things("run-1", "a", 1L, "b", 2L));
    Dataset<Row> small = store.read("things");
    store.replace(SPEC, things("run-2", "c", 3L));
    Dataset<Row> large = noLocalReads.read("things");
    store.replace(SPEC, things("run-3", "d", 4L));

    // The small table's rows came into the driver: the frame reads no file, and keeps the rows of
    // version 0 after two more writes.
    assertThat(small.inputFiles()).isEmpty();
    assertThatDataFrame(small).containsExactlyRowsInAnyOrder(columns, List.of(row("a", 1, "run-1"), row("b", 2, "run-1")));
    // The other frame reads the table's file at version 1, the current one when it was read.
    assertThat(large.inputFiles()).hasSize(1);
    assertThatDataFrame(large).containsExactlyRowsInAnyOrder(columns, List.of(row("c", 3, "run-2")));
    assertThatDataFrame(store.read("things")).containsExactlyRowsInAnyOrder(columns, List.of(row("d", 4, "run-3")));
  }

  /**
   * A small table read again at the same version is not read from its files again (the steps of a
   * night read the same silver tables): its data file is deleted after the first read, and the
   * second still gives its rows. A new version, and a table created again in the same folder (its
   * version 0 again, another table id), are read from their files.
   */
  @Test
  void aSmallTableReadAgainAtTheSameVersionIsNotReadFromItsFilesAgain(@TempDir Path warehouse) throws IOException {
    TableStore store = new TableStore(spark, warehouse.toString(), SparkTestSession.uniqueDatabase("store"));
    List<String> columns = List.of("thing", "amount", "run_id");
    store.replace(SPEC, things("run-1", "a", 1L));
    assertThatDataFrame(store.read("things")).containsExactlyRowsInAnyOrder(columns, List.of(row("a", 1, "run-1")));

    Path table = Path.of(store.location("things").replaceFirst("^file:", ""));
    deleteDataFiles(table);
    assertThatDataFrame(store.read("things")).containsExactlyRowsInAnyOrder(columns, List.of(row("a", 1, "run-1")));

    store.replace(SPEC, things("run-2", "b", 2L));
    assertThatDataFrame(store.read("things")).containsExactlyRowsInAnyOrder(columns, List.of(row("b", 2, "run-2")));

    try (var files = Files.walk(table)) {
      files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
    }
    store.replace(SPEC, things("run-3", "c", 3L));
    assertThat(store.version("things")).isZero();
    assertThatDataFrame(store.read("things")).containsExactlyRowsInAnyOrder(columns, List.of(row("c", 3, "run-3")));
  }

  private static void deleteDataFiles(Path table) throws IOException {
    try (var files = Files.list(table)) {
      for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".parquet")).toList()) {
        Files.delete(file);
      }
    }
  }

  @Test
  void aReplacementRecordsItsFingerprintAndOneAfterAnotherKindOfCommitReadsTheTable(@TempDir Path warehouse) {
    String database = SparkTestSession.uniqueDatabase("store");
    TableStore store = new TableStore(spark, warehouse.toString(), database);
    store.replace(SPEC, things("run-1", "a", 1L));
    store.replace(SPEC, things("run-2", "a", 1L, "b", 2L));
    // The second replacement's commit records its 2 rows, their hash sum and the columns hashed.
    String recorded = DeltaTable.forPath(spark, store.location("things")).history(1).first().getAs("userMetadata");
    assertThat(recorded).matches("journey\\.fingerprint 2/-?[0-9]+/struct<thing:string,amount:bigint,run_id:string>");
    assertThat(store.replace(SPEC, things("run-3", "b", 2L, "a", 1L)).changed()).isFalse();

    // A commit without a record (a delete, as a maintenance job might run) comes last: the next
    // replacement reads the table, finds b missing and writes both rows again.
    spark.sql("DELETE FROM " + store.qualifiedName("things") + " WHERE thing = 'b'");
    WriteResult afterDelete = store.replace(SPEC, things("run-4", "a", 1L, "b", 2L));

    assertThat(afterDelete.changed()).isTrue();
    assertThatDataFrame(store.read("things")).containsExactlyRowsInAnyOrder(List.of("thing", "amount", "run_id"),
        List.of(row("a", 1, "run-4"), row("b", 2, "run-4")));
  }

  @Test
  void aColumnTheSpecAddsIsWrittenEvenWhenAllItsValuesAreNull(@TempDir Path warehouse) {
    TableSpec withNote = TableSpec.table("things", "Things for the test")
        .column("thing", StringType, "The thing")
        .column("amount", LongType, "How many")
        .column("note", StringType, "A column added by a later version")
        .column("run_id", StringType, "Run")
        .key("thing")
        .build();
    for (boolean recorded : List.of(false, true)) {
      TableStore store = new TableStore(spark, warehouse.resolve("recorded-" + recorded).toString(),
          SparkTestSession.uniqueDatabase("store"));
      store.replace(SPEC, things("run-1", "a", 1L));
      if (recorded) {
        // A second, changed replacement: its commit records a fingerprint; the first one's did not.
        store.replace(SPEC, things("run-2", "a", 2L));
      }
      long amount = recorded ? 2L : 1L;

      WriteResult widened = store.replace(withNote,
          spark.createDataFrame(List.of(RowFactory.create("a", amount, null, "run-3")), withNote.schema()));

      // The null note leaves the rows' hash as it was; the columns differ, so the table is rewritten.
      assertThat(widened.changed()).as("with a recorded fingerprint: " + recorded).isTrue();
      assertThat(store.read("things").columns()).containsExactly("thing", "amount", "note", "run_id");
    }
  }

  @Test
  void registeredTablesCarryTableAndColumnComments(@TempDir Path warehouse) {
    String database = SparkTestSession.uniqueDatabase("store");
    TableStore store = new TableStore(spark, warehouse.toString(), database);

    store.replace(SPEC, things("run-1", "a", 1L));

    List<String> described = spark.sql("DESCRIBE TABLE EXTENDED " + database + ".things").collectAsList().stream()
        .map(r -> r.getString(0) + "|" + (r.getString(0).equals("Comment") ? r.getString(1) : r.getString(2)))
        .collect(Collectors.toList());
    assertThat(described).contains("thing|The thing", "amount|How many");
    assertThat(described).contains("Comment|Things for the test");
  }

  @Test
  void replacingASliceLeavesOtherSlicesAlone(@TempDir Path warehouse) {
    TableStore store = new TableStore(spark, warehouse.toString(), SparkTestSession.uniqueDatabase("store"));
    store.replace(SPEC, things("run-1", "a", 1L, "b", 2L));

    store.replaceSlice(SPEC, things("run-2", "b", 3L), Map.of("thing", "b"));

    assertThatDataFrame(store.read("things"))
        .containsExactlyRowsInAnyOrder(List.of("thing", "amount", "run_id"), List.of(row("a", 1, "run-1"), row("b", 3, "run-2")));
  }

  @Test
  void syncingATableWithDeletionVectorsWritesOnlyTheChangedRowsAndKeepsUnchangedOnes(@TempDir Path warehouse) {
    TableStore store = new TableStore(spark, warehouse.toString(), SparkTestSession.uniqueDatabase("store"));
    store.sync(DAILY, DailyThings.rows("run-1", "a", "d1", 1L, "b", "d1", 2L, "c", "d2", 3L));

    WriteResult second = store.sync(DAILY, DailyThings.rows("run-2", "a", "d1", 1L, "b", "d1", 20L, "d", "d2", 4L));

    assertThat(second.rows()).isEqualTo(3);
    assertThatDataFrame(store.read("daily_things")).containsExactlyRowsInAnyOrder(
        List.of("thing", "day", "amount", "run_id"),
        List.of(row("a", "d1", 1, "run-1"), row("b", "d1", 20, "run-2"), row("d", "d2", 4, "run-2")));
    Map<String, String> metrics = DeltaTable.forPath(spark, store.location("daily_things"))
        .history(1).select("operationMetrics").first().getJavaMap(0);
    // b updated, c deleted, d inserted; a stays in its file, copied nowhere.
    assertThat(metrics).containsEntry("numTargetRowsUpdated", "1").containsEntry("numTargetRowsDeleted", "1")
        .containsEntry("numTargetRowsInserted", "1").containsEntry("numTargetRowsCopied", "0");
    // The first write left one file per day. The sync added one per day (b, d) and removed d2's first
    // file, whose only row (c) it deleted; d1's first file stays, b's old copy marked deleted in it.
    Row detail = DeltaTable.forPath(spark, store.location("daily_things")).detail()
        .select("numFiles", "properties").first();
    assertThat(detail.getLong(0)).isEqualTo(3);
    assertThat(detail.<String, String>getJavaMap(1)).containsEntry("delta.enableDeletionVectors", "true");
  }

  @Test
  void syncingRowsThatDifferOnlyInRunIdCommitsNothing(@TempDir Path warehouse) {
    TableStore store = new TableStore(spark, warehouse.toString(), SparkTestSession.uniqueDatabase("store"));
    store.sync(DAILY, DailyThings.rows("run-1", "a", "d1", 1L, "b", "d2", 2L));
    long before = store.version("daily_things");

    WriteResult again = store.sync(DAILY, DailyThings.rows("run-2", "b", "d2", 2L, "a", "d1", 1L));

    assertThat(again.changed()).isFalse();
    assertThat(again.rows()).isEqualTo(2);
    assertThat(store.version("daily_things")).isEqualTo(before);
    assertThatDataFrame(store.read("daily_things")).containsExactlyRowsInAnyOrder(
        List.of("thing", "day", "amount", "run_id"), List.of(row("a", "d1", 1, "run-1"), row("b", "d2", 2, "run-1")));
  }

  @Test
  void syncingWithinAScopeMakesTheScopedRowsTheGivenOnesAndLeavesTheRestAlone(@TempDir Path warehouse) {
    TableStore store = new TableStore(spark, warehouse.toString(), SparkTestSession.uniqueDatabase("store"));
    store.sync(DAILY, DailyThings.rows("run-1", "a", "x", 1L, "b", "x", 2L, "c", "y", 3L, "d", "z", 4L));
    Dataset<Row> scope = spark.createDataFrame(List.of(RowFactory.create("x"), RowFactory.create("y")),
        new org.apache.spark.sql.types.StructType().add("day", StringType));

    // Days x and y now hold a (as it was), b (changed) and e (new); c is gone. Day z is not in the scope.
    WriteResult written = store.syncWithin(DAILY, DailyThings.rows("run-2", "a", "x", 1L, "b", "x", 20L, "e", "y", 5L), "day",
        scope, "recomputed days x and y");

    // a, b, d and e.
    assertThat(written.rows()).isEqualTo(4);
    assertThat(written.changed()).isTrue();
    assertThatDataFrame(store.read("daily_things")).containsExactlyRowsInAnyOrder(
        List.of("thing", "day", "amount", "run_id"),
        List.of(row("a", "x", 1, "run-1"), row("b", "x", 20, "run-2"), row("d", "z", 4, "run-1"),
            row("e", "y", 5, "run-2")));
    Row commit = DeltaTable.forPath(spark, store.location("daily_things")).history(1)
        .select("operationMetrics", "userMetadata").first();
    // b updated, c deleted, e inserted; a and d untouched.
    assertThat(commit.<String, String>getJavaMap(0)).containsEntry("numTargetRowsUpdated", "1")
        .containsEntry("numTargetRowsDeleted", "1").containsEntry("numTargetRowsInserted", "1")
        .containsEntry("numTargetRowsCopied", "0");
    assertThat(commit.getString(1)).isEqualTo("recomputed days x and y");
    assertThat(spark.conf().getOption("spark.databricks.delta.commitInfo.userMetadata").isDefined()).isFalse();
  }

  @Test
  void aSyncsMergeReadsOnlyTheFilesOfThePartitionsWhereItChangesOrDeletesRows(@TempDir Path warehouse) {
    TableStore store = new TableStore(spark, warehouse.toString(), SparkTestSession.uniqueDatabase("store"));
    // One file per day, one row each.
    store.sync(DAILY, DailyThings.rows("run-1", "a", "d1", 1L, "b", "d2", 2L, "c", "d3", 3L, "d", "d4", 4L));

    // b changes (in d2), d moves from d4 to d1, e is new (d5): the current rows that change lie in d2 and d4.
    RecordsRead reads = RecordsRead.byJobsDescribed("MERGE operation - scanning files for matches");
    try {
      store.sync(DAILY, DailyThings.rows("run-2", "a", "d1", 1L, "b", "d2", 20L, "c", "d3", 3L, "d", "d1", 4L,
          "e", "d5", 5L));
    } finally {
      reads.stop();
    }

    assertThatDataFrame(store.read("daily_things")).containsExactlyRowsInAnyOrder(
        List.of("thing", "day", "amount", "run_id"),
        List.of(row("a", "d1", 1, "run-1"), row("b", "d2", 20, "run-2"), row("c", "d3", 3, "run-1"),
            row("d", "d1", 4, "run-2"), row("e", "d5", 5, "run-2")));
    // Delta's search for the rows to update read the files of d2 and d4, 1 row each: 2 rows. Without
    // the partitions in the merge condition it read all 4 files: 4 rows.
    assertThat(reads.total()).isEqualTo(2);

    // Only a new row (f): no current row changes, so the merge reads no file and inserts f.
    RecordsRead insertOnly = RecordsRead.byJobsDescribed("MERGE operation - scanning files for matches");
    try {
      store.syncWithin(DAILY, DailyThings.rows("run-3", "f", "d6", 6L), "thing",
          DailyThings.rows("run-3", "f", "d6", 6L), "f is new");
    } finally {
      insertOnly.stop();
    }

    assertThat(insertOnly.total()).isZero();
    assertThat(store.read("daily_things").where("thing = 'f'").selectExpr("day", "amount").collectAsList())
        .containsExactly(RowFactory.create("d6", 6L));
    assertThat(store.read("daily_things").count()).isEqualTo(6);
  }

  @Test
  void aCompactionChangesNoRowSinceTheVersionBeforeItButAMergeOrADeleteDoes(@TempDir Path warehouse) {
    TableStore store = new TableStore(spark, warehouse.toString(), SparkTestSession.uniqueDatabase("store"));
    store.sync(DAILY, DailyThings.rows("run-1", "a", "d1", 1L, "b", "d2", 2L));
    long written = store.version("daily_things");
    // The merge writes c into a second file of d1: something for OPTIMIZE to compact.
    store.sync(DAILY, DailyThings.rows("run-2", "a", "d1", 1L, "b", "d2", 2L, "c", "d1", 3L));
    long merged = store.version("daily_things");

    DeltaTable.forPath(spark, store.location("daily_things")).optimize().executeCompaction();

    assertThat(store.version("daily_things")).isEqualTo(merged + 1);
    assertThat(store.rowsUnchangedSince("daily_things", merged)).isTrue();
    assertThat(store.rowsUnchangedSince("daily_things", written)).isFalse();

    spark.sql("DELETE FROM delta.`" + store.location("daily_things") + "` WHERE thing = 'c'");

    assertThat(store.rowsUnchangedSince("daily_things", merged)).isFalse();
    assertThat(store.rowsUnchangedSince("daily_things", store.version("daily_things"))).isTrue();
  }

  @Test
  void aReplacementsFingerprintIsFoundThroughACompactionButNotThroughADelete(@TempDir Path warehouse) {
    TableStore store = new TableStore(spark, warehouse.toString(), SparkTestSession.uniqueDatabase("store"));
    store.replace(SPEC, things("run-1", "a", 1L));
    // A replacement of an existing table records its fingerprint; written from two partitions, in two
    // files, so that OPTIMIZE has something to compact.
    store.replace(SPEC, things("run-2", "a", 1L, "b", 2L, "c", 3L, "d", 4L).repartition(2, org.apache.spark.sql.functions.col("thing")));
    assertThat(DeltaTable.forPath(spark, store.location("things")).detail().first().<Long>getAs("numFiles")).isEqualTo(2L);
    String recorded = DeltaTable.forPath(spark, store.location("things")).history(1).first().getAs("userMetadata");

    DeltaTable.forPath(spark, store.location("things")).optimize().executeCompaction();

    assertThat(DeltaTable.forPath(spark, store.location("things")).history(1).first().<String>getAs("operation"))
        .isEqualTo("OPTIMIZE");
    assertThat(store.recordedFingerprint("things")).contains(recorded.substring(TableStore.FINGERPRINT_METADATA.length()));
    WriteResult same = store.replace(SPEC, things("run-3", "d", 4L, "c", 3L, "b", 2L, "a", 1L));
    assertThat(same.changed()).isFalse();

    spark.sql("DELETE FROM delta.`" + store.location("things") + "` WHERE thing = 'b'");

    assertThat(store.recordedFingerprint("things")).isEmpty();
  }
}
