package com.journeyanalytics.jobs.journeys;

import static com.journeyanalytics.common.testing.DataFrameAssert.assertThatDataFrame;
import static com.journeyanalytics.common.testing.DataFrameAssert.row;

import com.journeyanalytics.common.config.JourneySettings;
import com.journeyanalytics.common.testing.SparkTestSession;
import com.journeyanalytics.jobs.sql.SqlFiles;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * conversion_drivers on a hand-made timeline and customer_journeys (January 2026, 10:00 UTC):
 * <pre>
 *   subject    kind       converted  plan     segment  touchpoints
 *   acc-1      account    d10        pro      SMB      demo_request d5, became_customer d10, webinar_attended d12
 *   acc-2      account    d10        pro      SMB      demo_request d3, became_customer d10
 *   acc-3      account    d10        pro      SMB      demo_request d2, became_customer d10
 *   acc-4      account    -          starter  SMB      demo_request d4, webinar_attended d6
 *   acc-5      account    -          starter  SMB      webinar_attended d6
 *   email:p1   prospect   -          -        -        web_visit d1, webinar_attended d7
 *   anon:v1    anonymous  -          -        -        web_visit d1, demo_request d2
 *   anon:v2    anonymous  -          -        -        web_visit d1
 * </pre>
 * Region, industry, acquisition channel and first-touch channel are missing for everyone.
 * Population: the 6 identified subjects (the visitors are left out), 3 converted.
 */
class ConversionDriversTest {

  private static final SparkSession SPARK = SparkTestSession.get();
  private static final LocalDate RUN_DATE = LocalDate.parse("2026-03-15");

  private static final StructType TIMELINE = new StructType()
      .add("customer_key", DataTypes.StringType).add("activity", DataTypes.StringType)
      .add("occurred_at", DataTypes.TimestampType);
  private static final StructType JOURNEYS = new StructType()
      .add("customer_key", DataTypes.StringType).add("customer_kind", DataTypes.StringType)
      .add("is_converted", DataTypes.BooleanType).add("converted_at", DataTypes.TimestampType)
      .add("segment", DataTypes.StringType).add("plan", DataTypes.StringType).add("region", DataTypes.StringType)
      .add("industry", DataTypes.StringType).add("acquisition_channel", DataTypes.StringType)
      .add("first_touch_channel", DataTypes.StringType);

  private static Dataset<Row> timeline() {
    return SPARK.createDataFrame(List.of(
        touch("acc-1", "demo_request", 5), touch("acc-1", "became_customer", 10), touch("acc-1", "webinar_attended", 12),
        touch("acc-2", "demo_request", 3), touch("acc-2", "became_customer", 10),
        touch("acc-3", "demo_request", 2), touch("acc-3", "became_customer", 10),
        touch("acc-4", "demo_request", 4), touch("acc-4", "webinar_attended", 6),
        touch("acc-5", "webinar_attended", 6),
        touch("email:p1", "web_visit", 1), touch("email:p1", "webinar_attended", 7),
        touch("anon:v1", "web_visit", 1), touch("anon:v1", "demo_request", 2),
        touch("anon:v2", "web_visit", 1)), TIMELINE);
  }

  private static Dataset<Row> journeys() {
    Timestamp converted = day(10);
    return SPARK.createDataFrame(List.of(
        RowFactory.create("acc-1", "account", true, converted, "SMB", "pro", null, null, null, null),
        RowFactory.create("acc-2", "account", true, converted, "SMB", "pro", null, null, null, null),
        RowFactory.create("acc-3", "account", true, converted, "SMB", "pro", null, null, null, null),
        RowFactory.create("acc-4", "account", false, null, "SMB", "starter", null, null, null, null),
        RowFactory.create("acc-5", "account", false, null, "SMB", "starter", null, null, null, null),
        RowFactory.create("email:p1", "prospect", false, null, null, null, null, null, null, null),
        RowFactory.create("anon:v1", "anonymous", false, null, null, null, null, null, null, null),
        RowFactory.create("anon:v2", "anonymous", false, null, null, null, null, null, null, null)), JOURNEYS);
  }

  /** Statistics rounded to 6 decimals, so the expected values read as numbers. */
  private static Dataset<Row> drivers(int minSubjects) {
    Dataset<Row> journeys = journeys();
    Dataset<Row> dimensions = SqlFiles.run(journeys.sparkSession(), "journeys/customer_dimensions.sql",
        Map.of("journeys", journeys), Map.of());
    Dataset<Row> facts = SubjectFactsFixture.facts(timeline(), new JourneySettings.ActivityPaths(1, List.of()));
    return ConversionDrivers.conversionDrivers(facts, journeys, dimensions, minSubjects, RUN_DATE)
        .selectExpr("snapshot_date", "factor_kind", "factor", "subjects_with", "converted_with", "subjects_without",
            "converted_without", "conversion_rate_with", "conversion_rate_without", "round(odds_ratio, 6) AS odds_ratio",
            "round(ci_low, 6) AS ci_low", "round(ci_high, 6) AS ci_high", "round(p_value, 9) AS p_value",
            "round(q_value, 9) AS q_value");
  }

  /**
   * Activities:
   * <ul>
   *   <li>demo_request: acc-1..3 before their conversion, acc-4: 4 with, 3 converted; without acc-5,
   *       p1: 2, 0 converted (v1's is not counted). Cells a=3, b=1, c=0, d=2: odds ratio
   *       (3.5 x 2.5) / (1.5 x 0.5) = 35/3 = 11.666667; Woolf se = sqrt(1/3.5 + 1/1.5 + 1/0.5 + 1/2.5)
   *       = 1.830951, ln OR 2.456736 -+ 1.959964 x se = 3.588598: exp(-1.131862) = 0.322432,
   *       exp(6.045334) = 422.138501. Fisher (4 with, 2 without, 3 converted): x = 1..3 with
   *       weights C(4,x) C(2,3-x) = 4, 12, 4 of 20; observed x = 3 (4/20), as extreme x = 1: p = 0.4.</li>
   *   <li>webinar_attended: acc-4, acc-5, p1 (acc-1's came after its conversion): 3 with, 0 converted;
   *       without acc-1..3, all converted. a=0, b=3, c=3, d=0: odds ratio 0.25 / 12.25 = 1/49 = 0.020408;
   *       se = sqrt(2/0.5 + 2/3.5) = 2.138090, ln OR -3.891820 -+ 4.190579: 0.000309 and 1.348185.
   *       Fisher (3, 3, 3 converted): C(3,x) C(3,3-x) = 1, 9, 9, 1 of 20; observed x = 0: p = 2/20 = 0.1.</li>
   *   <li>became_customer happened at the conversion, not before it: no holder, no row. web_visit:
   *       p1 only (the visitors are not identified): 1 &lt; 3, left out.</li>
   * </ul>
   * Attributes (every subject holds one value per dimension):
   * <ul>
   *   <li>plan=pro: acc-1..3, all converted; without: 3, none. a=3, b=0, c=0, d=3: odds ratio 49,
   *       interval exp(3.891820 -+ 4.190579) = 0.741738 and 3236.991302; p = 0.1 as above.
   *       plan=starter (2) and plan=unknown (p1) are under 3: left out.</li>
   *   <li>segment=SMB: the 5 accounts, 3 converted; without: p1. a=3, b=2, c=0, d=1: odds ratio
   *       (3.5 x 1.5) / (2.5 x 0.5) = 4.2, ln 1.435085 -+ 1.959964 x 1.830951: 0.116076 and
   *       151.969861. Fisher (5, 1, 3): x = 2, 3 with C(5,x) C(1,3-x) = 10, 10: p = 1.
   *       segment=unknown (p1) is left out.</li>
   *   <li>region, industry, acquisition_channel, first_touch_channel = unknown: all 6, 3 converted,
   *       nobody without (rate null). a=3, b=3, c=0, d=0: odds ratio 1, se = sqrt(2/3.5 + 2/0.5)
   *       = 2.138090: exp(-+4.190579) = 0.015138 and 66.061047; one possible table: p = 1.</li>
   * </ul>
   * Benjamini-Hochberg over the 8 factors: p sorted 0.1, 0.1, 0.4, 1 x 5; p x 8 / rank = 0.8, 0.4,
   * 1.0667, 2, 1.6, 1.333, 1.143, 1. From rank 8 down, the running minimum: 1 for ranks 8..3, 0.4
   * for rank 2 and rank 1 (min(0.8, 0.4)). So webinar_attended and plan=pro 0.4, the rest 1.
   */
  @Test
  void countsSubjectsWithAndWithoutEachFactorAndTestsThem() {
    assertThatDataFrame(drivers(3)).containsExactlyRowsInAnyOrder(
        List.of("snapshot_date", "factor_kind", "factor", "subjects_with", "converted_with", "subjects_without",
            "converted_without", "conversion_rate_with", "conversion_rate_without", "odds_ratio", "ci_low", "ci_high",
            "p_value", "q_value"),
        List.of(
            row("2026-03-15", "activity", "demo_request", 4, 3, 2, 0, "75", "0", "11.666667", "0.322432", "422.138501",
                "0.4", "1"),
            row("2026-03-15", "activity", "webinar_attended", 3, 0, 3, 3, "0", "100", "0.020408", "0.000309",
                "1.348185", "0.1", "0.4"),
            row("2026-03-15", "attribute", "plan=pro", 3, 3, 3, 0, "100", "0", "49", "0.741738", "3236.991302", "0.1",
                "0.4"),
            row("2026-03-15", "attribute", "segment=SMB", 5, 3, 1, 0, "60", "0", "4.2", "0.116076", "151.969861", "1",
                "1"),
            row("2026-03-15", "attribute", "region=unknown", 6, 3, 0, 0, "50", null, "1", "0.015138", "66.061047", "1",
                "1"),
            row("2026-03-15", "attribute", "industry=unknown", 6, 3, 0, 0, "50", null, "1", "0.015138", "66.061047", "1",
                "1"),
            row("2026-03-15", "attribute", "acquisition_channel=unknown", 6, 3, 0, 0, "50", null, "1", "0.015138",
                "66.061047", "1", "1"),
            row("2026-03-15", "attribute", "first_touch_channel=unknown", 6, 3, 0, 0, "50", null, "1", "0.015138",
                "66.061047", "1", "1")));
  }

  /** min-subjects 2 lets plan=starter (acc-4, acc-5) in; web_visit, plan=unknown and segment=unknown (1 each) stay out. */
  @Test
  void minSubjectsDecidesWhichFactorsAreKept() {
    assertThatDataFrame(drivers(2).select("factor_kind", "factor", "subjects_with", "converted_with"))
        .containsExactlyRowsInAnyOrder(List.of("factor_kind", "factor", "subjects_with", "converted_with"),
            List.of(
                row("activity", "demo_request", 4, 3), row("activity", "webinar_attended", 3, 0),
                row("attribute", "plan=pro", 3, 3), row("attribute", "plan=starter", 2, 0),
                row("attribute", "segment=SMB", 5, 3), row("attribute", "region=unknown", 6, 3),
                row("attribute", "industry=unknown", 6, 3), row("attribute", "acquisition_channel=unknown", 6, 3),
                row("attribute", "first_touch_channel=unknown", 6, 3)));
  }

  private static Timestamp day(int day) {
    return Timestamp.from(Instant.parse(LocalDate.of(2026, 1, day) + "T10:00:00Z"));
  }

  private static Row touch(String customer, String activity, int day) {
    return RowFactory.create(customer, activity, day(day));
  }
}
