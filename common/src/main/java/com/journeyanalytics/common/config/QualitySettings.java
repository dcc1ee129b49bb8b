package com.journeyanalytics.common.config;

/** Data-quality thresholds; rates are percentages. */
public record QualitySettings(
    double quarantineWarnPercent,
    double quarantineFailPercent,
    double completenessWarnBelowPercent,
    double completenessFailBelowPercent,
    double identityMatchWarnBelowPercent,
    double orphanWarnPercent,
    double orphanFailPercent,
    double volumeWarnBelowPercent,
    double volumeWarnAbovePercent,
    double volumeFailBelowPercent,
    int volumeHistoryRuns,
    int volumeMinHistoryRuns,
    long minRows,
    double snapshotShrinkWarnPercent,
    double snapshotShrinkFailPercent) {

  static QualitySettings from(ConfigReader q) {
    QualitySettings s = new QualitySettings(
        q.doubleBetween("quarantine-rate.warn-above", 0, 100),
        q.doubleBetween("quarantine-rate.fail-above", 0, 100),
        q.doubleBetween("completeness.warn-below", 0, 100),
        q.doubleBetween("completeness.fail-below", 0, 100),
        q.doubleBetween("identity-match-rate.warn-below", 0, 100),
        q.doubleBetween("orphan-rate.warn-above", 0, 100),
        q.doubleBetween("orphan-rate.fail-above", 0, 100),
        q.doubleBetween("volume.warn-below", 0, 100),
        q.doubleBetween("volume.warn-above", 100, 100_000),
        q.doubleBetween("volume.fail-below", 0, 100),
        q.intBetween("volume.history-runs", 1, 365),
        q.intBetween("volume.min-history-runs", 1, 365),
        q.intBetween("min-rows", 0, Integer.MAX_VALUE),
        q.doubleBetween("snapshot-shrink.warn-above", 0, 100),
        q.doubleBetween("snapshot-shrink.fail-above", 0, 100));
    if (s.quarantineFailPercent < s.quarantineWarnPercent) {
      throw q.bad("quarantine-rate.fail-above", "must not be below quarantine-rate.warn-above");
    }
    if (s.orphanFailPercent < s.orphanWarnPercent) {
      throw q.bad("orphan-rate.fail-above", "must not be below orphan-rate.warn-above");
    }
    if (s.snapshotShrinkFailPercent < s.snapshotShrinkWarnPercent) {
      throw q.bad("snapshot-shrink.fail-above", "must not be below snapshot-shrink.warn-above");
    }
    return s;
  }
}
