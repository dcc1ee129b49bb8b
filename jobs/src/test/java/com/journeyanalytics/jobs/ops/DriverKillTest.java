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

  @Test
  void aDriverKilledMidRunLeavesEveryTableReadableAndTheRerunEqualsAnUninterruptedRun(
      @TempDir Path exportsDir, @TempDir Path warehouse, @TempDir Path reference, @TempDir Path derby) throws Exception {
    String database = SparkTestSession.uniqueDatabase("killed");
    TableStore tables = new TableStore(spark, warehouse.toString(), database);
    TableStore staging = new TableStore(spark, warehouse.toString(), database + "_staging");
    MiniWorld.writeDay1(new ExportFixture(exportsDir), spark);
    Path conf = JobRuns.conf(exportsDir, database);
    String referenceDatabase = SparkTestSession.uniqueDatabase("uninterrupted");
    assertThat(JobRuns.run(exportsDir.toString(), reference.toString(), JobRuns.conf(exportsDir, referenceDatabase),
        "--run-date", MiniWorld.DAY1).status()).isZero();
    Map<String, List<String>> uninterrupted = JobRuns.contentsIgnoringRunId(
        new TableStore(spark, reference.toString(), referenceDatabase),
        new TableStore(spark, reference.toString(), referenceDatabase + "_staging"));

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
}
