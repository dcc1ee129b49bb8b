package com.journeyanalytics.jobs.ops;

import com.journeyanalytics.jobs.pipeline.RunLock;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;

/**
 * A run-lock holder in a JVM of its own, for the tests that kill or stop the holder's process:
 * {@link #main} takes the lock and then waits to be killed; {@link #start} launches it.
 */
public final class LockHolder {

  private LockHolder() {}

  /** Arguments: warehouse, run id, heartbeat interval in milliseconds. Prints "held" once it holds the lock. */
  public static void main(String[] args) throws Exception {
    RunLock.acquire(new Configuration(), args[0], args[1], Duration.ofMillis(Long.parseLong(args[2])),
        Duration.ofMinutes(10));
    System.out.println("held");
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }

  /** Starts a holder JVM (test classpath) and returns once it holds the lock. */
  static Process start(String warehouse, String runId, Duration heartbeat, Path log) throws Exception {
    Process process = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx128m", "-cp", System.getProperty("java.class.path"), LockHolder.class.getName(), warehouse, runId,
        String.valueOf(heartbeat.toMillis()))
        .redirectError(log.toFile()).start();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line = out.readLine();
      if (!"held".equals(line)) {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        throw new IllegalStateException("the lock holder JVM did not take the lock (see " + log + ")");
      }
    }
    return process;
  }
}
