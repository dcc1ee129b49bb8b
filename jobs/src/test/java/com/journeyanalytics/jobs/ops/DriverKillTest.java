package com.journeyanalytics.jobs.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.journeyanalytics.common.delta.TableStore;
import com.journeyanalytics.common.testing.SparkTestSession;
import com.journeyanalytics.jobs.fixtures.ExportFixture;
import com.journeyanalytics.jobs.fixtures.MiniWorld;
import com.journeyanalytics.jobs.pipeline.RunLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of the driver in the middle of a run: the job runs in a child JVM, which is killed
 * while it writes the touchpoints table. Every table it committed must hold exactly what an
 * uninterrupted run writes, the killed
 * run's lock must not block the next run, its row must become aborted, and a rerun must produce
 * what an uninterrupted run produces.
 */
class DriverKillTest {

  private final SparkSession spark = SparkTestSession.get();

  /** MiniWorld day 1, shared by both tests (read only). */
  @TempDir static Path exportsDir;
  @TempDir static Path reference;
  /** What an uninterrupted run of day 1 publishes: its database and its tables' rows. */
  private static String referenceDatabase;
  private static Map<String, List<String>> uninterrupted;

  @BeforeAll
  static void runUninterrupted() {
    SparkSession spark = SparkTestSession.get();
    MiniWorld.writeDay1(new ExportFixture(exportsDir), spark);
    referenceDatabase = SparkTestSession.uniqueDatabase("uninterrupted");
    assertThat(JobRuns.run(exportsDir.toString(), reference.toString(), JobRuns.conf(reference, referenceDatabase),
        "--run-date", MiniWorld.DAY1).status()).isZero();
    uninterrupted = JobRuns.contentsIgnoringRunId(
        new TableStore(spark, reference.toString(), referenceDatabase + "_store"),
        new TableStore(spark, reference.toString(), referenceDatabase + "_staging"));
  }

  @Test
  void aDriverKilledMidRunLeavesEveryTableReadableAndTheRerunEqualsAnUninterruptedRun(
      @TempDir Path warehouse, @TempDir Path derby) throws Exception {
    String database = SparkTestSession.uniqueDatabase("killed");
    TableStore tables = new TableStore(spark, warehouse.toString(), database + "_store");
    TableStore staging = new TableStore(spark, warehouse.toString(), database + "_staging");
    Path conf = JobRuns.conf(derby, database);

    Process child = JobRuns.startChild(exportsDir, warehouse, conf, derby.resolve("metastore"), MiniWorld.DAY1);
    Path touchpoints = Paths.get(java.net.URI.create(tables.location("touchpoints")));
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
    while (!Files.exists(touchpoints) && child.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(child.isAlive()).as("the child job is still running when touchpoints starts being written").isTrue();
    child.destroyForcibly().waitFor();

    // Each table write is one Delta commit: every table the killed run committed holds exactly
    // what the uninterrupted run wrote, and the cleaned tables ingest wrote before touchpoints are there.
    Map<String, List<String>> killed = JobRuns.contentsIgnoringRunId(tables, staging);
    assertThat(killed).containsKey("staging.silver_touches");
    killed.forEach((table, rows) -> assertThat(rows).as(table).isEqualTo(uninterrupted.get(table)));

    // The killed run's lock is still there, but its process is gone from this host: the next run
    // takes it over at once and marks the killed run's pipeline_runs row aborted.
    try (Stream<Path> holders = Files.list(warehouse.resolve(RunLock.FILE_NAME))) {
      assertThat(holders.filter(f -> !f.getFileName().toString().startsWith("."))).hasSize(1);
    }
    JobRuns.Result rerun = JobRuns.run(exportsDir.toString(), warehouse.toString(), conf, "--run-date", MiniWorld.DAY1);
    assertThat(rerun.status()).as(rerun.err()).isZero();
    List<Row> runs = tables.read("pipeline_runs").orderBy("started_at").select("status", "error", "finished_at")
        .collectAsList();
    assertThat(runs).hasSize(2);
    assertThat(runs.get(0).getString(0)).isEqualTo("aborted");
    assertThat(runs.get(0).getString(1)).startsWith("found dead by run " + MiniWorld.DAY1 + "_");
    assertThat(runs.get(0).getTimestamp(2)).isNotNull();
    assertThat(runs.get(1).getString(0)).isEqualTo("succeeded");

    assertThat(JobRuns.contentsIgnoringRunId(tables, staging)).isEqualTo(uninterrupted);
  }

  /**
   * The JVM halts (as under SIGKILL: no finally, no shutdown hook) after the second view of the
   * publish step. The next run completes that publishing before anything else: the killed run
   * becomes succeeded, and every view of the journey database reads what an uninterrupted night
   * publishes.
   */
  @Test
  void aRunKilledInsideItsPublishStepIsPublishedByTheNextRun(@TempDir Path warehouse, @TempDir Path derby)
      throws Exception {
    String database = SparkTestSession.uniqueDatabase("halted");
    TableStore tables = new TableStore(spark, warehouse.toString(), database + "_store");
    Path conf = JobRuns.conf(derby, database);

    Process child = JobRuns.startChild(exportsDir, warehouse, conf, derby.resolve("metastore"), MiniWorld.DAY1,
        "-Djourney.fault.halt-at=publish:2");
    assertThat(child.waitFor(10, TimeUnit.MINUTES)).isTrue();
    assertThat(child.exitValue()).as(Files.readString(derby.resolve("child.log"))).isEqualTo(137);
    Row killed = tables.read("pipeline_runs").select("run_id", "status", "table_versions").first();
    assertThat(killed.getString(1)).isEqualTo("running");
    assertThat(killed.<String, Long>getJavaMap(2)).containsKeys("touchpoints", "kpis", "quarantine");

    JobRuns.Result next = JobRuns.run(exportsDir.toString(), warehouse.toString(), conf, "--run-date", MiniWorld.DAY1);

    assertThat(next.status()).as(next.err()).isZero();
    Row completed = tables.read("pipeline_runs").where("run_id = '" + killed.getString(0) + "'")
        .select("status", "published_at").first();
    assertThat(completed.getString(0)).isEqualTo("succeeded");
    assertThat(completed.isNullAt(1)).as("published_at").isFalse();
    List<String> views = spark.sql("SHOW VIEWS IN " + referenceDatabase).where("NOT isTemporary").collectAsList()
        .stream().map(r -> r.getString(r.fieldIndex("viewName"))).filter(v -> !v.equals("pipeline_runs")).sorted().toList();
    assertThat(views).contains("touchpoints", "kpis", "customer_journeys", "v_kpi_monthly");
    for (String view : views) {
      assertThat(JobRuns.jsonLines(dropRunId(spark.table(database + "." + view))))
          .as(view).isEqualTo(JobRuns.jsonLines(dropRunId(spark.table(referenceDatabase + "." + view))));
    }
  }

  private static org.apache.spark.sql.Dataset<Row> dropRunId(org.apache.spark.sql.Dataset<Row> rows) {
    return rows.drop(TableStore.RUN_ID);
  }
}
