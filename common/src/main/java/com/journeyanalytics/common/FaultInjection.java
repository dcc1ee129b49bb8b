package com.journeyanalytics.common;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Named points of a run where the kill tests stop it: {@code write:<table>} after a table write
 * (changed or not) inside a step, {@code publish:<n>} after the n-th view a run publishes. With
 * the system property {@code fault-injection.pause-at} listing points (comma-separated), the run
 * prints {@code fault injection: paused at <point>} on stderr at each and waits there: a line on
 * stdin resumes it, or the test sends the process a real SIGKILL at that moment. Unset (always,
 * outside those tests), nothing happens. The name is outside {@code journey.}: a system property
 * there would be part of the job's configuration and of its hash (config_sha256), so runs paused
 * at different points would count as different nights (CompletedSteps).
 */
public final class FaultInjection {

  public static final String PAUSE_AT = "fault-injection.pause-at";

  private static BufferedReader stdin;

  private FaultInjection() {}

  public static void at(String point) {
    String points = System.getProperty(PAUSE_AT);
    if (points == null || !Arrays.asList(points.split(",")).contains(point)) {
      return;
    }
    System.err.println("fault injection: paused at " + point);
    System.err.flush();
    if (resumeLine() == null) {
      // No one will resume it: wait for the kill.
      while (true) {
        sleepQuietly();
      }
    }
  }

  private static synchronized String resumeLine() {
    try {
      if (stdin == null) {
        stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      }
      return stdin.readLine();
    } catch (IOException e) {
      return null;
    }
  }

  private static void sleepQuietly() {
    try {
      Thread.sleep(60_000);
    } catch (InterruptedException e) {
      // Only the kill ends the wait.
    }
  }
}
