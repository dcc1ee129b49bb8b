package com.journeyanalytics.jobs.kpis;

import static com.journeyanalytics.common.testing.DataFrameAssert.row;
import static com.journeyanalytics.jobs.kpis.KpiFixture.assertKpi;

import com.journeyanalytics.common.testing.SparkTestSession;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Marketing KPIs on hand-made touches; run date 2026-03-10 (January to a partial March). */
class MarketingKpisTest {

  private static final String JAN = "2026-01-01";
  private static final String FEB = "2026-02-01";
  private static final String MAR = "2026-03-01";

  private static Dataset<Row> kpis;

  @BeforeAll
  static void compute() {
    kpis = new KpiFixture()
        // January: 4 impressions (3 paid_search c1 at 2.50, 1 social c2 at 1.25), 1 ad_click (0.75).
        .touch("t1", "impression", "paid_search", "c1", null, "v1", "2.50", "2026-01-03T10:00:00Z")
        .touch("t2", "impression", "paid_search", "c1", null, "v2", "2.50", "2026-01-04T10:00:00Z")
        .touch("t3", "impression", "paid_search", "c1", null, "v3", "2.50", "2026-01-05T10:00:00Z")
        .touch("t4", "impression", "social", "c2", null, "v4", "1.25", "2026-01-06T10:00:00Z")
        .touch("t5", "ad_click", "paid_search", "c1", null, "v1", "0.75", "2026-01-03T10:01:00Z")
        // Email: 5 unique (person, campaign) sends: e1..e4 on c3 and e1 on c4; e1 opens c3 twice
        // (one unique open), e2 opens once; e1 clicks; e4 unsubscribes.
        .touch("t6", "email_sent", "email", "c3", "e1", null, null, "2026-01-10T08:00:00Z")
        .touch("t7", "email_sent", "email", "c3", "e2", null, null, "2026-01-10T08:00:00Z")
        .touch("t8", "email_sent", "email", "c3", "e3", null, null, "2026-01-10T08:00:00Z")
        .touch("t9", "email_sent", "email", "c3", "e4", null, null, "2026-01-10T08:00:00Z")
        .touch("t10", "email_open", "email", "c3", "e1", null, null, "2026-01-10T09:00:00Z")
        .touch("t11", "email_open", "email", "c3", "e1", null, null, "2026-01-11T09:00:00Z")
        .touch("t12", "email_open", "email", "c3", "e2", null, null, "2026-01-10T09:30:00Z")
        .touch("t13", "email_click", "email", "c3", "e1", null, null, "2026-01-10T09:01:00Z")
        .touch("t14", "unsubscribe", "email", "c3", "e4", null, null, "2026-01-12T09:00:00Z")
        .touch("t17", "email_sent", "email", "c4", "e1", null, null, "2026-01-20T08:00:00Z")
        // February: an organic visit without campaign or cost. March: only a touch after the run date.
        .touch("t15", "web_visit", "organic", null, null, "v9", null, "2026-02-14T10:00:00Z")
        .touch("t16", "impression", "social", "c2", null, "v5", "100", "2026-03-15T10:00:00Z")
        .kpis(SparkTestSession.get(), "2026-03-10")
        .cache();
  }

  @Test
  void spendSumsTouchCostsOfTheMonthUpToTheRunDate() {
    // Jan: 3 x 2.50 + 1.25 + 0.75 = 9.50; the March touch is after the run date.
    assertKpi(kpis, "marketing_spend", "all", List.of(
        row(JAN, "all", "9.5", null, null), row(FEB, "all", 0, null, null), row(MAR, "all", 0, null, null)));
    assertKpi(kpis.where("period_start = '2026-01-01'"), "marketing_spend", "channel", List.of(
        row(JAN, "paid_search", "8.25", null, null), row(JAN, "social", "1.25", null, null),
        row(JAN, "email", 0, null, null), row(JAN, "organic", 0, null, null)));
  }

  @Test
  void impressionsAndCtrPerChannelAndCampaign() {
    assertKpi(kpis, "impressions", "all", List.of(
        row(JAN, "all", 4, null, null), row(FEB, "all", 0, null, null), row(MAR, "all", 0, null, null)));
    // Jan: 1 click / 4 impressions = 25; paid_search 1 / 3 = 33.3333; social 0 / 1; email 0 / 0.
    assertKpi(kpis, "ctr", "all", List.of(
        row(JAN, "all", 25, 1, 4), row(FEB, "all", null, 0, 0), row(MAR, "all", null, 0, 0)));
    assertKpi(kpis.where("period_start = '2026-01-01'"), "ctr", "channel", List.of(
        row(JAN, "paid_search", "33.3333", 1, 3), row(JAN, "social", 0, 0, 1), row(JAN, "email", null, 0, 0),
        row(JAN, "organic", null, 0, 0)));
    // The organic visit has no campaign: it counts under campaign 'unknown'.
    assertKpi(kpis.where("period_start = '2026-02-01'"), "impressions", "campaign", List.of(
        row(FEB, "c1", 0, null, null), row(FEB, "c2", 0, null, null), row(FEB, "c3", 0, null, null),
        row(FEB, "c4", 0, null, null), row(FEB, "unknown", 0, null, null)));
  }

  @Test
  void emailRatesCountUniquePersonCampaignPairs() {
    // all: sent 5 unique pairs; opens 2 (e1 twice counts once) = 40; clicks 1 = 20; unsubscribes 1 = 20.
    assertKpi(kpis, "email_open_rate", "all", List.of(
        row(JAN, "all", 40, 2, 5), row(FEB, "all", null, 0, 0), row(MAR, "all", null, 0, 0)));
    assertKpi(kpis.where("period_start = '2026-01-01'"), "email_click_rate", "all", List.of(row(JAN, "all", 20, 1, 5)));
    assertKpi(kpis.where("period_start = '2026-01-01'"), "unsubscribe_rate", "all", List.of(row(JAN, "all", 20, 1, 5)));
    // c3: 2 / 4 = 50; c4: 0 / 1 = 0.
    assertKpi(kpis.where("period_start = '2026-01-01' AND dimension_value IN ('c3', 'c4')"), "email_open_rate",
        "campaign", List.of(row(JAN, "c3", 50, 2, 4), row(JAN, "c4", 0, 0, 1)));
  }
}
