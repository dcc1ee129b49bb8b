package com.journeyanalytics.jobs.pipeline;

import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The warehouse's run lock: the folder {@code <warehouse>/_journey_run.lock}, holding one small
 * file per holder (named by its run id: run id, host, pid, start and heartbeat time). One run at
 * a time per warehouse.
 *
 * <p>Taking it: look at the files there (a dead holder's file is deleted, any other means the lock
 * is held), write our own file, then list the folder again. We hold the lock when ours is the only
 * file. Two runs A and B cannot both hold it: A's second listing missed B's file only if it came
 * before B wrote it, and then B's second listing, later still, sees A's file. When both see each
 * other, both withdraw their file and try again after a random pause. This needs only whole-file
 * writes and a listing that shows every completed write, which a local disk, HDFS and S3 (strongly
 * consistent since December 2020) all give. It is used instead of {@code create(overwrite = false)}
 * because neither S3A (Hadoop 3.3.4) nor Hadoop's local file system makes that create atomic, and
 * instead of a Delta commit because Delta's default S3 log store only excludes writers within one
 * JVM.
 *
 * <p>While held, a daemon thread rewrites our file's heartbeat time every heartbeat interval. A
 * holder is dead, and its file is deleted by the next run, when its heartbeat is older than the
 * stale timeout or when it ran on this host and its process is gone. Closing stops the heartbeat
 * and deletes our file only: a run that was taken over never removes its successor's lock.
 */
public final class RunLock implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(RunLock.class);
  public static final String FILE_NAME = "_journey_run.lock";
  /** Rounds of "both wrote at once" before giving up; each round one of the two usually wins. */
  private static final int MAX_ROUNDS = 20;

  private final FileSystem fs;
  private final Path file;
  private final Holder holder;
  private final ScheduledExecutorService heartbeat;

  private RunLock(FileSystem fs, Path file, Holder holder, Duration heartbeatInterval) {
    this.fs = fs;
    this.file = file;
    this.holder = holder;
    this.heartbeat = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "journey-run-lock-heartbeat");
      thread.setDaemon(true);
      return thread;
    });
    long millis = heartbeatInterval.toMillis();
    heartbeat.scheduleWithFixedDelay(this::beat, millis, millis, TimeUnit.MILLISECONDS);
  }

  /** Another run holds the lock; exit status 3. */
  public static final class HeldException extends RuntimeException {
    public HeldException(String message) {
      super(message);
    }
  }

  /** Who holds a lock, as written in its file; pid -1 and host "?" when the file could not be read. */
  public record Holder(String runId, String host, long pid, Instant startedAt, Instant heartbeatAt) {
    @Override
    public String toString() {
      return "run " + runId + " on host " + host + ", pid " + pid + ", started " + startedAt + ", last heartbeat "
          + heartbeatAt;
    }
  }

  /** The lock folder of a warehouse. */
  public static Path path(String warehouse) {
    return new Path(warehouse, FILE_NAME);
  }

  /**
   * Takes the warehouse's lock for {@code runId}, taking over the lock of a dead holder; throws
   * {@link HeldException} if a live run holds it.
   */
  public static RunLock acquire(Configuration hadoopConf, String warehouse, String runId, Duration heartbeatInterval,
      Duration staleAfter) {
    Path folder = path(warehouse);
    Path mine = new Path(folder, runId);
    try {
      FileSystem fs = folder.getFileSystem(hadoopConf);
      Instant now = Instant.now();
      Holder me = new Holder(runId, hostName(), ProcessHandle.current().pid(), now, now);
      for (int round = 1; round <= MAX_ROUNDS; round++) {
        List<Holder> live = new ArrayList<>();
        for (FileStatus other : others(fs, folder, mine)) {
          Optional<Holder> found = read(fs, other);
          if (found.isEmpty()) {
            continue;
          }
          Optional<String> death = deathOf(found.get(), staleAfter);
          if (death.isPresent()) {
            LOG.warn("taking over the run lock of a dead run ({}): {}", found.get(), death.get());
            fs.delete(other.getPath(), false);
          } else {
            live.add(found.get());
          }
        }
        if (!live.isEmpty()) {
          throw new HeldException("another run holds the lock " + folder + " (" + live.get(0) + "); it is taken "
              + "over once that run's process is gone from this host or its heartbeat is older than "
              + "journey.lock.stale-after (" + staleAfter + ")");
        }
        write(fs, mine, me);
        if (others(fs, folder, mine).isEmpty()) {
          LOG.info("run lock {} taken by run {}", folder, runId);
          return new RunLock(fs, mine, me, heartbeatInterval);
        }
        // Another run wrote its file at the same moment: both withdraw and look again at random times.
        fs.delete(mine, false);
        Thread.sleep(ThreadLocalRandom.current().nextLong(50, 500));
      }
      throw new HeldException("could not take the lock " + folder + ": other runs kept starting at the same moment");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot take the run lock " + folder, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HeldException("interrupted while taking the lock " + folder);
    }
  }

  /** Why a holder counts as dead, if it does: no recent heartbeat, or its process gone from this host. */
  private static Optional<String> deathOf(Holder holder, Duration staleAfter) {
    Duration silent = Duration.between(holder.heartbeatAt(), Instant.now());
    if (silent.compareTo(staleAfter) > 0) {
      return Optional.of("no heartbeat for " + silent.toSeconds() + " s (journey.lock.stale-after " + staleAfter + ")");
    }
    if (holder.pid() > 0 && holder.host().equals(hostName())
        && ProcessHandle.of(holder.pid()).map(p -> !p.isAlive()).orElse(true)) {
      return Optional.of("its process " + holder.pid() + " is gone from this host");
    }
    return Optional.empty();
  }

  /** The holder files in the lock folder other than {@code mine} (none if the folder does not exist). */
  private static List<FileStatus> others(FileSystem fs, Path folder, Path mine) throws IOException {
    List<FileStatus> others = new ArrayList<>();
    try {
      for (FileStatus status : fs.listStatus(folder)) {
        String name = status.getPath().getName();
        // Checksum and temporary files of the local file system are no holders.
        if (status.isFile() && !name.startsWith(".") && !name.startsWith("_") && !name.equals(mine.getName())) {
          others.add(status);
        }
      }
    } catch (FileNotFoundException e) {
      return others;
    }
    return others;
  }

  /**
   * The holder written in a lock file; empty if the file is gone. A file caught while being
   * rewritten (empty, or failing its checksum) counts as a live holder of unknown host whose
   * heartbeat is the file's modification time.
   */
  private static Optional<Holder> read(FileSystem fs, FileStatus status) throws IOException {
    Properties p = new Properties();
    try (InputStream in = fs.open(status.getPath())) {
      p.load(new ByteArrayInputStream(in.readAllBytes()));
    } catch (FileNotFoundException e) {
      return Optional.empty();
    } catch (IOException e) {
      p.clear();
    }
    Instant modified = Instant.ofEpochMilli(status.getModificationTime());
    String runId = status.getPath().getName();
    try {
      return Optional.of(new Holder(runId, p.getProperty("host", "?"), Long.parseLong(p.getProperty("pid", "-1")),
          Instant.parse(p.getProperty("started_at", "")), Instant.parse(p.getProperty("heartbeat_at", ""))));
    } catch (NumberFormatException | DateTimeParseException e) {
      return Optional.of(new Holder(runId, "?", -1, modified, modified));
    }
  }

  private static void write(FileSystem fs, Path file, Holder holder) throws IOException {
    String text = "run_id=" + holder.runId() + "\nhost=" + holder.host() + "\npid=" + holder.pid() + "\nstarted_at="
        + holder.startedAt() + "\nheartbeat_at=" + holder.heartbeatAt() + "\n";
    try (OutputStream out = fs.create(file, true)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** Refreshes our heartbeat; stops if our file is gone (another run took the lock over). */
  private void beat() {
    try {
      if (!fs.exists(file)) {
        LOG.error("run lock {} was taken over by another run; run {} no longer holds it", file, holder.runId());
        heartbeat.shutdown();
        return;
      }
      write(fs, file, new Holder(holder.runId(), holder.host(), holder.pid(), holder.startedAt(), Instant.now()));
    } catch (IOException | RuntimeException e) {
      // The next beat tries again; only a silence as long as stale-after lets another run take over.
      LOG.warn("cannot refresh the heartbeat of run lock {}: {}", file, e.toString());
    }
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown";
    }
  }

  /** This holder's file in the lock folder. */
  public Path path() {
    return file;
  }

  /** Stops the heartbeat and deletes this run's file (never another run's). */
  @Override
  public void close() {
    heartbeat.shutdownNow();
    try {
      heartbeat.awaitTermination(10, TimeUnit.SECONDS);
      fs.delete(file, false);
    } catch (IOException e) {
      LOG.warn("cannot release the run lock {}: {}", file, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
