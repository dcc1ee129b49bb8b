package com.journeyanalytics.jobs.kpis;

import static com.journeyanalytics.common.testing.DataFrameAssert.row;
import static com.journeyanalytics.jobs.kpis.KpiFixture.assertKpi;

import com.journeyanalytics.common.testing.SparkTestSession;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Acquisition, conversion, retention and value KPIs on a hand-made CRM. Run date 2026-03-10, so the
 * months are January, February and a partial March that ends at 2026-03-11T00:00Z.
 */
class AccountKpisTest {

  private static final String JAN = "2026-01-01";
  private static final String FEB = "2026-02-01";
  private static final String MAR = "2026-03-01";

  private static Dataset<Row> kpis;

  /**
   * a1 trial Jan 5, converts Feb 4 = exactly trial + 30 d (outside the window); a2 trial Jan 10,
   * converts Jan 20; a3 trial Jan 15, never converts; a4 converts Jan 2 12:00 and churns on the first
   * instant of February; a5 converts Jan 25, churns Mar 5; a6 converts Mar 20, after the run date.
   */
  static KpiFixture crm() {
    return new KpiFixture()
        .account("a1", "SMB/starter/NA/tech/paid_search", "2026-01-05T00:00:00Z", "2026-02-04T00:00:00Z", null)
        .account("a2", "SMB/pro/EMEA/retail/email", "2026-01-10T00:00:00Z", "2026-01-20T00:00:00Z", null)
        .account("a3", "Enterprise/enterprise/NA/tech/paid_search", "2026-01-15T00:00:00Z", null, null)
        .account("a4", "Enterprise/enterprise/EMEA/finance/direct", null, "2026-01-02T12:00:00Z", "2026-02-01T00:00:00Z")
        .account("a5", "MidMarket/pro/APAC/-/email", null, "2026-01-25T00:00:00Z", "2026-03-05T00:00:00Z")
        .account("a6", "SMB/starter/NA/tech/direct", null, "2026-03-20T00:00:00Z", null)
        // First touchpoints: a5 Jan 1, a4 Jan 2 00:00, a1 Jan 3, a2 Jan 10, a3 Jan 15, a6 Feb 1.
        .touchpoint("a5", "web_visit", "2026-01-01T00:00:00Z")
        .touchpoint("a4", "account_created", "2026-01-02T00:00:00Z")
        .touchpoint("a1", "email_open", "2026-01-03T00:00:00Z")
        .touchpoint("a1", "became_customer", "2026-02-04T00:00:00Z")
        .touchpoint("a2", "trial_started", "2026-01-10T00:00:00Z")
        .touchpoint("a3", "trial_started", "2026-01-15T00:00:00Z")
        .touchpoint("a6", "web_visit", "2026-02-01T00:00:00Z")
        .touchpoint("email:p1", "email_open", "2026-01-04T00:00:00Z")
        // a1 onboards 13 d 23:59:59 after signup (in time), a2 exactly 14 d after (too late), a3 never;
        // a5 signs up in February and onboards in March.
        .event("e1", "a1", "signup", null, "2026-01-05T00:00:00Z")
        .event("e2", "a1", "onboarding_completed", null, "2026-01-18T23:59:59Z")
        .event("e3", "a2", "signup", null, "2026-01-10T00:00:00Z")
        .event("e4", "a2", "onboarding_completed", null, "2026-01-24T00:00:00Z")
        .event("e5", "a3", "signup", null, "2026-01-15T00:00:00Z")
        .event("e6", "a5", "signup", null, "2026-02-27T00:00:00Z")
        .event("e7", "a5", "onboarding_completed", null, "2026-03-02T00:00:00Z")
        // January: 100 + 54 (EUR 50 already converted in silver) - 30 (credit note); the open invoice
        // does not count. February: 100 + 80 + 120.
        .invoice("i1", "a2", "100", "USD", "100", "paid", "2026-01-20T00:00:00Z")
        .invoice("i2", "a4", "50", "EUR", "54", "paid", "2026-01-15T00:00:00Z")
        .invoice("i3", "a2", "-30", "USD", "-30", "paid", "2026-01-25T00:00:00Z")
        .invoice("i4", "a5", "200", "USD", "200", "open", "2026-01-28T00:00:00Z")
        .invoice("i5", "a2", "100", "USD", "100", "paid", "2026-02-20T00:00:00Z")
        .invoice("i6", "a1", "80", "USD", "80", "paid", "2026-02-20T00:00:00Z")
        .invoice("i7", "a5", "120", "USD", "120", "paid", "2026-02-10T00:00:00Z");
  }

  @BeforeAll
  static void compute() {
    SparkSession spark = SparkTestSession.get();
    kpis = crm().kpis(spark, "2026-03-10").cache();
  }

  @Test
  void newCustomersCountConversionsInTheMonthAndIgnoreConversionsAfterTheRunDate() {
    // Jan: a2, a4, a5. Feb: a1. Mar: a6 converts after the run date.
    assertKpi(kpis, "new_customers", "all", List.of(
        row(JAN, "all", 3, null, null), row(FEB, "all", 1, null, null), row(MAR, "all", 0, null, null)));
    assertKpi(kpis, "new_customers", "segment", List.of(
        row(JAN, "SMB", 1, null, null), row(JAN, "Enterprise", 1, null, null), row(JAN, "MidMarket", 1, null, null),
        row(FEB, "SMB", 1, null, null), row(FEB, "Enterprise", 0, null, null), row(FEB, "MidMarket", 0, null, null),
        row(MAR, "SMB", 0, null, null), row(MAR, "Enterprise", 0, null, null), row(MAR, "MidMarket", 0, null, null)));
  }

  @Test
  void anAccountWithoutAnAttributeCountsUnderUnknown() {
    // a5 has no industry.
    assertKpi(kpis.where("period_start = '2026-01-01'"), "new_customers", "industry", List.of(
        row(JAN, "retail", 1, null, null), row(JAN, "finance", 1, null, null), row(JAN, "unknown", 1, null, null),
        row(JAN, "tech", 0, null, null)));
  }

  @Test
  void trialConvertingExactlyAtTheWindowsEndDoesNotCount() {
    // Jan: 3 trials (a1, a2, a3); only a2 converts inside [start, start + 30 d): 1 / 3 x 100 = 33.3333.
    // Feb, Mar: no trial, so 0 / 0 is null.
    assertKpi(kpis, "trial_starts", "all", List.of(
        row(JAN, "all", 3, null, null), row(FEB, "all", 0, null, null), row(MAR, "all", 0, null, null)));
    assertKpi(kpis, "trial_to_paid_rate", "all", List.of(
        row(JAN, "all", "33.3333", 1, 3), row(FEB, "all", null, 0, 0), row(MAR, "all", null, 0, 0)));
  }

  @Test
  void leadToCustomerRateFollowsTheAccountsFirstTouchpoint() {
    // Jan: first touches of a1..a5; a1 (32 d), a2 (10 d), a4 (0.5 d), a5 (24 d) convert within 90 d:
    // 4 / 5 x 100 = 80. Feb: a6 converts after the run date: 0 / 1. Prospects are not leads here.
    assertKpi(kpis, "lead_to_customer_rate", "all", List.of(
        row(JAN, "all", 80, 4, 5), row(FEB, "all", 0, 0, 1), row(MAR, "all", null, 0, 0)));
  }

  @Test
  void timeToConvertIsTheExactMedianOfDaysFromFirstTouch() {
    // Jan conversions: a4 0.5 d, a2 10 d, a5 24 d: median 10. Feb: a1 Jan 3 -> Feb 4 = 32 d.
    assertKpi(kpis, "time_to_convert_median_days", "all", List.of(
        row(JAN, "all", 10, null, null), row(FEB, "all", 32, null, null), row(MAR, "all", null, null, null)));
    // EMEA in Jan: a4 0.5 d and a2 10 d, an even count: (0.5 + 10) / 2 = 5.25.
    assertKpi(kpis.where("period_start = '2026-01-01' AND dimension_value = 'EMEA'"), "time_to_convert_median_days",
        "region", List.of(row(JAN, "EMEA", "5.25", null, null)));
  }

  @Test
  void onboardingCountsOnlyCompletionsWithinFourteenDaysOfTheSignup() {
    // Jan: a1 in time, a2 at exactly 14 d (too late), a3 never: 1 / 3. Feb: a5 1 / 1. Mar: 0 / 0.
    assertKpi(kpis, "onboarding_completion_rate", "all", List.of(
        row(JAN, "all", "33.3333", 1, 3), row(FEB, "all", 100, 1, 1), row(MAR, "all", null, 0, 0)));
  }

  @Test
  void churnOnTheFirstInstantOfAMonthCountsAsPayingAtItsStartAndChurnedInIt() {
    // Paying at Feb 1 00:00 requires churned_at >= Feb 1: a4 churned exactly then, so it is in
    // February's customers_start (a2, a4, a5) and churns in February. March starts with a1, a2, a5
    // and a5 churns on Mar 5. January starts with nobody.
    assertKpi(kpis, "customers_start", "all", List.of(
        row(JAN, "all", 0, null, null), row(FEB, "all", 3, null, null), row(MAR, "all", 3, null, null)));
    assertKpi(kpis, "churned_customers", "all", List.of(
        row(JAN, "all", 0, null, null), row(FEB, "all", 1, null, null), row(MAR, "all", 1, null, null)));
    // Feb: 1 / 3 x 100; Mar: 1 / 3 x 100; Jan: 0 / 0 is null.
    assertKpi(kpis, "churn_rate", "all", List.of(
        row(JAN, "all", null, 0, 0), row(FEB, "all", "33.3333", 1, 3), row(MAR, "all", "33.3333", 1, 3)));
  }

  @Test
  void retentionAndGrowthUseCustomersAtTheEndOfTheMonth() {
    // customers_end: Jan (at Feb 1) a2, a4, a5 = 3; Feb (at Mar 1) a1, a2, a5 = 3; Mar (at the end of
    // the run date) a1, a2 = 2.
    // retention: Jan (3 - 3) / 0 null; Feb (3 - 1) / 3 = 66.6667; Mar (2 - 0) / 3 = 66.6667.
    assertKpi(kpis, "customer_retention_rate", "all", List.of(
        row(JAN, "all", null, 0, 0), row(FEB, "all", "66.6667", 2, 3), row(MAR, "all", "66.6667", 2, 3)));
    // growth: Jan (3 - 0) / 0 null; Feb (1 - 1) / 3 = 0; Mar (0 - 1) / 3 = -33.3333.
    assertKpi(kpis, "net_customer_growth_rate", "all", List.of(
        row(JAN, "all", null, 3, 0), row(FEB, "all", 0, 0, 3), row(MAR, "all", "-33.3333", -1, 3)));
  }

  @Test
  void revenueSumsPaidInvoicesInTheReportingCurrencyMinusCreditNotes() {
    // Jan: 100 + 54 - 30 = 124 from a2 and a4: arpa 124 / 2 = 62. Feb: 300 / 3 = 100. Mar: nothing.
    assertKpi(kpis, "revenue", "all", List.of(
        row(JAN, "all", 124, null, null), row(FEB, "all", 300, null, null), row(MAR, "all", 0, null, null)));
    assertKpi(kpis, "arpa", "all", List.of(
        row(JAN, "all", 62, 124, 2), row(FEB, "all", 100, 300, 3), row(MAR, "all", null, 0, 0)));
    assertKpi(kpis.where("period_start = '2026-01-01'"), "revenue", "region", List.of(
        row(JAN, "EMEA", 124, null, null), row(JAN, "NA", 0, null, null), row(JAN, "APAC", 0, null, null)));
  }

  @Test
  void clvMultipliesArpaByTheCappedExpectedLifetime() {
    // Jan: churn_rate null -> 62 x 60 = 3720. Feb: churn_rate 33.33 % -> lifetime 3 months: 100 x 3 =
    // 300. Mar: arpa null -> null.
    assertKpi(kpis, "clv", "all", List.of(
        row(JAN, "all", 3720, null, null), row(FEB, "all", 300, null, null), row(MAR, "all", null, null, null)));
  }
}
