package com.journeyanalytics.jobs.pipeline;

import java.util.Locale;

/** How a run treats the exports: see README, "Running the job". */
public enum RunMode {
  NIGHTLY, BACKFILL, FULL_REFRESH, MAINTENANCE;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static RunMode parse(String text) {
    for (RunMode mode : values()) {
      if (mode.label().equals(text)) {
        return mode;
      }
    }
    throw new IllegalArgumentException("'" + text + "' is not one of nightly, backfill, full_refresh, maintenance");
  }
}
