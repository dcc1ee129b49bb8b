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
 * Support and voice-of-the-customer KPIs; run date 2026-03-10, so the run ends at 2026-03-11T00:00Z.
 * Accounts: s1 (SMB) converted Jan 1, s2 (Enterprise) converted Jan 10: both paying from February.
 */
class SupportKpisTest {

  private static final String JAN = "2026-01-01";
  private static final String FEB = "2026-02-01";
  private static final String MAR = "2026-03-01";

  private static Dataset<Row> kpis;

  static KpiFixture support() {
    return new KpiFixture()
        .account("s1", "SMB/starter/NA/tech/email", null, "2026-01-01T00:00:00Z", null)
        .account("s2", "Enterprise/enterprise/EMEA/finance/direct", null, "2026-01-10T00:00:00Z", null)
        // k1 urgent answered after 0.5 h (met), solved after 4 h.
        .ticket("k1", "urgent", "2026-01-05T10:00:00Z", "2026-01-05T10:30:00Z", "2026-01-05T14:00:00Z")
        // k2 high answered after 5 h > 4 h (breach), solved after 24 h.
        .ticket("k2", "high", "2026-01-06T10:00:00Z", "2026-01-06T15:00:00Z", "2026-01-07T10:00:00Z")
        // k3 normal answered after exactly 24 h (met: within means at most).
        .ticket("k3", "normal", "2026-01-07T00:00:00Z", "2026-01-08T00:00:00Z", null)
        // k4 low never answered, deadline Jan 10 long past: breach. Its requester is not resolved.
        .ticket("k4", "low", "2026-01-08T00:00:00Z", null, null)
        // k7 answered only after the run date: unanswered for this run, deadline past: breach.
        .ticket("k7", "normal", "2026-02-10T00:00:00Z", "2026-03-12T00:00:00Z", null)
        // k5 unanswered, deadline 2026-03-11T12:00 not yet passed at the end of the run date: left out.
        .ticket("k5", "normal", "2026-03-10T12:00:00Z", null, null)
        // k6 unanswered, deadline 2026-03-09T13:00 passed: breach.
        .ticket("k6", "urgent", "2026-03-09T12:00:00Z", null, null)
        // k8 created after the run date: not counted.
        .ticket("k8", "urgent", "2026-03-12T12:00:00Z", null, null)
        .resolves("s1", "ticket_opened", "k1", "2026-01-05T10:00:00Z")
        .resolves("s1", "ticket_solved", "k1", "2026-01-05T14:00:00Z")
        .resolves("s2", "ticket_opened", "k2", "2026-01-06T10:00:00Z")
        .resolves("s1", "ticket_opened", "k3", "2026-01-07T00:00:00Z")
        .resolves("email:unknown-person", "ticket_opened", "k4", "2026-01-08T00:00:00Z")
        .resolves("s1", "ticket_opened", "k7", "2026-02-10T00:00:00Z")
        .resolves("s2", "ticket_opened", "k5", "2026-03-10T12:00:00Z")
        .resolves("s2", "ticket_opened", "k6", "2026-03-09T12:00:00Z")
        // NPS in January: 10 (promoter, s1), 8 (passive, s1), 3 (detractor, s2), 9 (promoter, s2).
        .survey("r1", "nps", 10, "2026-01-20T00:00:00Z")
        .survey("r2", "nps", 8, "2026-01-20T00:00:00Z")
        .survey("r3", "nps", 3, "2026-01-21T00:00:00Z")
        .survey("r4", "nps", 9, "2026-01-22T00:00:00Z")
        .survey("r5", "csat", 5, "2026-01-20T00:00:00Z")
        .survey("r6", "csat", 4, "2026-01-20T00:00:00Z")
        .survey("r7", "csat", 2, "2026-01-20T00:00:00Z")
        .survey("r8", "ces", 3, "2026-01-20T00:00:00Z")
        .survey("r9", "ces", 6, "2026-01-20T00:00:00Z")
        .resolves("s1", "nps_response", "r1", "2026-01-20T00:00:00Z")
        .resolves("s1", "nps_response", "r2", "2026-01-20T00:00:00Z")
        .resolves("s2", "nps_response", "r3", "2026-01-21T00:00:00Z")
        .resolves("s2", "nps_response", "r4", "2026-01-22T00:00:00Z")
        .resolves("s1", "csat_response", "r5", "2026-01-20T00:00:00Z")
        .resolves("s1", "csat_response", "r6", "2026-01-20T00:00:00Z")
        .resolves("s2", "csat_response", "r7", "2026-01-20T00:00:00Z")
        .resolves("s1", "ces_response", "r8", "2026-01-20T00:00:00Z")
        .resolves("s2", "ces_response", "r9", "2026-01-20T00:00:00Z");
  }

  @BeforeAll
  static void compute() {
    kpis = support().kpis(SparkTestSession.get(), "2026-03-10").cache();
  }

  @Test
  void ticketsAreCountedByCreationMonthAndResolvedAccount() {
    // Jan k1..k4, Feb k7, Mar k5 and k6 (k8 is after the run date).
    assertKpi(kpis, "tickets", "all", List.of(
        row(JAN, "all", 4, null, null), row(FEB, "all", 1, null, null), row(MAR, "all", 2, null, null)));
    // Jan: s1 (SMB) k1, k3; s2 (Enterprise) k2; k4 unresolved -> unknown. 2 + 1 + 1 = 4.
    assertKpi(kpis.where("period_start = '2026-01-01'"), "tickets", "segment", List.of(
        row(JAN, "SMB", 2, null, null), row(JAN, "Enterprise", 1, null, null), row(JAN, "unknown", 1, null, null)));
  }

  @Test
  void ticketsPerCustomerDividesByCustomersAtTheMonthsStart() {
    // Jan: 4 / 0 null; Feb: 1 / 2 = 0.5; Mar: 2 / 2 = 1.
    assertKpi(kpis, "tickets_per_customer", "all", List.of(
        row(JAN, "all", null, 4, 0), row(FEB, "all", "0.5", 1, 2), row(MAR, "all", 1, 2, 2)));
  }

  @Test
  void unansweredTicketBreachesOnlyOnceItsDeadlineHasPassedByTheRunDate() {
    // Jan: met k1, k3; breached k2, k4: 2 / 4 = 50. Feb: k7 breached: 0 / 1. Mar: k6 breached, k5
    // left out: 0 / 1.
    assertKpi(kpis, "first_response_sla_rate", "all", List.of(
        row(JAN, "all", 50, 2, 4), row(FEB, "all", 0, 0, 1), row(MAR, "all", 0, 0, 1)));
  }

  @Test
  void responseAndResolutionMediansInHours() {
    // First responses in Jan: 0.5, 5, 24 h -> median 5. Resolutions: 4, 24 h -> (4 + 24) / 2 = 14.
    assertKpi(kpis, "first_response_median_hours", "all", List.of(
        row(JAN, "all", 5, null, null), row(FEB, "all", null, null, null), row(MAR, "all", null, null, null)));
    assertKpi(kpis, "resolution_median_hours", "all", List.of(
        row(JAN, "all", 14, null, null), row(FEB, "all", null, null, null), row(MAR, "all", null, null, null)));
  }

  @Test
  void npsCountsPromotersMinusDetractorsOverAllResponses() {
    // all: (2 promoters - 1 detractor) / 4 x 100 = 25; SMB (10, 8): (1 - 0) / 2 = 50;
    // Enterprise (3, 9): (1 - 1) / 2 = 0. No response in Feb and Mar: null.
    assertKpi(kpis, "nps", "all", List.of(
        row(JAN, "all", 25, 1, 4), row(FEB, "all", null, 0, 0), row(MAR, "all", null, 0, 0)));
    assertKpi(kpis.where("period_start = '2026-01-01' AND dimension_value <> 'unknown'"), "nps", "segment", List.of(
        row(JAN, "SMB", 50, 1, 2), row(JAN, "Enterprise", 0, 0, 2)));
  }

  @Test
  void csatAndCes() {
    // csat: scores 5, 4, 2 -> 2 / 3 x 100 = 66.6667. ces: (3 + 6) / 2 = 4.5.
    assertKpi(kpis.where("period_start = '2026-01-01'"), "csat", "all", List.of(row(JAN, "all", "66.6667", 2, 3)));
    assertKpi(kpis.where("period_start = '2026-01-01'"), "ces", "all", List.of(row(JAN, "all", "4.5", 9, 2)));
  }
}
