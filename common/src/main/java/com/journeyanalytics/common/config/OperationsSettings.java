package com.journeyanalytics.common.config;

import java.time.Duration;

/**
 * Operating the job (sections journey.lock and journey.maintenance): how often a run refreshes
 * its run lock's heartbeat and after how long without one the lock counts as left by a dead run,
 * and the table maintenance (OPTIMIZE, VACUUM).
 */
public record OperationsSettings(Duration lockHeartbeatInterval, Duration lockStaleAfter,
    boolean maintenanceAfterNightly, int vacuumRetentionHours) {

  /**
   * Delta's own safety floor: files removed from a table less than 7 days ago may still be read
   * by a long query or a time-travel audit, so VACUUM never deletes them earlier.
   */
  public static final int MIN_VACUUM_RETENTION_HOURS = 168;

  /** Reads journey.lock.* and journey.maintenance.* from the root section {@code journey}. */
  public static OperationsSettings from(ConfigReader journey) {
    ConfigReader lock = journey.section("lock");
    ConfigReader maintenance = journey.section("maintenance");
    int retention = maintenance.intBetween("vacuum-retention-hours", 0, Integer.MAX_VALUE);
    if (retention < MIN_VACUUM_RETENTION_HOURS) {
      throw maintenance.bad("vacuum-retention-hours", retention + " is below the minimum of "
          + MIN_VACUUM_RETENTION_HOURS + " hours (7 days): older table versions must stay readable");
    }
    if (lock.has("stale-after-minutes")) {
      // The old rule (a lock older than N minutes is stale) would take over a long run that is alive.
      throw lock.bad("stale-after-minutes", "replaced by journey.lock.stale-after, the time without a heartbeat "
          + "after which a lock counts as left by a dead run (e.g. stale-after = 10 minutes)");
    }
    Duration heartbeat = lock.durationBetween("heartbeat-interval", Duration.ofMillis(10), Duration.ofHours(1));
    Duration staleAfter = lock.durationBetween("stale-after", Duration.ofMillis(10), Duration.ofDays(7));
    if (staleAfter.compareTo(heartbeat.multipliedBy(2)) < 0) {
      // One slow heartbeat write must not make a live run look dead.
      throw lock.bad("stale-after", staleAfter + " is less than twice journey.lock.heartbeat-interval (" + heartbeat + ")");
    }
    return new OperationsSettings(heartbeat, staleAfter, maintenance.bool("after-nightly"), retention);
  }
}
