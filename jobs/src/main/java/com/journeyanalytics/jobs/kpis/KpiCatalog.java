package com.journeyanalytics.jobs.kpis;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Every KPI of the kpis table: its name, unit, breakdowns, grains and formula in words. The step
 * keeps only the (kpi, grain, dimension) rows listed here and takes the unit from here; docs/kpis.md
 * is generated from it ({@link #main}) and a test fails when the file is stale.
 */
public final class KpiCatalog {

  private KpiCatalog() {}

  /** A KPI: {@code dimensions} always starts with {@code all}; {@code grains} with {@code month}. */
  public record Kpi(String name, String unit, String section, List<String> dimensions, List<String> grains, String formula) {}

  public static final String MONTH = "month";
  public static final String DAY = "day";

  static final List<String> ACCOUNT = List.of("all", "segment", "plan", "region", "industry", "acquisition_channel");
  static final List<String> MARKETING = List.of("all", "channel", "campaign");
  static final List<String> CUSTOMER = List.of("all", "segment", "plan", "region");
  static final List<String> FEATURE = List.of("all", "feature");
  static final List<String> OVERALL = List.of("all");

  private static final String ACQUISITION = "Acquisition and conversion";
  private static final String RETENTION = "Retention and value";
  private static final String MARKETING_SECTION = "Marketing";
  private static final String SUPPORT = "Voice of the customer and support";
  private static final String USAGE = "Product usage";
  private static final String COMPOSITE = "Composite";

  public static final List<Kpi> ALL = List.of(
      kpi("new_customers", "count", ACQUISITION, ACCOUNT,
          "Accounts with a conversion in the month: the start of a paying interval, their first or a comeback."),
      kpi("reactivated_customers", "count", ACQUISITION, ACCOUNT,
          "Accounts with a comeback in the month: the start of a paying interval after an earlier one ended."
              + " They are also counted in new_customers."),
      kpi("trial_starts", "count", ACQUISITION, ACCOUNT,
          "Accounts whose trial_started_at falls in the month."),
      kpi("trial_to_paid_rate", "percent", ACQUISITION, ACCOUNT,
          "Of the accounts that started a trial in the month (denominator), those whose first conversion is at or"
              + " after the trial start and strictly less than 30 days later (numerator; journey.kpis.trial-to-paid-window-days),"
              + " x 100."),
      kpi("lead_to_customer_rate", "percent", ACQUISITION, ACCOUNT,
          "Of the accounts whose very first touchpoint falls in the month (denominator), those whose first"
              + " conversion is at or after it and less than 90 days later (numerator; journey.kpis.lead-to-customer-window-days),"
              + " x 100."),
      kpi("time_to_convert_median_days", "days", ACQUISITION, ACCOUNT,
          "Exact median, over the accounts whose first conversion falls in the month, of the days from their first"
              + " touchpoint to that conversion."),
      kpi("onboarding_completion_rate", "percent", ACQUISITION, ACCOUNT,
          "Of the accounts with a signup event in the month (denominator), those with an onboarding_completed"
              + " event at or after their first signup of the month and less than 14 days later (numerator;"
              + " journey.kpis.onboarding-window-days), x 100."),
      kpi("customers_start", "count", RETENTION, ACCOUNT,
          "Accounts paying at the first instant of the month (in a paying interval that started before it and"
              + " has not ended before it)."),
      kpi("churned_customers", "count", RETENTION, ACCOUNT,
          "Accounts paying at the start of the month whose paying interval ends (a churn) in the month."),
      kpi("churn_rate", "percent", RETENTION, ACCOUNT,
          "churned_customers / customers_start x 100."),
      kpi("customer_retention_rate", "percent", RETENTION, ACCOUNT,
          "(customers paying at the end of the month - new_customers) / customers_start x 100. The run date's"
              + " month ends at the end of the run date."),
      kpi("net_customer_growth_rate", "percent", RETENTION, ACCOUNT,
          "(new_customers - churned_customers) / customers_start x 100."),
      kpi("revenue", "currency", RETENTION, ACCOUNT,
          "Sum of the reporting-currency amounts of the invoices with status paid issued in the month; credit"
              + " notes are negative amounts and reduce it."),
      kpi("arpa", "currency", RETENTION, ACCOUNT,
          "revenue / the number of distinct accounts with such an invoice in the month."),
      kpi("clv", "currency", RETENTION, ACCOUNT,
          "arpa x expected lifetime in months, where the lifetime is 100 / churn_rate capped at 60 months"
              + " (journey.kpis.clv-cap-months), and the cap itself when churn_rate is 0 or null. No"
              + " numerator/denominator: it is a product."),
      kpi("cac", "currency", RETENTION, OVERALL,
          "marketing_spend / new_customers of the month, overall only."),
      kpi("ltv_to_cac", "score", RETENTION, OVERALL,
          "clv / cac of the month, overall only; numerator and denominator hold clv and cac rounded."),
      kpi("marketing_spend", "currency", MARKETING_SECTION, MARKETING,
          "Sum of the cost (reporting currency) of the marketing touches in the month."),
      kpi("impressions", "count", MARKETING_SECTION, MARKETING,
          "Touches of type impression in the month."),
      kpi("ctr", "percent", MARKETING_SECTION, MARKETING,
          "ad_click touches / impression touches of the month x 100."),
      kpi("email_open_rate", "percent", MARKETING_SECTION, MARKETING,
          "Unique email_open / unique email_sent x 100, where unique means distinct (person, campaign) pairs; the"
              + " person is the email's SHA-256, else the anonymous id (touches with neither are not counted)."),
      kpi("email_click_rate", "percent", MARKETING_SECTION, MARKETING,
          "Unique email_click / unique email_sent x 100 (unique as for email_open_rate)."),
      kpi("unsubscribe_rate", "percent", MARKETING_SECTION, MARKETING,
          "Unique unsubscribe / unique email_sent x 100 (unique as for email_open_rate)."),
      kpi("nps", "score", SUPPORT, CUSTOMER,
          "Over the nps responses submitted in the month: (responses scoring 9-10 - responses scoring 0-6)"
              + " / responses x 100, from -100 to 100."),
      kpi("csat", "percent", SUPPORT, CUSTOMER,
          "csat responses scoring 4 or more / csat responses of the month x 100."),
      kpi("ces", "score", SUPPORT, CUSTOMER,
          "Mean score of the ces responses of the month (sum of scores / responses)."),
      kpi("tickets", "count", SUPPORT, CUSTOMER,
          "Tickets created in the month."),
      kpi("tickets_per_customer", "score", SUPPORT, CUSTOMER,
          "tickets / customers_start of the month."),
      kpi("first_response_median_hours", "hours", SUPPORT, CUSTOMER,
          "Exact median of the hours from created_at to first_response_at, over the tickets created in the month"
              + " that have a first response by the run date."),
      kpi("resolution_median_hours", "hours", SUPPORT, CUSTOMER,
          "Exact median of the hours from created_at to solved_at, over the tickets created in the month that"
              + " were solved by the run date."),
      kpi("first_response_sla_rate", "percent", SUPPORT, CUSTOMER,
          "Tickets created in the month answered at most the SLA hours of their priority after creation (urgent 1,"
              + " high 4, normal 24, low 48; any other priority as normal; journey.kpis.first-response-sla-hours),"
              + " over the tickets whose outcome is known, x 100. An unanswered ticket is a breach once its deadline"
              + " is before the end of the run date, and is left out before."),
      kpi("mau", "count", USAGE, CUSTOMER,
          "Distinct accounts with any usage event in the month."),
      new Kpi("dau_avg", "count", USAGE, CUSTOMER, List.of(MONTH),
          "Mean over the days of the month up to the run date of the distinct accounts active that day:"
              + " numerator = active account-days, denominator = days."),
      new Kpi("dau", "count", USAGE, CUSTOMER, List.of(DAY),
          "Distinct accounts with any usage event that day (period_grain day)."),
      kpi("stickiness", "percent", USAGE, CUSTOMER,
          "dau_avg / mau x 100: numerator = active account-days, denominator = days x mau."),
      kpi("feature_adoption_rate", "percent", USAGE, FEATURE,
          "Accounts with a feature_used event of the feature (dimension feature; any feature for all) in the"
              + " month / mau x 100."),
      kpi("journey_score", "score", COMPOSITE, CUSTOMER,
          "Weighted mean (0-100) of the month's available normalized KPIs: lead_to_customer_rate 1,"
              + " trial_to_paid_rate 1, onboarding_completion_rate 1, customer_retention_rate 2, (nps + 100) / 2 1,"
              + " csat 1, first_response_sla_rate 1 (journey.kpis.journey-score-weights). Each is clamped to 0-100;"
              + " a null KPI is left out and the weights renormalized: numerator = sum of weight x value, denominator"
              + " = sum of the weights used."));

  private static Kpi kpi(String name, String unit, String section, List<String> dimensions, String formula) {
    return new Kpi(name, unit, section, dimensions, List.of(MONTH), formula);
  }

  /** The text of docs/kpis.md. */
  public static String markdown() {
    StringBuilder md = new StringBuilder();
    md.append("# KPIs\n\n")
        .append("<!-- Generated from jobs/src/main/java/com/journeyanalytics/jobs/kpis/KpiCatalog.java: edit the\n")
        .append("     catalog, not this file, then run (after mvn compile)\n")
        .append("     java -cp jobs/target/classes com.journeyanalytics.jobs.kpis.KpiCatalog docs/kpis.md\n")
        .append("     KpiCatalogTest fails while this file is stale. -->\n\n")
        .append("The `kpis` table holds one row per KPI value: `period_grain` (month; day for `dau`),\n")
        .append("`period_start`, `kpi`, `dimension`, `dimension_value`, `value`, `numerator`, `denominator`,\n")
        .append("`unit` and `run_id`. A new KPI adds rows, never columns.\n\n")
        .append("Rules that hold for every KPI:\n\n")
        .append("- Periods are UTC calendar months [start, next start), from the first month holding data up to\n")
        .append("  the run date's month, which is partial: it ends at the end of the run date. Anything dated\n")
        .append("  after the run date is ignored.\n")
        .append("- Every month has a row for every KPI under dimension `all` (zero counts, null rates), and one\n")
        .append("  for every value of a breakdown seen in the data. A fact whose account is unknown to the CRM\n")
        .append("  (or that has none, e.g. an unresolved ticket) counts under the value `unknown`, so counts by\n")
        .append("  a breakdown add up to `all`. `unknown` is the one label for a missing value in every table\n")
        .append("  (journeys, stage metrics, attribution channels).\n")
        .append("- Paying intervals: an account's commercial history is built from every converted_at and\n")
        .append("  churned_at any CRM snapshot has shown (a CRM that overwrites them when a customer comes back\n")
        .append("  loses nothing). An interval starts at a conversion and ends at the first churn after it\n")
        .append("  (open while there is none). A conversion inside an open interval starts nothing and a churn\n")
        .append("  outside every interval ends nothing; both are counted in data_quality as\n")
        .append("  `milestone_conflicts` (warn). A \"conversion\" below is the start of an interval: the first\n")
        .append("  one or a comeback (a reactivation); a \"churn\" is the end of one.\n")
        .append("- \"Paying at instant t\": t lies in an interval, start < t and (end is null or end >= t). An\n")
        .append("  account churning on the first instant of a month is still paying at that month's start and\n")
        .append("  churns in that month, so every churn counts in exactly one month.\n")
        .append("- A ratio writes `numerator` and `denominator`; `value` = numerator / denominator (x 100 for\n")
        .append("  percentages) and is null when the denominator is 0, never NaN or infinity. Counts, sums and\n")
        .append("  medians write only `value`.\n")
        .append("- Money is in the reporting currency (`journey.reporting-currency`, converted with the fixed\n")
        .append("  `journey.fx-rates`). All arithmetic is exact decimal; only `value` is rounded, to 4 places.\n")
        .append("  Medians are exact (the mean of the two middle values for an even count).\n")
        .append("- Breakdown attributes (segment, plan, region, industry, acquisition_channel) are the account's\n")
        .append("  current ones in the CRM. Tickets and survey responses belong to the account the touchpoints\n")
        .append("  step resolved them to.\n")
        .append("- Windows, SLA hours, the CLV cap and the journey_score weights are settings under\n")
        .append("  `journey.kpis` (see conf/reference.conf); the defaults are given below.\n");
    Set<String> sections = new LinkedHashSet<>();
    ALL.forEach(k -> sections.add(k.section()));
    for (String section : sections) {
      md.append("\n## ").append(section).append("\n\n")
          .append("| kpi | unit | grain | breakdowns | formula |\n")
          .append("|---|---|---|---|---|\n");
      for (Kpi kpi : ALL) {
        if (kpi.section().equals(section)) {
          md.append("| ").append(kpi.name())
              .append(" | ").append(kpi.unit())
              .append(" | ").append(String.join(", ", kpi.grains()))
              .append(" | ").append(String.join(", ", kpi.dimensions()))
              .append(" | ").append(kpi.formula())
              .append(" |\n");
        }
      }
    }
    md.append(CHANGES);
    return md.toString();
  }

  /** The kpi_changes table, after the catalog: what a night changed in numbers already reported. */
  private static final String CHANGES = """

      ## What a night changed: `kpi_changes`

      Every run also compares the kpis it wrote with those of the previous published run and writes
      one row per value that differs to `kpi_changes`: `run_id`, `run_date`, `previous_run_id`, the
      KPI key (`period_grain`, `period_start`, `kpi`, `dimension`, `dimension_value`),
      `previous_value`, `value`, `change_kind` and `config_changed`. An unchanged value has no row.

      - The previous published run is the last `succeeded` run (maintenance excluded) whose
        `run_date` is before this run's date; its kpis are read by Delta time travel at the version
        its `pipeline_runs.table_versions['kpis']` recorded, or, while it is the run readers see, at
        the version the `journey.kpis` view is pinned to (maintenance moves it to the compacted
        version: the same rows, files a vacuum keeps). So a rerun of a date compares with the
        same night and writes the same rows (the write is skipped: even `run_id` stays).
      - If a vacuum has deleted the files of that version (a rerun of a night long after the one
        before it, with maintenance in between), the run writes no rows for its date and records
        the check `kpi_changes_baseline` as `warn` in data_quality, instead of failing.
      - Each run replaces only the rows of its `run_date`. A run with no previous published run (the
        first night, or a full refresh on an empty store) writes none: every value would be `new`
        and tell nothing.
      - A full refresh is a run like another: compared with the previous published run before its
        date, it shows what the rebuild changed. After a full refresh to an older date, the rows of
        later run dates stay until those nights are run again (the next nightly run catches them
        up).
      - `change_kind`, by the KPI key in both runs' kpis:
        - `new`: no such row before (a period that started since, a new breakdown value);
        - `removed`: no such row now (e.g. the only account of a segment moved to another one);
          a row absent on one side is `new` or `removed` whatever its period;
        - `in_progress`: the value changed and its period contained the previous run's date
          (`period_start <= previous run_date < the next period's start`): it was partial then;
        - `restated`: the value changed in a period already closed at the previous run's date:
          late data, a re-stitched identity, a corrected export or a changed configuration.
      - Only `value` is compared, null-safely: null to 1.5 is a change, null to null is not.
      - `config_changed`: whether this run's `config_sha256` differs from the previous run's, which
        tells a restatement caused by a new configuration from one caused by the data.

      Every night has `new` rows for the periods that started since the previous one (at least the
      run date's `dau`; on a month's first night, the whole new month) and `in_progress` rows for the
      months still running. `restated` rows are the ones to read.

      Example: night-1 for 2026-03-10 published; the next night, for 2026-03-11, an export brings
      a ticket created 2026-02-20 that was late, and a ticket of the day, while an account moved
      from segment SMB to Enterprise (breakdowns use the current CRM attributes):

      | period_grain | period_start | kpi | dimension | dimension_value | previous_value | value | change_kind |
      |---|---|---|---|---|---|---|---|
      | month | 2026-02-01 | tickets | all | all | 1 | 2 | restated |
      | month | 2026-03-01 | tickets | all | all | 1 | 2 | in_progress |
      | day | 2026-03-11 | dau | all | all | null | 0 | new |
      | month | 2026-02-01 | revenue | segment | SMB | 100 | null | removed |

      February had closed by 2026-03-10: its tickets (1, now 1 + 1) are restated. March contained
      2026-03-10: its tickets (1, now 1 + 1) were in progress. The day 2026-03-11 did not exist for
      night-1. The account was SMB's only one with a February invoice: that row is gone.
      """;

  /** Writes docs/kpis.md (or the path given) from the catalog. */
  public static void main(String[] args) throws IOException {
    Path target = Path.of(args.length > 0 ? args[0] : "docs/kpis.md");
    Files.writeString(target, markdown(), StandardCharsets.UTF_8);
  }
}
