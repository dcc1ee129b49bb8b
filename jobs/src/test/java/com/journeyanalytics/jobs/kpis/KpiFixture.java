package com.journeyanalytics.jobs.kpis;

import static com.journeyanalytics.common.testing.DataFrameAssert.assertThatDataFrame;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.journeyanalytics.common.config.JobConfig;
import com.journeyanalytics.common.config.KpiSettings;
import com.journeyanalytics.common.delta.TableStore;
import com.journeyanalytics.common.schema.Silver;
import com.journeyanalytics.common.schema.TableSpec;
import com.journeyanalytics.jobs.fixtures.SilverFixture;
import com.journeyanalytics.jobs.fixtures.TouchpointFixture;
import com.journeyanalytics.jobs.journeys.SubjectFacts;
import com.journeyanalytics.jobs.journeys.SubjectFactsFixture;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Hand-made silver rows and touchpoints for the KPI tests. Instants are ISO-8601 UTC strings,
 * money decimal strings, null where a value is absent.
 */
final class KpiFixture {

  private static final JobConfig CONFIG = JobConfig.load(null, Map.of());
  static final KpiSettings DEFAULTS = CONFIG.kpis();

  private final SilverFixture silver = SilverFixture.silver();
  private final Set<List<String>> milestones = new HashSet<>();
  final TouchpointFixture touchpoints = TouchpointFixture.touchpoints();

  /**
   * An account as the current CRM snapshot shows it, and its converted_at / churned_at as
   * milestones (as ingest records them). {@code attributes} = "segment/plan/region/industry/
   * acquisition_channel", "-" for none.
   */
  KpiFixture account(String id, String attributes, String trialStartedAt, String convertedAt, String churnedAt) {
    earlierSnapshot(id, convertedAt, churnedAt);
    String[] a = attributes.split("/");
    return add(Silver.ACCOUNTS, "account_id", id, "segment", none(a[0]), "plan", none(a[1]), "region", none(a[2]),
        "industry", none(a[3]), "acquisition_channel", none(a[4]), "created_at", "2026-01-01T00:00:00Z",
        "trial_started_at", trialStartedAt, "converted_at", convertedAt, "churned_at", churnedAt);
  }

  /**
   * converted_at / churned_at an earlier snapshot showed for the account (a CRM that overwrote them
   * since): milestones only, each instant once as in silver_account_milestones.
   */
  KpiFixture earlierSnapshot(String id, String convertedAt, String churnedAt) {
    milestone(id, "converted_at", convertedAt);
    milestone(id, "churned_at", churnedAt);
    return this;
  }

  private void milestone(String id, String milestone, String at) {
    if (at != null && milestones.add(List.of(id, milestone, at))) {
      add(Silver.ACCOUNT_MILESTONES, "account_id", id, "milestone", milestone, "occurred_at", at,
          "export_date", "2026-01-01", "run_id", "run-0");
    }
  }

  KpiFixture invoice(String id, String accountId, String amount, String currency, String amountReporting, String status,
      String issuedAt) {
    return add(Silver.INVOICES, "invoice_id", id, "account_id", accountId, "amount", amount, "currency", currency,
        "amount_reporting", amountReporting, "status", status, "issued_at", issuedAt);
  }

  KpiFixture touch(String id, String type, String channel, String campaignId, String email, String anonymousId,
      String cost, String occurredAt) {
    return add(Silver.TOUCHES, "touch_id", id, "touch_type", type, "channel", channel, "campaign_id", campaignId,
        "email_sha256", email, "anonymous_id", anonymousId, "cost", cost, "occurred_at", occurredAt);
  }

  KpiFixture ticket(String id, String priority, String createdAt, String firstResponseAt, String solvedAt) {
    return add(Silver.TICKETS, "ticket_id", id, "priority", priority, "created_at", createdAt,
        "first_response_at", firstResponseAt, "solved_at", solvedAt);
  }

  KpiFixture survey(String id, String type, int score, String submittedAt) {
    return add(Silver.SURVEYS, "response_id", id, "survey_type", type, "score", score, "submitted_at", submittedAt);
  }

  KpiFixture event(String id, String accountId, String name, String feature, String occurredAt) {
    return add(Silver.EVENTS, "event_id", id, "account_id", accountId, "event_name", name, "feature", feature,
        "occurred_at", occurredAt);
  }

  /** The touchpoint resolving a ticket (or, with dataset surveys, a response) to a subject. */
  KpiFixture resolves(String customerKey, String activity, String recordId, String at) {
    touchpoints.add(customerKey, activity, at).id(recordId).done();
    return this;
  }

  /** A touchpoint of an account (its first one sets lead_to_customer_rate and time to convert). */
  KpiFixture touchpoint(String customerKey, String activity, String at) {
    touchpoints.add(customerKey, activity, at).done();
    return this;
  }

  KpiStep.Inputs inputs(SparkSession spark) {
    return new KpiStep.Inputs(
        frame(spark, Silver.ACCOUNTS), frame(spark, Silver.ACCOUNT_MILESTONES), frame(spark, Silver.INVOICES), frame(spark, Silver.TOUCHES),
        frame(spark, Silver.TICKETS), frame(spark, Silver.SURVEYS), frame(spark, Silver.EVENTS),
        touchpoints.toDataFrame(spark), KpiStep.subjects(subjectFacts(spark)));
  }

  /** subject_facts as the journeys step leaves it in staging for the touchpoints (no funnels configured). */
  Dataset<Row> subjectFacts(SparkSession spark) {
    return SubjectFacts.SPEC.conform(SubjectFactsFixture.facts(touchpoints.toDataFrame(spark), CONFIG.journeys().activityPaths())
        .withColumn(TableStore.RUN_ID, lit("fixture")));
  }

  Dataset<Row> kpis(SparkSession spark, String runDate) {
    return kpis(spark, runDate, DEFAULTS);
  }

  Dataset<Row> kpis(SparkSession spark, String runDate, KpiSettings settings) {
    return KpiStep.computeKpis(spark, inputs(spark), settings, LocalDate.parse(runDate), "run-1");
  }

  Dataset<Row> frame(SparkSession spark, TableSpec spec) {
    return silver.frame(spark, spec);
  }

  /** The rows of one KPI and dimension as (period_start, dimension_value, value, numerator, denominator). */
  static Dataset<Row> select(Dataset<Row> kpis, String kpi, String dimension) {
    return kpis.where(col("kpi").equalTo(kpi).and(col("dimension").equalTo(dimension)))
        .select("period_start", "dimension_value", "value", "numerator", "denominator");
  }

  static final List<String> COLUMNS = List.of("period_start", "dimension_value", "value", "numerator", "denominator");

  static void assertKpi(Dataset<Row> kpis, String kpi, String dimension, List<List<Object>> expected) {
    assertThatDataFrame(select(kpis, kpi, dimension)).containsExactlyRowsInAnyOrder(COLUMNS, expected);
  }

  private KpiFixture add(TableSpec spec, Object... namesAndValues) {
    silver.add(spec, namesAndValues);
    return this;
  }

  private static String none(String value) {
    return value.equals("-") ? null : value;
  }
}
