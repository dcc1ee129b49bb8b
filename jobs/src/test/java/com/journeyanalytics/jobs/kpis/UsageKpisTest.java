package com.journeyanalytics.jobs.kpis;

import static com.journeyanalytics.common.testing.DataFrameAssert.assertThatDataFrame;
import static com.journeyanalytics.common.testing.DataFrameAssert.row;
import static com.journeyanalytics.jobs.kpis.KpiFixture.assertKpi;
import static org.apache.spark.sql.functions.col;

import com.journeyanalytics.common.testing.SparkTestSession;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Product-usage KPIs; run date 2026-03-10: January (31 days), February (28), March up to day 10. */
class UsageKpisTest {

  private static final String JAN = "2026-01-01";
  private static final String FEB = "2026-02-01";
  private static final String MAR = "2026-03-01";

  private static Dataset<Row> kpis;

  @BeforeAll
  static void compute() {
    kpis = new KpiFixture()
        .account("u1", "SMB/starter/NA/tech/email", null, null, null)
        .account("u2", "SMB/pro/NA/tech/email", null, null, null)
        .account("u3", "Enterprise/enterprise/EMEA/finance/direct", null, null, null)
        // Jan: u1 active Jan 1 (twice) and Jan 2, u2 Jan 2, u3 Jan 31: 4 active account-days, 3 accounts.
        .event("e1", "u1", "login", null, "2026-01-01T08:00:00Z")
        .event("e2", "u1", "feature_used", "reports", "2026-01-01T09:00:00Z")
        .event("e3", "u1", "login", null, "2026-01-02T08:00:00Z")
        .event("e4", "u2", "feature_used", "reports", "2026-01-02T10:00:00Z")
        .event("e5", "u3", "feature_used", "dashboards", "2026-01-31T23:00:00Z")
        // An event without an account is no account's activity.
        .event("e6", null, "login", null, "2026-01-03T08:00:00Z")
        // Mar: u1 on the run date's last second; its next event is after the run date.
        .event("e7", "u1", "login", null, "2026-03-10T23:59:59Z")
        .event("e8", "u1", "login", null, "2026-03-11T00:00:00Z")
        .kpis(SparkTestSession.get(), "2026-03-10")
        .cache();
  }

  @Test
  void mauCountsDistinctActiveAccounts() {
    assertKpi(kpis, "mau", "all", List.of(
        row(JAN, "all", 3, null, null), row(FEB, "all", 0, null, null), row(MAR, "all", 1, null, null)));
  }

  @Test
  void dauAverageRunsOverTheDaysOfTheMonthUpToTheRunDate() {
    // Jan 4 / 31 = 0.129032 -> 0.1290; Feb 0 / 28; Mar 1 / 10 days = 0.1.
    assertKpi(kpis, "dau_avg", "all", List.of(
        row(JAN, "all", "0.129", 4, 31), row(FEB, "all", 0, 0, 28), row(MAR, "all", "0.1", 1, 10)));
    // SMB in Jan: u1 2 days + u2 1 day = 3 / 31 = 0.096774 -> 0.0968.
    assertKpi(kpis.where("period_start = '2026-01-01'"), "dau_avg", "segment", List.of(
        row(JAN, "SMB", "0.0968", 3, 31), row(JAN, "Enterprise", "0.0323", 1, 31)));
  }

  @Test
  void stickinessIsDauAverageOverMau() {
    // Jan: 4 / (31 x 3) x 100 = 4.301075 -> 4.3011; Feb: 0 / 0 null; Mar: 1 / (10 x 1) x 100 = 10.
    assertKpi(kpis, "stickiness", "all", List.of(
        row(JAN, "all", "4.3011", 4, 93), row(FEB, "all", null, 0, 0), row(MAR, "all", 10, 1, 10)));
  }

  @Test
  void dauIsAlsoWrittenPerDayUpToTheRunDate() {
    Dataset<Row> days = kpis.where(col("period_grain").equalTo("day").and(col("dimension").equalTo("all")));
    // 31 + 28 + 10 days, each with a row.
    assertThatDataFrame(days).hasRowCount(69);
    assertThatDataFrame(days.where("kpi = 'dau' AND value > 0"))
        .containsExactlyRowsInAnyOrder(List.of("period_start", "value"), List.of(
            row("2026-01-01", 1), row("2026-01-02", 2), row("2026-01-31", 1), row("2026-03-10", 1)));
  }

  @Test
  void featureAdoptionIsPerFeatureOverMau() {
    // Jan: reports u1, u2 = 2 / 3; dashboards u3 = 1 / 3; any feature 3 / 3. Feb: mau 0 -> null.
    assertKpi(kpis, "feature_adoption_rate", "feature", List.of(
        row(JAN, "reports", "66.6667", 2, 3), row(JAN, "dashboards", "33.3333", 1, 3),
        row(FEB, "reports", null, 0, 0), row(FEB, "dashboards", null, 0, 0),
        row(MAR, "reports", 0, 0, 1), row(MAR, "dashboards", 0, 0, 1)));
    assertKpi(kpis, "feature_adoption_rate", "all", List.of(
        row(JAN, "all", 100, 3, 3), row(FEB, "all", null, 0, 0), row(MAR, "all", 0, 0, 1)));
  }
}
