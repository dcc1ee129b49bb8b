package com.journeyanalytics.common.config;

/**
 * Settings of the touchpoints step (section journey.touchpoints): from which size of the
 * touchpoints table a nightly run first finds the customers the night changed and recomputes only
 * theirs. Finding them is about thirty small Spark jobs whatever the size; on a small table
 * recomputing every customer costs less, and both write the same rows.
 */
public record TouchpointSettings(long findChangedCustomersAboveBytes) {

  public static TouchpointSettings from(ConfigReader touchpoints) {
    return new TouchpointSettings(touchpoints.bytesBetween("find-changed-customers-above", 0, Long.MAX_VALUE));
  }
}
