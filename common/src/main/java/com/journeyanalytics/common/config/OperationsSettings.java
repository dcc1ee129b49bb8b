package com.journeyanalytics.common.config;

/**
 * Operating the job (sections journey.lock and journey.maintenance): when a run lock left by a
 * crashed run may be taken over, and the table maintenance (OPTIMIZE, VACUUM).
 */
public record OperationsSettings(int lockStaleAfterMinutes, boolean maintenanceAfterNightly, int vacuumRetentionHours) {

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
    return new OperationsSettings(
        lock.intBetween("stale-after-minutes", 1, 7 * 24 * 60),
        maintenance.bool("after-nightly"),
        retention);
  }
}
