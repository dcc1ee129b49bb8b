package com.journeyanalytics.jobs.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.journeyanalytics.common.delta.TableStore;
import com.journeyanalytics.common.schema.TableSpec;
import com.journeyanalytics.common.testing.SparkTestSession;
import com.journeyanalytics.jobs.fixtures.ExportFixture;
import com.journeyanalytics.jobs.fixtures.MiniWorld;
import com.journeyanalytics.jobs.fixtures.PublishedRelations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FailureSafetyTest {

  private final SparkSession spark = SparkTestSession.get();

  @Test
  void aReaderQueryingDuringAWriteSeesTheOldOrTheNewVersionNeverAPartialOne(@TempDir Path warehouse) throws Exception {
    TableStore store = new TableStore(spark, warehouse.toString(), SparkTestSession.uniqueDatabase("iso"));
    TableSpec spec = TableSpec.table("numbers", "Numbers").column("n", DataTypes.LongType, "A number").build();
    store.replace(spec, spark.range(10).toDF("n"));
    long versionN = store.version("numbers");
    Set<Long> seen = ConcurrentHashMap.newKeySet();

    // Version N+1: 1000 rows in 8 files, so a reader listing files mid-write would see a part of them.
    CompletableFuture<Void> write = CompletableFuture.runAsync(
        () -> store.replace(spec, spark.range(1000).toDF("n").repartition(8)));
    while (!write.isDone()) {
      seen.add(store.read("numbers").count());
    }
    write.get();
    seen.add(store.read("numbers").count());

    assertThat(seen).isSubsetOf(10L, 1000L).contains(1000L);
    assertThat(spark.read().format("delta").option("versionAsOf", versionN).load(store.location("numbers")).count())
        .isEqualTo(10);
  }

  /**
   * Day 2 arrives without its touches export: the run fails at ingest and changes nothing. The
   * export then arrives empty: the rerun of day 2 succeeds and keeps every earlier row.
   */
  @Test
  void aMissingRequiredExportFailsTheRunAndChangesNothingAndAnEmptyOneKeepsTheRowsOfEarlierDays(
      @TempDir Path exportsDir, @TempDir Path warehouse) throws Exception {
    String database = SparkTestSession.uniqueDatabase("safe");
    TableStore tables = new TableStore(spark, warehouse.toString(), database + "_store");
    TableStore staging = new TableStore(spark, warehouse.toString(), database + "_staging");
    ExportFixture exports = new ExportFixture(exportsDir);
    Path conf = JobRuns.conf(exportsDir, database);
    MiniWorld.writeDay1(exports, spark);
    assertThat(JobRuns.run(exportsDir.toString(), warehouse.toString(), conf, "--run-date", MiniWorld.DAY1).status()).isZero();
    List<String> touchpoints = PublishedRelations.jsonLines(tables.read("touchpoints"));
    List<String> touchpointsWithoutRunId = PublishedRelations.jsonLines(tables.read("touchpoints").drop(TableStore.RUN_ID));
    long touchpointsVersion = tables.version("touchpoints");
    MiniWorld.writeDay2(exports, spark);
    deleteTree(exportsDir.resolve("marketing/touches/export_date=" + MiniWorld.DAY2));

    JobRuns.Result missing = JobRuns.run(exportsDir.toString(), warehouse.toString(), conf, "--run-date", MiniWorld.DAY2);

    assertThat(missing.status()).isEqualTo(1);
    assertThat(missing.err()).contains("failed").contains("touches/freshness");
    Row run = spark.sql("SELECT status, error, finished_at FROM " + tables.qualifiedName("pipeline_runs")
        + " WHERE run_date = DATE'" + MiniWorld.DAY2 + "'").first();
    assertThat(run.getString(0)).isEqualTo("failed");
    assertThat(run.getString(1)).contains("touches/freshness").contains("no export folder export_date=" + MiniWorld.DAY2);
    assertThat(run.isNullAt(2)).isFalse();
    assertThat(PublishedRelations.jsonLines(staging.read("silver_touches").select("touch_id"))).containsExactly(
        "{\"touch_id\":\"t1\"}", "{\"touch_id\":\"t2\"}", "{\"touch_id\":\"t3\"}");
    // Ingest stopped the run, so the touchpoint step never ran: its table is at the day-1 version.
    assertThat(tables.version("touchpoints")).isEqualTo(touchpointsVersion);
    assertThat(PublishedRelations.jsonLines(tables.read("touchpoints"))).isEqualTo(touchpoints);

    exports.write("marketing/touches", MiniWorld.DAY2, "part-0.jsonl.gz", List.of());

    JobRuns.Result empty = JobRuns.run(exportsDir.toString(), warehouse.toString(), conf, "--run-date", MiniWorld.DAY2);

    assertThat(empty.status()).as(empty.err()).isZero();
    assertThat(PublishedRelations.jsonLines(staging.read("silver_touches").select("touch_id"))).containsExactly(
        "{\"touch_id\":\"t1\"}", "{\"touch_id\":\"t2\"}", "{\"touch_id\":\"t3\"}");
    // Without day 2's touches (the form_submit that links v1) day 2 adds no touchpoint: day 1's rows.
    assertThat(PublishedRelations.jsonLines(tables.read("touchpoints").drop(TableStore.RUN_ID))).isEqualTo(touchpointsWithoutRunId);
    assertThat(spark.sql("SELECT status FROM " + tables.qualifiedName("data_quality") + " WHERE run_date = DATE'"
        + MiniWorld.DAY2 + "' AND dataset = 'touches' AND check_name = 'freshness'").first().getString(0)).isEqualTo("warn");
  }

  private static void deleteTree(Path root) throws Exception {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
