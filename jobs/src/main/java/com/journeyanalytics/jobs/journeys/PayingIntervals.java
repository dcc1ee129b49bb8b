package com.journeyanalytics.jobs.journeys;

import static org.apache.spark.sql.functions.col;

import com.journeyanalytics.common.quality.QualityCheck;
import com.journeyanalytics.jobs.sql.SqlFiles;
import java.sql.Timestamp;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * An account's paying intervals (docs/kpis.md, "Paying intervals"), built in one place from every
 * conversion and churn the CRM snapshots have shown (silver_account_milestones): the account KPIs,
 * the journeys and attribution all read them from here.
 */
public final class PayingIntervals {

  private PayingIntervals() {}

  /**
   * The role of every milestone before {@code cutoff} (start, end or conflict), see
   * sql/journeys/paying_intervals.sql. Cache it when both the intervals and the conflicts are read.
   */
  public static Dataset<Row> milestoneRoles(Dataset<Row> milestones, Timestamp cutoff) {
    return SqlFiles.run(milestones.sparkSession(), "journeys/paying_intervals.sql", Map.of("milestones", milestones),
        Map.of("cutoff_at", cutoff));
  }

  /**
   * One row per interval: account_id, interval_number (1 = the first conversion, above 1 = a
   * comeback), started_at, ended_at (null while open). Paying at t: started_at &lt; t and
   * (ended_at is null or ended_at &gt;= t).
   */
  public static Dataset<Row> intervals(Dataset<Row> roles) {
    return roles.where(col("role").equalTo("start"))
        .select(col("account_id"), col("interval_number"), col("occurred_at").as("started_at"), col("ended_at"));
  }

  /**
   * milestone_conflicts: conversions inside an open interval and churns outside every interval,
   * which start or end nothing. A warning: a CRM that corrects a date leaves one behind.
   */
  public static QualityCheck conflictsCheck(Dataset<Row> roles) {
    long conflicts = roles.where(col("role").equalTo("conflict")).count();
    return new QualityCheck("accounts", "milestone_conflicts",
        conflicts == 0 ? QualityCheck.Status.PASS : QualityCheck.Status.WARN, (double) conflicts, 0.0,
        conflicts + " conversion or churn instants start or end no paying interval (a conversion while paying,"
            + " or a churn while not paying)");
  }
}
