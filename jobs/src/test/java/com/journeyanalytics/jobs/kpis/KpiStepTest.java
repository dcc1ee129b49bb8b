package com.journeyanalytics.jobs.kpis;

import static com.journeyanalytics.common.testing.DataFrameAssert.assertThatDataFrame;
import static com.journeyanalytics.common.testing.DataFrameAssert.row;
import static com.journeyanalytics.jobs.kpis.KpiFixture.assertKpi;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.journeyanalytics.common.config.JobConfig;
import com.journeyanalytics.common.delta.TableStore;
import com.journeyanalytics.common.quality.QualityCheck;
import com.journeyanalytics.common.schema.Silver;
import com.journeyanalytics.common.schema.TableSpec;
import com.journeyanalytics.common.schema.Touchpoints;
import com.journeyanalytics.common.testing.SparkTestSession;
import com.journeyanalytics.jobs.journeys.SubjectFacts;
import com.journeyanalytics.jobs.pipeline.RunContext;
import com.journeyanalytics.jobs.pipeline.RunMode;
import com.journeyanalytics.jobs.pipeline.StepResult;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The step end to end on Delta tables: schema, reconciliation, breakdown consistency, catalog
 * coverage and reruns. Fixture: the CRM of {@link AccountKpisTest} plus tickets, surveys, touches
 * and usage events; run date 2026-03-10.
 */
class KpiStepTest {

  private static final SparkSession SPARK = SparkTestSession.get();
  private static final JobConfig CONFIG = JobConfig.load(null, Map.of());
  private static final String JAN = "2026-01-01";
  private static final String FEB = "2026-02-01";
  private static final String MAR = "2026-03-01";

  @TempDir
  static Path warehouse;

  private static TableStore tables;
  private static TableStore staging;
  private static StepResult firstRun;
  private static Dataset<Row> kpis;

  static KpiFixture fixture() {
    return AccountKpisTest.crm()
        .ticket("k1", "high", "2026-01-05T10:00:00Z", "2026-01-05T11:00:00Z", null)
        .ticket("k2", "low", "2026-02-05T10:00:00Z", null, null)
        .ticket("k3", "urgent", "2026-03-01T10:00:00Z", "2026-03-01T10:10:00Z", "2026-03-02T10:00:00Z")
        .resolves("a2", "ticket_opened", "k1", "2026-01-05T10:00:00Z")
        .resolves("a5", "ticket_opened", "k2", "2026-02-05T10:00:00Z")
        .resolves("email:nobody", "ticket_opened", "k3", "2026-03-01T10:00:00Z")
        .survey("r1", "nps", 10, "2026-02-10T00:00:00Z")
        .survey("r2", "csat", 5, "2026-02-10T00:00:00Z")
        .survey("r3", "ces", 2, "2026-02-10T00:00:00Z")
        .resolves("a2", "nps_response", "r1", "2026-02-10T00:00:00Z")
        .resolves("a4", "csat_response", "r2", "2026-02-10T00:00:00Z")
        .touch("t1", "impression", "social", "c1", null, "v1", "10", "2026-01-03T00:00:00Z")
        .touch("t2", "ad_click", "social", "c1", null, "v1", "2", "2026-01-03T00:01:00Z")
        .touch("t3", "email_sent", "email", "c2", "e1", null, null, "2026-02-03T00:00:00Z")
        .touch("t4", "email_open", "email", "c2", "e1", null, null, "2026-02-03T01:00:00Z")
        .event("u1", "a2", "feature_used", "reports", "2026-01-21T00:00:00Z")
        .event("u2", "a4", "login", null, "2026-01-21T00:00:00Z")
        .event("u3", "a5", "feature_used", "dashboards", "2026-02-11T00:00:00Z");
  }

  @BeforeAll
  static void runStep() {
    tables = new TableStore(SPARK, warehouse.toString(), SparkTestSession.uniqueDatabase("kpis"));
    staging = new TableStore(SPARK, warehouse.toString(), SparkTestSession.uniqueDatabase("kpis_staging"));
    KpiFixture fixture = fixture();
    for (TableSpec spec : List.of(Silver.ACCOUNTS, Silver.ACCOUNT_MILESTONES, Silver.INVOICES, Silver.TOUCHES,
        Silver.TICKETS, Silver.SURVEYS, Silver.EVENTS)) {
      staging.replace(spec, fixture.frame(SPARK, spec));
    }
    tables.replace(Touchpoints.SPEC, fixture.touchpoints.toDataFrame(SPARK));
    staging.replace(SubjectFacts.SPEC, fixture.subjectFacts(SPARK));
    firstRun = new KpiStep().run(context("run-1"));
    kpis = tables.read("kpis").cache();
    kpis.createOrReplaceTempView("kpi_step_test_kpis");
  }

  private static RunContext context(String runId) {
    return new RunContext(SPARK, CONFIG, runId, LocalDate.parse("2026-03-10"), RunMode.NIGHTLY, tables, staging);
  }

  @Test
  void writesTheNarrowTableWithTheContractColumns() {
    assertThatDataFrame(kpis).hasColumns(
        "period_grain string", "period_start date", "kpi string", "dimension string", "dimension_value string",
        "value decimal(24,4)", "numerator decimal(24,4)", "denominator decimal(24,4)", "unit string", "run_id string");
    // The key is unique.
    assertThat(SPARK.sql("SELECT period_grain, period_start, kpi, dimension, dimension_value FROM kpi_step_test_kpis"
        + " GROUP BY ALL HAVING count(*) > 1").count()).isZero();
  }

  @Test
  void reconcilesNewCustomersAndTicketsWithTheInputs() {
    // Paying intervals started up to the run date: a1, a2, a4, a5, each in one month (a6 converts
    // after it). Tickets: k1, k2, k3.
    assertThat(firstRun.checks()).extracting(QualityCheck::checkName, QualityCheck::status, QualityCheck::observedValue)
        .containsExactlyInAnyOrder(
            tuple("new_customers_reconcile", QualityCheck.Status.PASS, 4.0),
            tuple("tickets_reconcile", QualityCheck.Status.PASS, 3.0));
  }

  /**
   * The step takes first touches from subject_facts: a2's is the ticket k1 it opened on Jan 5, before
   * its trial on Jan 10 (AccountKpisTest's fixture alone).
   */
  @Test
  void firstTouchesAreTheSubjectsOwn() {
    // Jan conversions: a4 Jan 2 00:00 -> Jan 2 12:00 = 0.5 d, a2 Jan 5 10:00 -> Jan 20 00:00 = 14 d 14 h
    // = 14.5833 d, a5 Jan 1 -> Jan 25 = 24 d: median 14.5833 (from its trial it would be 10 d). Feb: a1
    // Jan 3 -> Feb 4 = 32 d.
    assertKpi(kpis, "time_to_convert_median_days", "all", List.of(
        row(JAN, "all", "14.5833", null, null), row(FEB, "all", 32, null, null), row(MAR, "all", null, null, null)));
    // Leads in Jan: a1, a2, a3, a4, a5 (a2 converts 14.6 d after its first touch, within 90 d): 4 / 5.
    // Feb: a6, converting after the run date: 0 / 1. The prospect email:nobody is no lead.
    assertKpi(kpis, "lead_to_customer_rate", "all", List.of(
        row(JAN, "all", 80, 4, 5), row(FEB, "all", 0, 0, 1), row(MAR, "all", null, 0, 0)));
  }

  @Test
  void countsByEveryBreakdownAddUpToAll() {
    Dataset<Row> compared = SPARK.sql("""
        WITH by_dimension AS (
          SELECT period_grain, period_start, kpi, dimension, sum(value) AS total
          FROM kpi_step_test_kpis
          WHERE dimension NOT IN ('all', 'feature')
            AND kpi IN ('new_customers', 'trial_starts', 'customers_start', 'churned_customers', 'revenue',
              'tickets', 'mau', 'dau', 'marketing_spend', 'impressions')
          GROUP BY period_grain, period_start, kpi, dimension
        )
        SELECT b.kpi, b.dimension, b.period_start, b.total, a.value
        FROM by_dimension b
        INNER JOIN kpi_step_test_kpis a
          ON a.period_grain = b.period_grain AND a.period_start = b.period_start AND a.kpi = b.kpi
          AND a.dimension = 'all'
        """).cache();
    assertThat(compared.count()).isGreaterThan(100);
    assertThat(compared.where("total <> value").collectAsList()).isEmpty();
  }

  /** Percentages and nps (a score from -100 to 100) are x 100; ltv_to_cac and journey_score hold rounded parts. */
  @Test
  void ratiosAreRecomputableFromNumeratorAndDenominator() {
    Dataset<Row> ratios = SPARK.sql("""
        SELECT kpi, dimension, dimension_value, period_start, value, numerator, denominator,
          CASE WHEN denominator = 0 THEN NULL
            ELSE round(numerator * CASE WHEN unit = 'percent' OR kpi = 'nps' THEN 100 ELSE 1 END / denominator, 4)
          END AS recomputed
        FROM kpi_step_test_kpis
        WHERE denominator IS NOT NULL AND kpi NOT IN ('ltv_to_cac', 'journey_score')
        """).cache();
    assertThat(ratios.count()).isGreaterThan(100);
    assertThat(ratios.where("NOT (value <=> recomputed)").collectAsList()).isEmpty();
    assertThat(ratios.where("denominator = 0 AND value IS NOT NULL").count()).isZero();
  }

  @Test
  void everyCatalogKpiIsWrittenForEveryPeriodUnderAllAndOnlyItsBreakdowns() {
    // January to March: 3 months, 69 days.
    for (KpiCatalog.Kpi kpi : KpiCatalog.ALL) {
      for (String grain : kpi.grains()) {
        long periods = grain.equals(KpiCatalog.DAY) ? 69 : 3;
        assertThat(kpis.where("dimension = 'all' AND kpi = '" + kpi.name() + "' AND period_grain = '" + grain + "'")
            .count()).as(kpi.name()).isEqualTo(periods);
        assertThat(kpis.where("kpi = '" + kpi.name() + "' AND period_grain = '" + grain + "'")
            .select("dimension").distinct().collectAsList().stream().map(r -> r.getString(0)))
            .as(kpi.name()).containsExactlyInAnyOrderElementsOf(kpi.dimensions());
      }
      assertThat(kpis.where("kpi = '" + kpi.name() + "' AND unit <> '" + kpi.unit() + "'").count()).isZero();
    }
    assertThat(kpis.select("kpi").distinct().count()).isEqualTo(KpiCatalog.ALL.size());
  }

  /** No pipeline_runs here, so no previous published run: nothing to compare with. */
  @Test
  void writesAnEmptyKpiChangesTableWithoutAPreviousRun() {
    assertThatDataFrame(tables.read("kpi_changes")).hasSchema(KpiChanges.SPEC.schema()).hasRowCount(0);
  }

  @Test
  void rerunChangesNoTableVersion() {
    long before = tables.version("kpis");
    StepResult rerun = new KpiStep().run(context("run-2"));
    assertThat(rerun.writes()).extracting(TableStore.WriteResult::table, TableStore.WriteResult::changed)
        .containsExactly(tuple("kpis", false), tuple("kpi_changes", false));
    assertThat(tables.version("kpis")).isEqualTo(before);
    assertThat(tables.read("kpis").where("run_id <> 'run-1'").count()).isZero();
  }
}
