package com.journeyanalytics.jobs.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.journeyanalytics.common.delta.TableStore;
import com.journeyanalytics.common.testing.SparkTestSession;
import com.journeyanalytics.jobs.JourneyJob;
import com.journeyanalytics.jobs.fixtures.ExportFixture;
import com.journeyanalytics.jobs.fixtures.MiniWorld;
import com.journeyanalytics.jobs.pipeline.RunLock;
import io.delta.tables.DeltaTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of the driver in the middle of a run: the job runs in a child JVM, which is killed
 * while it writes the touchpoints table. Every Delta table must still be readable, and a rerun
 * must produce what an uninterrupted run produces.
 */
class DriverKillTest {

  /** The JVM flags of the pom's spark.java.opens, which Spark needs on Java 17 (also used by PrivacyRunTest). */
  static final List<String> JAVA_OPENS = List.of("-XX:+IgnoreUnrecognizedVMOptions",
      "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
      "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
      "--add-opens=java.base/java.net=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
      "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
      "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED", "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
      "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
      "--add-opens=java.base/sun.security.action=ALL-UNNAMED", "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
      "-Djdk.reflect.useDirectMethodHandle=false", "-Duser.timezone=UTC");

  private final SparkSession spark = SparkTestSession.get();

  @Test
  void aDriverKilledMidRunLeavesEveryTableReadableAndTheRerunEqualsAnUninterruptedRun(
      @TempDir Path exportsDir, @TempDir Path warehouse, @TempDir Path reference, @TempDir Path derby) throws Exception {
    String database = SparkTestSession.uniqueDatabase("killed");
    TableStore tables = new TableStore(spark, warehouse.toString(), database);
    TableStore staging = new TableStore(spark, warehouse.toString(), database + "_staging");
    MiniWorld.writeDay1(new ExportFixture(exportsDir), spark);
    Path conf = JobRuns.conf(exportsDir, database);

    Process child = startChildJob(exportsDir, warehouse, conf, derby.resolve("metastore"));
    Path touchpoints = Paths.get(java.net.URI.create(tables.location("touchpoints")));
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
    while (!Files.exists(touchpoints) && child.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(child.isAlive()).as("the child job is still running when touchpoints starts being written").isTrue();
    child.destroyForcibly().waitFor();

    for (TableStore store : List.of(tables, staging)) {
      for (String table : store.tableNames()) {
        assertThat(spark.read().format("delta").load(store.location(table)).count()).as(table).isNotNegative();
      }
    }
    assertThat(DeltaTable.isDeltaTable(spark, staging.location("silver_touches"))).isTrue();

    // The crashed run's lock is still there: the next run refuses to start until it is removed (by
    // the operator, or by waiting out journey.lock.stale-after-minutes). The test removes it.
    Path lock = warehouse.resolve(RunLock.FILE_NAME);
    assertThat(Files.exists(lock)).isTrue();
    JobRuns.Result refused = JobRuns.run(exportsDir.toString(), warehouse.toString(), conf, "--run-date", MiniWorld.DAY1);
    assertThat(refused.status()).isEqualTo(3);
    Files.delete(lock);
    Files.deleteIfExists(warehouse.resolve("." + RunLock.FILE_NAME + ".crc"));

    JobRuns.Result rerun = JobRuns.run(exportsDir.toString(), warehouse.toString(), conf, "--run-date", MiniWorld.DAY1);
    assertThat(rerun.status()).as(rerun.err()).isZero();

    String referenceDatabase = SparkTestSession.uniqueDatabase("uninterrupted");
    assertThat(JobRuns.run(exportsDir.toString(), reference.toString(), JobRuns.conf(exportsDir, referenceDatabase),
        "--run-date", MiniWorld.DAY1).status()).isZero();
    assertThat(JobRuns.contentsIgnoringRunId(tables, staging)).isEqualTo(JobRuns.contentsIgnoringRunId(
        new TableStore(spark, reference.toString(), referenceDatabase),
        new TableStore(spark, reference.toString(), referenceDatabase + "_staging")));
  }

  /** JourneyJob in a child JVM: the test classpath, local[1], its own Derby metastore, no UI. */
  private static Process startChildJob(Path exports, Path warehouse, Path conf, Path derby) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx1g");
    command.addAll(JAVA_OPENS);
    command.addAll(Arrays.asList("-Dderby.stream.error.file=" + derby.resolveSibling("derby.log"),
        "-cp", System.getProperty("java.class.path"), JourneyJob.class.getName(),
        "--exports", exports.toString(), "--warehouse", warehouse.toString(), "--conf", conf.toString(),
        "--run-date", MiniWorld.DAY1,
        "--spark-conf", "spark.sql.shuffle.partitions=1", "--spark-conf", "spark.default.parallelism=1",
        "--spark-conf", "spark.ui.enabled=false", "--spark-conf", "spark.driver.host=127.0.0.1",
        "--spark-conf", "spark.driver.bindAddress=127.0.0.1"));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(derby.resolveSibling("child.log").toFile());
    // local[1] and the child's own metastore, as config overrides layered over the --conf file.
    Files.writeString(conf, Files.readString(conf) + "journey.spark.local-master = \"local[1]\"\n"
        + "journey.metastore.derby-path = \"" + derby + "\"\n");
    return builder.start();
  }
}
