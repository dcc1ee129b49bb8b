package com.journeyanalytics.jobs.pipeline;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Properties;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The warehouse's run lock: {@code <warehouse>/_journey_run.lock}, created with
 * {@code create(path, overwrite = false)} and holding the run id, host, pid and start time. One
 * run at a time per warehouse; a lock older than the stale timeout was left by a crashed run and
 * is taken over with a warning. Closing releases it (only if it is still ours).
 *
 * <p>On a local or HDFS warehouse the create is atomic. S3A (Hadoop 3.3.4) checks for the file and
 * then writes it, so two runs started in the same instant could both pass: the lock protects
 * against the common case (a scheduler starting a run while the previous one still runs), it
 * is no distributed mutex.
 */
public final class RunLock implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(RunLock.class);
  public static final String FILE_NAME = "_journey_run.lock";

  private final FileSystem fs;
  private final Path path;
  private final String runId;

  private RunLock(FileSystem fs, Path path, String runId) {
    this.fs = fs;
    this.path = path;
    this.runId = runId;
  }

  /** Another run holds the lock; exit status 3. */
  public static final class HeldException extends RuntimeException {
    public HeldException(String message) {
      super(message);
    }
  }

  /** Who holds a lock, as written in the lock file. */
  public record Holder(String runId, String host, String pid, Instant startedAt) {
    @Override
    public String toString() {
      return "run " + runId + " on host " + host + ", pid " + pid + ", started " + startedAt;
    }
  }

  public static Path path(String warehouse) {
    return new Path(warehouse, FILE_NAME);
  }

  public static RunLock acquire(Configuration hadoopConf, String warehouse, String runId, Duration staleAfter) {
    return acquire(hadoopConf, warehouse, runId, staleAfter, Clock.systemUTC());
  }

  public static RunLock acquire(Configuration hadoopConf, String warehouse, String runId, Duration staleAfter,
      Clock clock) {
    Path path = path(warehouse);
    try {
      FileSystem fs = path.getFileSystem(hadoopConf);
      Holder me = new Holder(runId, hostName(), String.valueOf(ProcessHandle.current().pid()), clock.instant());
      if (tryCreate(fs, path, me)) {
        return new RunLock(fs, path, runId);
      }
      Holder holder = read(fs, path);
      Duration age = Duration.between(holder.startedAt(), clock.instant());
      if (age.compareTo(staleAfter) < 0) {
        throw new HeldException("another run holds the lock " + path + " (" + holder + "); if that run crashed, "
            + "delete the lock file or wait until it is older than journey.lock.stale-after-minutes ("
            + staleAfter.toMinutes() + ")");
      }
      LOG.warn("taking over the stale run lock {} ({}, {} minutes old, stale after {} minutes)", path, holder,
          age.toMinutes(), staleAfter.toMinutes());
      fs.delete(path, false);
      if (!tryCreate(fs, path, me)) {
        throw new HeldException("another run took over the stale lock " + path + " first (" + read(fs, path) + ")");
      }
      return new RunLock(fs, path, runId);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot take the run lock " + path, e);
    }
  }

  /** The holder of the lock at {@code path}; a lock that cannot be parsed counts from its modification time. */
  public static Holder read(FileSystem fs, Path path) throws IOException {
    Properties p = new Properties();
    byte[] bytes;
    try (InputStream in = fs.open(path)) {
      bytes = in.readAllBytes();
    }
    p.load(new ByteArrayInputStream(bytes));
    Instant started;
    try {
      started = Instant.parse(p.getProperty("started_at", ""));
    } catch (DateTimeParseException e) {
      started = Instant.ofEpochMilli(fs.getFileStatus(path).getModificationTime());
    }
    return new Holder(p.getProperty("run_id", "?"), p.getProperty("host", "?"), p.getProperty("pid", "?"), started);
  }

  private static boolean tryCreate(FileSystem fs, Path path, Holder me) throws IOException {
    if (fs.exists(path)) {
      return false;
    }
    String text = "run_id=" + me.runId() + "\nhost=" + me.host() + "\npid=" + me.pid() + "\nstarted_at=" + me.startedAt() + "\n";
    try (OutputStream out = fs.create(path, false)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    } catch (FileAlreadyExistsException e) {
      return false;
    }
    return true;
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown";
    }
  }

  public Path path() {
    return path;
  }

  /** Deletes the lock if it is still this run's (a run that took it over as stale keeps it). */
  @Override
  public void close() {
    try {
      if (fs.exists(path) && runId.equals(read(fs, path).runId())) {
        fs.delete(path, false);
      } else {
        LOG.warn("run lock {} is no longer held by run {}; left as it is", path, runId);
      }
    } catch (IOException e) {
      LOG.warn("cannot release the run lock {}: {}", path, e.toString());
    }
  }
}
