package com.journeyanalytics.jobs.kpis;

import static com.journeyanalytics.common.testing.DataFrameAssert.row;
import static com.journeyanalytics.jobs.kpis.KpiFixture.assertKpi;

import com.journeyanalytics.common.config.KpiSettings;
import com.journeyanalytics.common.testing.SparkTestSession;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * KPIs made of other KPIs; run date 2026-02-10. c1 and c2 convert in January (first touches Jan 1
 * and Jan 2); c2 churns on Feb 5. January spend 300.
 */
class CompositeKpisTest {

  private static final String JAN = "2026-01-01";
  private static final String FEB = "2026-02-01";

  private static Dataset<Row> kpis;

  static KpiFixture fixture() {
    return new KpiFixture()
        .account("c1", "SMB/pro/NA/tech/email", null, "2026-01-05T00:00:00Z", null)
        .account("c2", "SMB/pro/NA/tech/email", null, "2026-01-10T00:00:00Z", "2026-02-05T00:00:00Z")
        .touchpoint("c1", "email_open", "2026-01-01T00:00:00Z")
        .touchpoint("c2", "email_open", "2026-01-02T00:00:00Z")
        .touch("t1", "impression", "social", "k1", null, "v1", "300", "2026-01-03T00:00:00Z")
        .invoice("i1", "c1", "100", "USD", "100", "paid", "2026-01-05T00:00:00Z")
        .invoice("i2", "c2", "50", "USD", "50", "paid", "2026-01-10T00:00:00Z")
        .invoice("i3", "c1", "90", "USD", "90", "paid", "2026-02-05T00:00:00Z")
        // February: one nps 9 (nps 100, normalized 100) and one csat 3 (csat 0).
        .survey("r1", "nps", 9, "2026-02-06T00:00:00Z")
        .survey("r2", "csat", 3, "2026-02-06T00:00:00Z")
        .resolves("c1", "nps_response", "r1", "2026-02-06T00:00:00Z")
        .resolves("c1", "csat_response", "r2", "2026-02-06T00:00:00Z");
  }

  @BeforeAll
  static void compute() {
    kpis = fixture().kpis(SparkTestSession.get(), "2026-02-10").cache();
  }

  @Test
  void cacDividesSpendByNewCustomersOverallOnly() {
    // Jan: 300 / 2 = 150. Feb: 0 / 0 -> null.
    assertKpi(kpis, "cac", "all", List.of(row(JAN, "all", 150, 300, 2), row(FEB, "all", null, 0, 0)));
    assertKpi(kpis, "cac", "segment", List.of());
  }

  @Test
  void clvAndLtvToCac() {
    // Jan: arpa (100 + 50) / 2 = 75, no churn -> 75 x 60 = 4500; ltv_to_cac 4500 / 150 = 30.
    // Feb: arpa 90 / 1, churn_rate 1 / 2 = 50 % -> lifetime 2 months: 180; cac null -> null.
    assertKpi(kpis, "clv", "all", List.of(row(JAN, "all", 4500, null, null), row(FEB, "all", 180, null, null)));
    assertKpi(kpis, "ltv_to_cac", "all", List.of(row(JAN, "all", 30, 4500, 150), row(FEB, "all", null, 180, null)));
  }

  @Test
  void journeyScoreRenormalizesTheWeightsOfTheAvailableKpis() {
    // Jan: only lead_to_customer_rate (2 / 2 = 100, weight 1) is available: 100 x 1 / 1 = 100.
    // Feb: customer_retention_rate (1 - 0) / 2 = 50 (weight 2), nps 100 -> (100 + 100) / 2 = 100
    // (weight 1), csat 0 (weight 1): (2 x 50 + 100 + 0) / 4 = 50.
    assertKpi(kpis, "journey_score", "all", List.of(row(JAN, "all", 100, 100, 1), row(FEB, "all", 50, 200, 4)));
  }

  @Test
  void journeyScoreWeightsComeFromTheSettings() {
    SparkSession spark = SparkTestSession.get();
    Map<String, BigDecimal> weights = new HashMap<>(KpiFixture.DEFAULTS.journeyScoreWeights());
    weights.put("customer_retention_rate", BigDecimal.ZERO);
    KpiSettings settings = new KpiSettings(30, 90, 14, KpiFixture.DEFAULTS.firstResponseSlaHours(), 60, weights);
    // Feb without retention: (100 + 0) / 2 = 50.
    assertKpi(fixture().kpis(spark, "2026-02-10", settings).where("period_start = '2026-02-01'"), "journey_score",
        "all", List.of(row(FEB, "all", 50, 100, 2)));
  }
}
