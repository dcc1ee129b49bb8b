package com.journeyanalytics.jobs.journeys;

import static com.journeyanalytics.common.testing.DataFrameAssert.assertThatDataFrame;
import static com.journeyanalytics.common.testing.DataFrameAssert.row;
import static com.journeyanalytics.jobs.fixtures.TouchpointFixture.touchpoints;
import static org.assertj.core.api.Assertions.assertThat;

import com.journeyanalytics.common.config.JobConfig;
import com.journeyanalytics.common.quality.QualityCheck;
import com.journeyanalytics.jobs.pipeline.StepResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * customer_journeys and retention_cohorts over paying intervals, run on 2026-07-15.
 * <pre>
 * c1 "overwrite":  snapshot 1 converted Jan 10, churned Mar 5; now converted Jun 2, churned null
 * c2 "keep churn": snapshot 1 converted Jan 10, churned Mar 5; now converted Jun 2, churned Mar 5
 *   both: [Jan 10, Mar 5], [Jun 2, open)
 * c3 two comebacks: [Jan 20, Feb 10], [Mar 15, Apr 20], [May 5, open)
 * c4 converted Feb 1, corrected to Feb 3: [Feb 1, open) and a conflict (Feb 3)
 * c5 churned Apr 1, never converted: a conflict, no interval
 * c6 [Feb 15, May 10]: churned and not back
 * </pre>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ComebackJourneysTest {

  private JourneyTestRun journeys;
  private StepResult result;

  @BeforeAll
  void loadAndRun(@TempDir Path warehouse) {
    journeys = new JourneyTestRun(warehouse, JobConfig.load(null, Map.of()))
        .earlierSnapshot("c1", "2026-01-10T00:00:00Z", "2026-03-05T00:00:00Z")
        .account("c1", "SMB", "pro", "NA", "Software", "email", "2026-06-02T00:00:00Z", null)
        .earlierSnapshot("c2", "2026-01-10T00:00:00Z", "2026-03-05T00:00:00Z")
        .account("c2", "SMB", "pro", "NA", "Software", "email", "2026-06-02T00:00:00Z", "2026-03-05T00:00:00Z")
        .earlierSnapshot("c3", "2026-01-20T00:00:00Z", "2026-02-10T00:00:00Z")
        .earlierSnapshot("c3", "2026-03-15T00:00:00Z", "2026-04-20T00:00:00Z")
        .account("c3", "Enterprise", "enterprise", "EMEA", "Finance", "direct", "2026-05-05T00:00:00Z", null)
        .earlierSnapshot("c4", "2026-02-01T00:00:00Z", null)
        .account("c4", "Enterprise", "enterprise", "EMEA", "Finance", "direct", "2026-02-03T00:00:00Z", null)
        .account("c5", "SMB", "starter", "NA", "Retail", "direct", null, "2026-04-01T00:00:00Z")
        .account("c6", "SMB", "starter", "NA", "Retail", "direct", "2026-02-15T00:00:00Z", "2026-05-10T00:00:00Z")
        .load(touchpoints()
            .add("c1", "web_visit", "2026-01-01T00:00:00Z").channel("organic")
            .add("c2", "web_visit", "2026-01-01T00:00:00Z").channel("organic")
            .add("c3", "web_visit", "2026-01-01T00:00:00Z").channel("organic")
            .add("c4", "web_visit", "2026-01-01T00:00:00Z").channel("organic")
            .add("c5", "web_visit", "2026-01-01T00:00:00Z").channel("organic")
            .add("c6", "web_visit", "2026-01-01T00:00:00Z").channel("organic")
            .done());
    result = journeys.run("run-1", "2026-07-15");
  }

  @Test
  void journeysKeepTheFirstConversionCountComebacksAndShowAChurnOnlyWhileNotPaying() {
    // days_to_convert from the Jan 1 first touch: c1, c2 9; c3 19; c4 31; c6 45.
    assertThatDataFrame(journeys.tables.read("customer_journeys")).containsExactlyRowsInAnyOrder(
        List.of("customer_key", "converted_at", "days_to_convert", "is_converted", "reactivations", "churned_at",
            "is_churned"),
        List.of(
            row("c1", "2026-01-10T00:00:00Z", "9", true, 1, null, false),
            row("c2", "2026-01-10T00:00:00Z", "9", true, 1, null, false),
            row("c3", "2026-01-20T00:00:00Z", "19", true, 2, null, false),
            row("c4", "2026-02-01T00:00:00Z", "31", true, 0, null, false),
            row("c5", null, null, false, 0, null, false),
            row("c6", "2026-02-15T00:00:00Z", "45", true, 0, "2026-05-10T00:00:00Z", true)));
  }

  @Test
  void cohortsFollowTheFirstConversionAndCountAComebackAsRetainedAgain() {
    // Retained = paying at the first instant of the next month.
    // Cohort Jan (c1, c2, c3): Feb 1 all 3; Mar 1 c1, c2 (churn Mar 5); Apr 1 c3 (second interval);
    // May 1 nobody; Jun 1 c3; Jul 1 and Aug 1 all 3.
    // Cohort Feb (c4, c6): Mar 1, Apr 1, May 1 both; Jun 1, Jul 1, Aug 1 c4 only (c6 churned May 10).
    // No usage: active 0.
    assertThatDataFrame(journeys.tables.read("retention_cohorts")).containsExactlyRowsInAnyOrder(
        List.of("cohort_month", "months_since", "cohort_size", "retained_customers", "retention_rate",
            "active_customers", "active_rate"),
        List.of(
            row("2026-01-01", 0, 3, 3, "100", 0, "0"),
            row("2026-01-01", 1, 3, 2, "66.6667", 0, "0"),
            row("2026-01-01", 2, 3, 1, "33.3333", 0, "0"),
            row("2026-01-01", 3, 3, 0, "0", 0, "0"),
            row("2026-01-01", 4, 3, 1, "33.3333", 0, "0"),
            row("2026-01-01", 5, 3, 3, "100", 0, "0"),
            row("2026-01-01", 6, 3, 3, "100", 0, "0"),
            row("2026-02-01", 0, 2, 2, "100", 0, "0"),
            row("2026-02-01", 1, 2, 2, "100", 0, "0"),
            row("2026-02-01", 2, 2, 2, "100", 0, "0"),
            row("2026-02-01", 3, 2, 1, "50", 0, "0"),
            row("2026-02-01", 4, 2, 1, "50", 0, "0"),
            row("2026-02-01", 5, 2, 1, "50", 0, "0")));
  }

  @Test
  void milestonesThatStartOrEndNothingAreCountedAsAWarning() {
    // c4's corrected conversion (Feb 3, inside [Feb 1, open)) and c5's churn without a conversion.
    assertThat(result.checks()).filteredOn(c -> c.checkName().equals("milestone_conflicts"))
        .singleElement()
        .satisfies(c -> {
          assertThat(c.dataset()).isEqualTo("accounts");
          assertThat(c.status()).isEqualTo(QualityCheck.Status.WARN);
          assertThat(c.observedValue()).isEqualTo(2.0);
        });
  }
}
