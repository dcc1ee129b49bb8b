package com.journeyanalytics.jobs.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.apache.spark.sql.functions.col;

import com.journeyanalytics.common.delta.TableStore;
import com.journeyanalytics.common.testing.SparkTestSession;
import com.journeyanalytics.jobs.fixtures.ExportFixture;
import com.journeyanalytics.jobs.fixtures.MiniWorld;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Nights run in order: a missed export day is caught up before the requested one; an older date is refused. */
class NightsInOrderTest {

  private static final String DAY3 = "2026-11-22";

  private final SparkSession spark = SparkTestSession.get();

  @Test
  void aSkippedDayIsCaughtUpInOrderAndAnOlderDateIsRefusedWithExitTwo(@TempDir Path exportsDir,
      @TempDir Path warehouse) throws Exception {
    ExportFixture exports = new ExportFixture(exportsDir);
    MiniWorld.writeDay1(exports, spark);
    MiniWorld.writeDay2(exports, spark);
    writeDay3(exportsDir, exports);
    String database = SparkTestSession.uniqueDatabase("order");
    TableStore tables = new TableStore(spark, warehouse.toString(), database + "_store");
    Path conf = JobRuns.conf(exportsDir, database);

    assertThat(run(exportsDir, warehouse, conf, MiniWorld.DAY1).status()).isZero();
    // The scheduler skipped DAY2 (say its run kept failing, or the machine was down) and asks for DAY3.
    JobRuns.Result day3 = run(exportsDir, warehouse, conf, DAY3);

    assertThat(day3.status()).as(day3.err()).isZero();
    assertThat(runsInStartOrder(tables)).containsExactly(
        tuple(MiniWorld.DAY1, "nightly", "succeeded"),
        tuple(MiniWorld.DAY2, "nightly", "succeeded"),
        tuple(DAY3, "nightly", "succeeded"));
    // t4 is only in DAY2's export, t5 only in DAY3's: both nights were ingested.
    assertThat(marketingTouchIds(tables)).containsExactly("t1", "t2", "t3", "t4", "t5");

    JobRuns.Result older = run(exportsDir, warehouse, conf, MiniWorld.DAY2);

    assertThat(older.status()).isEqualTo(2);
    assertThat(older.err()).contains("run date " + MiniWorld.DAY2 + " is before " + DAY3)
        .contains("--mode full_refresh");
    assertThat(runsInStartOrder(tables)).hasSize(3);

    // Rerunning the last published date stays allowed: NightlyRunTest reruns day 2 of MiniWorld.
  }

  /** DAY3: DAY2's folders again (same snapshots, empty CRM and support days), with one new touch t5. */
  private static void writeDay3(Path exportsDir, ExportFixture exports) throws Exception {
    List<Path> day2Files;
    try (Stream<Path> files = Files.walk(exportsDir)) {
      day2Files = files.filter(Files::isRegularFile)
          .filter(f -> f.getParent().getFileName().toString().equals("export_date=" + MiniWorld.DAY2)).toList();
    }
    for (Path file : day2Files) {
      Path target = file.getParent().resolveSibling("export_date=" + DAY3).resolve(file.getFileName());
      Files.createDirectories(target.getParent());
      Files.copy(file, target);
    }
    exports.write("marketing/touches", DAY3, "part-0.jsonl.gz", List.of(
        "{\"touch_id\":\"t5\",\"anonymous_id\":\"v1\",\"channel\":\"paid_search\",\"touch_type\":\"web_visit\","
            + "\"occurred_at\":\"2026-11-22T08:00:00Z\"}"));
  }

  private static JobRuns.Result run(Path exportsDir, Path warehouse, Path conf, String runDate) {
    return JobRuns.run(exportsDir.toString(), warehouse.toString(), conf, "--run-date", runDate);
  }

  private static List<org.assertj.core.groups.Tuple> runsInStartOrder(TableStore tables) {
    return tables.read("pipeline_runs").orderBy("started_at").collectAsList().stream()
        .map(r -> tuple(r.getAs("run_date").toString(), r.<String>getAs("mode"), r.<String>getAs("status")))
        .toList();
  }

  private static List<String> marketingTouchIds(TableStore tables) {
    return tables.read("touchpoints").filter(col("source").equalTo("marketing")).select("source_record_id")
        .collectAsList().stream().map((Row r) -> r.getString(0)).sorted().toList();
  }
}
