package com.journeyanalytics.jobs.kpis;

import static com.journeyanalytics.common.testing.DataFrameAssert.row;
import static com.journeyanalytics.jobs.kpis.KpiFixture.assertKpi;

import com.journeyanalytics.common.testing.SparkTestSession;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Account KPIs over paying intervals built from every snapshot's milestones. Run date 2026-07-15:
 * months January to a partial July.
 * <pre>
 * c1 "overwrite":  snapshot 1 converted Jan 10, churned Mar 5; now converted Jun 2, churned null
 * c2 "keep churn": snapshot 1 converted Jan 10, churned Mar 5; now converted Jun 2, churned Mar 5
 *   both: intervals [Jan 10, Mar 5] and [Jun 2, open)
 * c3 two comebacks: [Jan 20, Feb 10], [Mar 15, Apr 20], [May 5, open)
 * c4 corrected date: converted Feb 1, now Feb 3 (a conversion inside the open interval [Feb 1, open))
 * c5 churned Apr 1 without ever converting: ends nothing
 * </pre>
 */
class ComebackKpisTest {

  private static final String JAN = "2026-01-01";
  private static final String FEB = "2026-02-01";
  private static final String MAR = "2026-03-01";
  private static final String APR = "2026-04-01";
  private static final String MAY = "2026-05-01";
  private static final String JUN = "2026-06-01";
  private static final String JUL = "2026-07-01";

  private static Dataset<Row> kpis;

  static KpiFixture comebacks() {
    return new KpiFixture()
        .earlierSnapshot("c1", "2026-01-10T00:00:00Z", "2026-03-05T00:00:00Z")
        .account("c1", "SMB/pro/NA/tech/email", null, "2026-06-02T00:00:00Z", null)
        .earlierSnapshot("c2", "2026-01-10T00:00:00Z", "2026-03-05T00:00:00Z")
        .account("c2", "SMB/pro/NA/tech/email", null, "2026-06-02T00:00:00Z", "2026-03-05T00:00:00Z")
        .earlierSnapshot("c3", "2026-01-20T00:00:00Z", "2026-02-10T00:00:00Z")
        .earlierSnapshot("c3", "2026-03-15T00:00:00Z", "2026-04-20T00:00:00Z")
        .account("c3", "Enterprise/enterprise/EMEA/finance/direct", null, "2026-05-05T00:00:00Z", null)
        .earlierSnapshot("c4", "2026-02-01T00:00:00Z", null)
        .account("c4", "Enterprise/enterprise/EMEA/finance/direct", null, "2026-02-03T00:00:00Z", null)
        .account("c5", "SMB/starter/NA/tech/direct", null, null, "2026-04-01T00:00:00Z")
        // First touchpoints, all Jan 1: first conversions c1, c2 after 9 d, c3 after 19 d, c4 after 31 d.
        .touchpoint("c1", "web_visit", "2026-01-01T00:00:00Z")
        .touchpoint("c2", "web_visit", "2026-01-01T00:00:00Z")
        .touchpoint("c3", "web_visit", "2026-01-01T00:00:00Z")
        .touchpoint("c4", "web_visit", "2026-01-01T00:00:00Z");
  }

  @BeforeAll
  static void compute() {
    kpis = comebacks().kpis(SparkTestSession.get(), "2026-07-15").cache();
  }

  @Test
  void aComebackIsANewAndAReactivatedCustomerWhicheverWayTheCrmRecordsIt() {
    // Interval starts: Jan c1, c2, c3; Feb c4 (its Feb 3 starts nothing); Mar c3; May c3; Jun c1, c2.
    assertKpi(kpis, "new_customers", "all", List.of(
        row(JAN, "all", 3, null, null), row(FEB, "all", 1, null, null), row(MAR, "all", 1, null, null),
        row(APR, "all", 0, null, null), row(MAY, "all", 1, null, null), row(JUN, "all", 2, null, null),
        row(JUL, "all", 0, null, null)));
    // Comebacks (an earlier interval exists): Mar c3, May c3, Jun c1 and c2.
    assertKpi(kpis, "reactivated_customers", "all", List.of(
        row(JAN, "all", 0, null, null), row(FEB, "all", 0, null, null), row(MAR, "all", 1, null, null),
        row(APR, "all", 0, null, null), row(MAY, "all", 1, null, null), row(JUN, "all", 2, null, null),
        row(JUL, "all", 0, null, null)));
    assertKpi(kpis.where("period_start = '2026-06-01'"), "reactivated_customers", "segment", List.of(
        row(JUN, "SMB", 2, null, null), row(JUN, "Enterprise", 0, null, null)));
  }

  @Test
  void customersAtTheStartOfAMonthArePayingInAnyOfTheirIntervals() {
    // Jan 1: nobody. Feb 1: c1, c2, c3 (c4 starts at Feb 1 itself: start < t fails). Mar 1: c1, c2
    // (churn Mar 5 >= Mar 1), c4. Apr 1: c3 (second interval), c4. May 1: c4 (c3 between intervals).
    // Jun 1: c3, c4 (c1, c2 come back on Jun 2). Jul 1: c1, c2, c3, c4.
    assertKpi(kpis, "customers_start", "all", List.of(
        row(JAN, "all", 0, null, null), row(FEB, "all", 3, null, null), row(MAR, "all", 3, null, null),
        row(APR, "all", 2, null, null), row(MAY, "all", 1, null, null), row(JUN, "all", 2, null, null),
        row(JUL, "all", 4, null, null)));
  }

  @Test
  void aChurnEndsAnIntervalOnceAndAChurnOutsideEveryIntervalCountsNowhere() {
    // Interval ends: Feb 10 c3, Mar 5 c1 and c2 (the kept churn ends the first interval only),
    // Apr 20 c3. c5's churn on Apr 1 ends nothing.
    assertKpi(kpis, "churned_customers", "all", List.of(
        row(JAN, "all", 0, null, null), row(FEB, "all", 1, null, null), row(MAR, "all", 2, null, null),
        row(APR, "all", 1, null, null), row(MAY, "all", 0, null, null), row(JUN, "all", 0, null, null),
        row(JUL, "all", 0, null, null)));
    // Mar: 2 / 3 x 100; Apr: 1 / 2 x 100.
    assertKpi(kpis.where("period_start IN ('2026-03-01', '2026-04-01')"), "churn_rate", "all", List.of(
        row(MAR, "all", "66.6667", 2, 3), row(APR, "all", 50, 1, 2)));
  }

  @Test
  void timeToConvertCountsOnlyTheFirstConversion() {
    // Jan: c1 9 d, c2 9 d, c3 19 d: median 9. Feb: c4 31 d. The comebacks (Mar, May, Jun) are no
    // first conversion: null.
    assertKpi(kpis, "time_to_convert_median_days", "all", List.of(
        row(JAN, "all", 9, null, null), row(FEB, "all", 31, null, null), row(MAR, "all", null, null, null),
        row(APR, "all", null, null, null), row(MAY, "all", null, null, null), row(JUN, "all", null, null, null),
        row(JUL, "all", null, null, null)));
  }
}
