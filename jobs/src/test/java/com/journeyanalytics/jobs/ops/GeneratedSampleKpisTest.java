package com.journeyanalytics.jobs.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.journeyanalytics.common.delta.TableStore;
import com.journeyanalytics.common.testing.SparkTestSession;
import com.journeyanalytics.jobs.sample.SampleDataGenerator;
import com.journeyanalytics.jobs.sample.SampleDataGenerator.Options;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The sample generator's defaults describe a believable B2B SaaS company: the job's monthly KPIs
 * on a generated sample fall inside the ranges of docs/sample-data.md.
 *
 * <p>The sample is the default one (seed 42, 0.5% dirt, history of a year before the first export
 * day) with 3 export days instead of 30, which keeps generation and the run cheap: the KPIs come
 * from the year of backlog the first export day carries, not from the number of export days.
 *
 * <p>Months asserted: May to October 2026, the six complete months with enough data. Before May the
 * company is young (it has no customers at the start of the history: fewer than 150 paying at a
 * month's start, a few dozen survey responses), so one churned customer or a few NPS answers
 * swing a rate by whole points, as in any young company. November 2026 is the run date's month:
 * partial, and its trials have not had the 30 days trial-to-paid waits for.
 */
class GeneratedSampleKpisTest {

  private static final SparkSession SPARK = SparkTestSession.get();
  private static final List<String> MONTHS = List.of(
      "2026-05-01", "2026-06-01", "2026-07-01", "2026-08-01", "2026-09-01", "2026-10-01");

  @TempDir
  static Path dir;

  /** kpi -> period_start -> the row of dimension `all` (value, numerator, denominator). */
  private static final Map<String, Map<String, Row>> MONTHLY = new TreeMap<>();

  @BeforeAll
  static void runTheJobOnAGeneratedDefaultSample() {
    Path exports = dir.resolve("exports");
    String warehouse = dir.resolve("warehouse").toString();
    SampleDataGenerator.generate(new Options(exports, 2000, 3, LocalDate.of(2026, 11, 20), 42, 0.005), null);
    String database = SparkTestSession.uniqueDatabase("sample_kpis");
    JobRuns.Result run = JobRuns.run(exports.toString(), warehouse, JobRuns.conf(dir, database),
        "--mode", "full_refresh", "--run-date", "2026-11-20");
    assertThat(run.status()).as(run.err()).isZero();

    new TableStore(SPARK, warehouse, database + "_store").read("kpis")
        .where("period_grain = 'month' AND dimension = 'all'")
        .selectExpr("kpi", "CAST(period_start AS STRING) AS month", "CAST(value AS DOUBLE) AS value",
            "CAST(numerator AS DOUBLE) AS numerator", "CAST(denominator AS DOUBLE) AS denominator")
        .collectAsList()
        .forEach(row -> MONTHLY.computeIfAbsent(row.getString(0), k -> new TreeMap<>()).put(row.getString(1), row));
  }

  @Test
  void theAssertedMonthsHaveAnEstablishedCustomerBaseAndEnoughSurveyAnswers() {
    for (String month : MONTHS) {
      assertThat(value("customers_start", month)).as("customers_start " + month).isGreaterThanOrEqualTo(150);
      assertThat(MONTHLY.get("nps").get(month).getDouble(4)).as("nps responses " + month).isGreaterThanOrEqualTo(40);
      assertThat(MONTHLY.get("csat").get(month).getDouble(4)).as("csat responses " + month).isGreaterThanOrEqualTo(40);
    }
  }

  @ParameterizedTest(name = "{0} stays between {1} and {2} every month")
  @CsvSource({
      "ctr,                          0.3,  5",
      "email_open_rate,              15,   50",
      "email_click_rate,             1,    10",
      "churn_rate,                   0.5,  6",
      "nps,                          -20,  60",
      "csat,                         60,   95",
      "trial_to_paid_rate,           5,    40",
      "first_response_median_hours,  1,    24"})
  void eachKpiStaysInTheRangeOfABelievableB2bSaasCompanyEveryMonth(String kpi, double min, double max) {
    Map<String, Double> values = new TreeMap<>();
    for (String month : MONTHS) {
      values.put(month, value(kpi, month));
    }
    assertThat(values).as(kpi).allSatisfy((month, value) -> assertThat(value).as(kpi + " " + month).isBetween(min, max));
  }

  private static Double value(String kpi, String month) {
    Row row = MONTHLY.getOrDefault(kpi, Map.of()).get(month);
    assertThat(row).as(kpi + " " + month).isNotNull();
    assertThat(row.isNullAt(2)).as(kpi + " " + month + " is null").isFalse();
    return row.getDouble(2);
  }
}
