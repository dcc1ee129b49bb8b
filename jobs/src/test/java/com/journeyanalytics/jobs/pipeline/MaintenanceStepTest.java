package com.journeyanalytics.jobs.pipeline;

import static com.journeyanalytics.common.testing.DataFrameAssert.assertThatDataFrame;
import static com.journeyanalytics.common.testing.DataFrameAssert.row;
import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import com.journeyanalytics.common.config.JobConfig;
import com.journeyanalytics.common.delta.TableStore;
import com.journeyanalytics.common.testing.DailyThings;
import com.journeyanalytics.common.testing.SparkTestSession;
import com.journeyanalytics.jobs.fixtures.TestRuns;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.Snapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Maintenance rewrites what nights changed since it last ran, and leaves every other file as it is. */
class MaintenanceStepTest {

  private final SparkSession spark = SparkTestSession.get();

  @Test
  void maintenanceRewritesOnlyTheDaysAMergeChangedAndPurgesTheirDeletedRows(@TempDir Path warehouse) {
    JobConfig config = TestRuns.config(warehouse.resolve("exports"), warehouse, Map.of());
    RunContext night = TestRuns.context(config, "run-1", "2026-11-20", RunMode.NIGHTLY);
    TableStore store = night.tables();
    // One file per day: d1 {a, f}, d2 {b, c}, d3 {e}.
    store.sync(DailyThings.SPEC,
        DailyThings.rows("run-1", "a", "d1", 1L, "f", "d1", 6L, "b", "d2", 2L, "c", "d2", 3L, "e", "d3", 5L).coalesce(1));
    String d3File = files(store).get("d3").get(0).path();
    // The next night's merge: a changes (d1: its file gets a deletion vector, a new file holds the new
    // a), c goes (d2: its one file gets a deletion vector), d3 is untouched.
    store.sync(DailyThings.SPEC, DailyThings.rows("run-2", "a", "d1", 10L, "f", "d1", 6L, "b", "d2", 2L, "e", "d3", 5L));
    assertThat(files(store).get("d1")).hasSize(2);
    assertThat(files(store).get("d2")).singleElement().matches(DataFile::deletedRows, "has a deletion vector");
    long merged = store.version("daily_things");

    new Pipeline(List.of(new MaintenanceStep()), "test")
        .run(TestRuns.context(config, "run-m", "2026-11-20", RunMode.MAINTENANCE));

    Map<String, List<DataFile>> after = files(store);
    // d1 compacted into one file, d2's file rewritten without c; d3's file is the one written first.
    assertThat(after.get("d1")).singleElement().matches(file -> !file.deletedRows(), "no deletion vector");
    assertThat(after.get("d2")).singleElement().matches(file -> !file.deletedRows(), "no deletion vector");
    assertThat(after.get("d3")).extracting(DataFile::path).containsExactly(d3File);
    assertThat(store.rowsUnchangedSince("daily_things", merged)).isTrue();
    assertThatDataFrame(store.read("daily_things")).containsExactlyRowsInAnyOrder(
        List.of("thing", "day", "amount", "run_id"),
        List.of(row("a", "d1", 10L, "run-2"), row("f", "d1", 6L, "run-1"), row("b", "d2", 2L, "run-1"),
            row("e", "d3", 5L, "run-1")));
  }

  private record DataFile(String path, boolean deletedRows) {}

  /** The table's data files by day, from its Delta log. */
  private Map<String, List<DataFile>> files(TableStore store) {
    DeltaLog log = DeltaLog.forTable(spark, store.location("daily_things"));
    Snapshot snapshot = log.update(log.update$default$1(), log.update$default$2(), log.update$default$3());
    Map<String, List<DataFile>> byDay = new TreeMap<>();
    for (Row file : snapshot.allFiles().toDF()
        .select(col("partitionValues").getItem("day"), col("path"), col("deletionVector").isNotNull())
        .collectAsList()) {
      byDay.computeIfAbsent(file.getString(0), day -> new ArrayList<>()).add(new DataFile(file.getString(1), file.getBoolean(2)));
    }
    return byDay;
  }
}
