package com.journeyanalytics.jobs.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.journeyanalytics.common.delta.TableStore;
import com.journeyanalytics.common.testing.SparkTestSession;
import com.journeyanalytics.jobs.pipeline.RunLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunLockTest {

  private static final Duration SIX_HOURS = Duration.ofMinutes(360);
  private static final Instant T0 = Instant.parse("2026-11-21T02:00:00Z");

  private final SparkSession spark = SparkTestSession.get();
  private final Configuration hadoop = spark.sparkContext().hadoopConfiguration();

  @Test
  void aSecondRunOnTheSameWarehouseRefusesToStartWithExitThree(@TempDir Path exports, @TempDir Path warehouse)
      throws Exception {
    String database = SparkTestSession.uniqueDatabase("lock");
    TableStore tables = new TableStore(spark, warehouse.toString(), database);

    try (RunLock held = RunLock.acquire(hadoop, tables.warehouse(), "nightly-still-running", SIX_HOURS)) {
      JobRuns.Result second = JobRuns.run(exports.toString(), warehouse.toString(), JobRuns.conf(exports, database),
          "--run-date", "2026-11-20");

      assertThat(second.status()).isEqualTo(3);
      assertThat(second.err()).contains("another run holds the lock").contains("nightly-still-running")
          .contains("_journey_run.lock");
      assertThat(tables.tableNames()).isEmpty();
      assertThat(Files.exists(warehouse.resolve(RunLock.FILE_NAME))).isTrue();
    }
    assertThat(Files.exists(warehouse.resolve(RunLock.FILE_NAME))).isFalse();
  }

  @Test
  void aLockOlderThanTheStaleTimeoutIsTakenOverAndAYoungerOneIsNot(@TempDir Path warehouse) throws Exception {
    String root = warehouse.toUri().toString();
    RunLock crashed = RunLock.acquire(hadoop, root, "crashed-run", SIX_HOURS, Clock.fixed(T0, ZoneOffset.UTC));

    assertThatThrownBy(() -> RunLock.acquire(hadoop, root, "too-early", SIX_HOURS,
        Clock.fixed(T0.plus(Duration.ofMinutes(359)), ZoneOffset.UTC)))
        .isInstanceOf(RunLock.HeldException.class)
        .hasMessageContaining("crashed-run");

    try (RunLock next = RunLock.acquire(hadoop, root, "next-night", SIX_HOURS,
        Clock.fixed(T0.plus(Duration.ofMinutes(361)), ZoneOffset.UTC))) {
      FileSystem fs = next.path().getFileSystem(hadoop);
      assertThat(RunLock.read(fs, next.path()).runId()).isEqualTo("next-night");
      // The crashed run, should it come back to life, must not release the new holder's lock.
      crashed.close();
      assertThat(RunLock.read(fs, next.path()).runId()).isEqualTo("next-night");
    }
    assertThat(Files.exists(warehouse.resolve(RunLock.FILE_NAME))).isFalse();
  }

  @Test
  void aVacuumRetentionBelowSevenDaysFailsAtStartUpNamingTheKey(@TempDir Path dir) {
    JobRuns.Result result = JobRuns.run(dir.toString(), dir.resolve("warehouse").toString(),
        JobRuns.conf(dir, "lock_cfg", "journey.maintenance.vacuum-retention-hours = 167"), "--mode", "maintenance");

    assertThat(result.status()).isEqualTo(2);
    assertThat(result.err()).contains("journey.maintenance.vacuum-retention-hours").contains("168");
    assertThat(Files.exists(dir.resolve("warehouse"))).isFalse();
  }
}
