package com.journeyanalytics.jobs.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.journeyanalytics.common.delta.TableStore;
import com.journeyanalytics.common.testing.SparkTestSession;
import com.journeyanalytics.jobs.pipeline.RunLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunLockTest {

  private static final Duration MINUTE = Duration.ofMinutes(1);
  private static final Duration TEN_MINUTES = Duration.ofMinutes(10);

  private final Configuration localHadoop = new Configuration();

  @Test
  void aSecondRunOnTheSameWarehouseRefusesToStartWithExitThree(@TempDir Path exports, @TempDir Path warehouse)
      throws Exception {
    SparkSession spark = SparkTestSession.get();
    String database = SparkTestSession.uniqueDatabase("lock");
    TableStore tables = new TableStore(spark, warehouse.toString(), database + "_store");

    try (RunLock held = RunLock.acquire(localHadoop, tables.warehouse(), "nightly-still-running", MINUTE, TEN_MINUTES)) {
      JobRuns.Result second = JobRuns.run(exports.toString(), warehouse.toString(), JobRuns.conf(exports, database),
          "--run-date", "2026-11-20");

      assertThat(second.status()).isEqualTo(3);
      assertThat(second.err()).contains("another run holds the lock").contains("nightly-still-running")
          .contains("_journey_run.lock");
      assertThat(tables.tableNames()).isEmpty();
      assertThat(holderFiles(warehouse)).containsExactly("nightly-still-running");
    }
    assertThat(holderFiles(warehouse)).isEmpty();
  }

  @Test
  void twoRunsStartedTogetherOnALocalDiskNeverBothHoldTheLock(@TempDir Path warehouse) throws Exception {
    // 20 races in a row: in each, exactly one of the two takes the lock and the other is refused.
    for (int race = 0; race < 20; race++) {
      assertThat(raceOfTwo(localHadoop, warehouse.toUri().toString(), "race" + race))
          .as("race %d", race).containsExactlyInAnyOrder("held", "refused");
      assertThat(holderFiles(warehouse)).isEmpty();
    }
  }

  @Test
  void twoRunsStartedTogetherOnS3NeverBothHoldTheLock(@TempDir Path work) throws Exception {
    try (S3ProxyServer s3 = S3ProxyServer.start(work)) {
      Configuration hadoop = new Configuration();
      s3.hadoopSettings().forEach(hadoop::set);
      // A file system of our own: the test must not leave its settings in Hadoop's shared cache.
      hadoop.setBoolean("fs.s3a.impl.disable.cache", true);
      String warehouse = "s3a://" + S3ProxyServer.BUCKET + "/warehouse";
      for (int race = 0; race < 5; race++) {
        assertThat(raceOfTwo(hadoop, warehouse, "race" + race)).as("race %d", race)
            .containsExactlyInAnyOrder("held", "refused");
      }
      FileSystem fs = RunLock.path(warehouse).getFileSystem(hadoop);
      assertThat(fs.exists(RunLock.path(warehouse)) ? fs.listStatus(RunLock.path(warehouse)) : new Object[0]).isEmpty();
    }
  }

  @Test
  void aKilledHoldersLockIsTakenOverAtOnceOnTheSameHost(@TempDir Path warehouse, @TempDir Path logs) throws Exception {
    String root = warehouse.toUri().toString();
    Process holder = LockHolder.start(root, "killed-run", MINUTE, logs.resolve("holder.log"));
    assertThatThrownBy(() -> RunLock.acquire(localHadoop, root, "while-alive", MINUTE, TEN_MINUTES))
        .isInstanceOf(RunLock.HeldException.class).hasMessageContaining("killed-run");

    holder.destroyForcibly().waitFor();

    // Its heartbeat is seconds old, far from stale: the lock is taken over because its pid is gone.
    try (RunLock next = RunLock.acquire(localHadoop, root, "next-run", MINUTE, TEN_MINUTES)) {
      assertThat(holderFiles(warehouse)).containsExactly("next-run");
    }
  }

  @Test
  void aHolderThatStopsHeartbeatingIsTakenOverAndALiveOneIsNot(@TempDir Path warehouse, @TempDir Path logs)
      throws Exception {
    String root = warehouse.toUri().toString();
    // Wide enough that a holder slowed by a loaded machine still heartbeats in time.
    Duration heartbeat = Duration.ofMillis(200);
    Duration staleAfter = Duration.ofMillis(3000);
    Process holder = LockHolder.start(root, "hung-run", heartbeat, logs.resolve("holder.log"));
    try {
      // Alive and heartbeating for twice the stale timeout: its lock was taken at start, so without
      // the heartbeat it would be 6 s old by now, twice stale.
      Thread.sleep(2 * staleAfter.toMillis());
      assertThatThrownBy(() -> RunLock.acquire(localHadoop, root, "too-early", heartbeat, staleAfter))
          .isInstanceOf(RunLock.HeldException.class).hasMessageContaining("hung-run");

      // SIGSTOP: the process still exists on this host but no longer heartbeats (a hung driver).
      signal(holder, "STOP");
      Thread.sleep(2 * staleAfter.toMillis());
      try (RunLock next = RunLock.acquire(localHadoop, root, "next-run", heartbeat, staleAfter)) {
        assertThat(holderFiles(warehouse)).containsExactly("next-run");
      }
    } finally {
      holder.destroyForcibly().waitFor();
    }
  }

  @Test
  void aClosedLockThatWasTakenOverLeavesTheNewHoldersLock(@TempDir Path warehouse) throws Exception {
    String root = warehouse.toUri().toString();
    RunLock first = RunLock.acquire(localHadoop, root, "first-run", MINUTE, TEN_MINUTES);
    // The first holder's file is deleted as by a takeover; the next run takes the lock.
    Files.delete(warehouse.resolve(RunLock.FILE_NAME).resolve("first-run"));
    Files.deleteIfExists(warehouse.resolve(RunLock.FILE_NAME).resolve(".first-run.crc"));
    try (RunLock next = RunLock.acquire(localHadoop, root, "next-run", MINUTE, TEN_MINUTES)) {
      first.close();
      assertThat(holderFiles(warehouse)).containsExactly("next-run");
    }
  }

  @Test
  void aStaleTimeoutOfLessThanTwoHeartbeatsOrTheOldAgeKeyFailsAtStartUpNamingTheKey(@TempDir Path dir) {
    JobRuns.Result shortStale = JobRuns.run(dir.toString(), dir.resolve("warehouse").toString(),
        JobRuns.conf(dir, "lock_cfg", "journey.lock { heartbeat-interval = 1 minute, stale-after = 90 s }"));
    JobRuns.Result oldKey = JobRuns.run(dir.toString(), dir.resolve("warehouse").toString(),
        JobRuns.conf(dir, "lock_cfg", "journey.lock.stale-after-minutes = 360"));

    assertThat(shortStale.status()).isEqualTo(2);
    assertThat(shortStale.err()).contains("journey.lock.stale-after").contains("twice");
    assertThat(oldKey.status()).isEqualTo(2);
    assertThat(oldKey.err()).contains("journey.lock.stale-after-minutes").contains("replaced by journey.lock.stale-after");
    assertThat(Files.exists(dir.resolve("warehouse"))).isFalse();
  }

  @Test
  void aVacuumRetentionBelowSevenDaysFailsAtStartUpNamingTheKey(@TempDir Path dir) {
    JobRuns.Result result = JobRuns.run(dir.toString(), dir.resolve("warehouse").toString(),
        JobRuns.conf(dir, "lock_cfg", "journey.maintenance.vacuum-retention-hours = 167"), "--mode", "maintenance");

    assertThat(result.status()).isEqualTo(2);
    assertThat(result.err()).contains("journey.maintenance.vacuum-retention-hours").contains("168");
    assertThat(Files.exists(dir.resolve("warehouse"))).isFalse();
  }

  /**
   * Two threads call the real acquire on the same warehouse at the same instant (a barrier);
   * returns "held" or "refused" for each. The winner keeps the lock until both have finished.
   */
  private static List<String> raceOfTwo(Configuration hadoop, String warehouse, String prefix) throws Exception {
    CyclicBarrier start = new CyclicBarrier(2);
    CyclicBarrier done = new CyclicBarrier(2);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<String>> outcomes = new ArrayList<>();
      for (String runId : List.of(prefix + "-a", prefix + "-b")) {
        outcomes.add(pool.submit(() -> {
          start.await();
          RunLock lock = null;
          try {
            lock = RunLock.acquire(hadoop, warehouse, runId, MINUTE, TEN_MINUTES);
          } catch (RunLock.HeldException e) {
            // refused
          }
          done.await();
          if (lock != null) {
            lock.close();
            return "held";
          }
          return "refused";
        }));
      }
      List<String> results = new ArrayList<>();
      for (Future<String> outcome : outcomes) {
        results.add(outcome.get(2, TimeUnit.MINUTES));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }

  /** The holder files (run ids) in a local warehouse's lock folder. */
  private static List<String> holderFiles(Path warehouse) throws Exception {
    Path folder = warehouse.resolve(RunLock.FILE_NAME);
    if (!Files.exists(folder)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(folder)) {
      return files.map(f -> f.getFileName().toString()).filter(name -> !name.startsWith(".")).sorted().toList();
    }
  }

  private static void signal(Process process, String signal) throws Exception {
    int status = new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid())).inheritIO().start().waitFor();
    assertThat(status).as("kill -%s", signal).isZero();
  }
}
