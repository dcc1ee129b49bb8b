package com.journeyanalytics.common.quality;

/** One row of data_quality: a check's outcome for a dataset (or table) on a run. */
public record QualityCheck(
    String dataset, String checkName, Status status, Double observedValue, Double threshold, String message) {

  /**
   * {@code SKIPPED}: the check did not judge (too little data to mean anything); it is neither a
   * pass nor a problem, and is never counted as a pass.
   */
  public enum Status {
    PASS, WARN, FAIL, SKIPPED;

    public String label() {
      return name().toLowerCase();
    }
  }

  /** A check that did not judge; {@code message} says why (e.g. fewer rows than the minimum). */
  public static QualityCheck skipped(String dataset, String check, Double observed, Double threshold, String message) {
    return new QualityCheck(dataset, check, Status.SKIPPED, observed, threshold, message);
  }

  /** A reconciliation: two counts that must be equal. */
  public static QualityCheck reconcile(String dataset, String check, long left, long right, String what) {
    boolean equal = left == right;
    return new QualityCheck(dataset, check, equal ? Status.PASS : Status.FAIL, (double) left, (double) right,
        what + (equal ? ": " + left + " = " + right : ": " + left + " != " + right));
  }
}
