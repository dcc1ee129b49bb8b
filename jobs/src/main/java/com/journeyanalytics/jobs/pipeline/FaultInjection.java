package com.journeyanalytics.jobs.pipeline;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Process death at a named point of a run, for the kill tests: with the system property
 * {@code journey.fault.halt-at} set to a point's name ({@code step:<step name>} before a step,
 * {@code publish:<n>} after the n-th view a run publishes), the JVM halts there at once, as
 * under SIGKILL: no finally block, no shutdown hook. Unset (always, outside those tests), it does
 * nothing.
 */
final class FaultInjection {

  private static final Logger LOG = LoggerFactory.getLogger(FaultInjection.class);
  static final String PROPERTY = "journey.fault.halt-at";

  private FaultInjection() {}

  static void haltIfAt(String point) {
    if (point.equals(System.getProperty(PROPERTY))) {
      LOG.error("fault injection: halting the JVM at {}", point);
      Runtime.getRuntime().halt(137);
    }
  }
}
