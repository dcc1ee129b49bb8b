package com.journeyanalytics.jobs.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.journeyanalytics.common.delta.TableStore;
import com.journeyanalytics.common.testing.SparkTestSession;
import com.journeyanalytics.jobs.fixtures.ExportFixture;
import com.journeyanalytics.jobs.fixtures.MiniWorld;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run killed (kill -9) while it holds the lock: the next run on the same host is not blocked by
 * its lock, and finds its pipeline_runs row still at running and marks it aborted.
 */
class DeadRunTest {

  private final SparkSession spark = SparkTestSession.get();

  @Test
  void aKilledRunBlocksNothingAndItsRowBecomesAborted(@TempDir Path exportsDir, @TempDir Path warehouse,
      @TempDir Path derby) throws Exception {
    String database = SparkTestSession.uniqueDatabase("dead");
    TableStore tables = new TableStore(spark, warehouse.toString(), database + "_store");
    MiniWorld.writeDay1(new ExportFixture(exportsDir), spark);
    MiniWorld.writeDay2(new ExportFixture(exportsDir), spark);
    Path conf = JobRuns.conf(exportsDir, database);

    Process child = JobRuns.startChild(exportsDir, warehouse, conf, derby.resolve("metastore"), MiniWorld.DAY1);
    // The run's first commit is its pipeline_runs row at `running`; it is killed right after.
    Path firstCommit = Paths.get(java.net.URI.create(tables.location("pipeline_runs")))
        .resolve("_delta_log").resolve("00000000000000000000.json");
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
    while (!Files.exists(firstCommit) && child.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(Files.exists(firstCommit)).as("the child run recorded its start (see child.log)").isTrue();
    assertThat(child.isAlive()).isTrue();
    child.destroyForcibly().waitFor();
    assertThat(tables.read("pipeline_runs").select("status").collectAsList()).extracting(r -> r.getString(0))
        .containsExactly("running");

    // The next night, at once: the lock's holder process is gone from this host.
    JobRuns.Result next = JobRuns.run(exportsDir.toString(), warehouse.toString(), conf, "--run-date", MiniWorld.DAY2);

    assertThat(next.status()).as(next.err()).isZero();
    List<Row> runs = tables.read("pipeline_runs").orderBy("started_at")
        .select("run_date", "status", "error", "finished_at").collectAsList();
    assertThat(runs).hasSize(2);
    assertThat(runs.get(0).getDate(0).toString()).isEqualTo(MiniWorld.DAY1);
    assertThat(runs.get(0).getString(1)).isEqualTo("aborted");
    assertThat(runs.get(0).getString(2)).matches("found dead by run " + MiniWorld.DAY2
        + "_\\S+: still running when that run took the run lock");
    assertThat(runs.get(0).getTimestamp(3)).isNotNull();
    assertThat(runs.get(1).getDate(0).toString()).isEqualTo(MiniWorld.DAY2);
    assertThat(runs.get(1).getString(1)).isEqualTo("succeeded");
  }
}
