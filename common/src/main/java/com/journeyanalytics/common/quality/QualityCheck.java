package com.journeyanalytics.common.quality;

/** One row of data_quality: a check's outcome for a dataset (or table) on a run. */
public record QualityCheck(
    String dataset, String checkName, Status status, Double observedValue, Double threshold, String message) {

  public enum Status {
    PASS, WARN, FAIL;

    public String label() {
      return name().toLowerCase();
    }
  }

  public static QualityCheck pass(String dataset, String check, Double observed, Double threshold, String message) {
    return new QualityCheck(dataset, check, Status.PASS, observed, threshold, message);
  }

  /** A reconciliation: two counts that must be equal. */
  public static QualityCheck reconcile(String dataset, String check, long left, long right, String what) {
    boolean equal = left == right;
    return new QualityCheck(dataset, check, equal ? Status.PASS : Status.FAIL, (double) left, (double) right,
        what + (equal ? ": " + left + " = " + right : ": " + left + " != " + right));
  }
}
