package com.journeyanalytics.jobs.journeys;

import static com.journeyanalytics.common.testing.DataFrameAssert.assertThatDataFrame;
import static com.journeyanalytics.common.testing.DataFrameAssert.row;
import static com.journeyanalytics.jobs.fixtures.TouchpointFixture.touchpoints;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.journeyanalytics.common.config.InvalidConfigException;
import com.journeyanalytics.common.config.JobConfig;
import com.journeyanalytics.common.quality.QualityCheck;
import com.journeyanalytics.jobs.fixtures.TouchpointFixture;
import com.journeyanalytics.jobs.pipeline.StepResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The three order modes, the window and exclusions against one timeline built to tell them
 * apart (days are January 2026 at 10:00 UTC, "d40" is 2026-02-09):
 * <pre>
 *   c1  click d1, form d2, demo d3            all modes reach 3
 *   c2  click d1, web_visit d2, form d3, demo d4     strict broken after 1; ordered and any 3
 *   c3  click d1, demo d2, form d3             out of order: ordered 2, any 3 (done at d3), strict 1
 *   c4  click d1, form d2, demo d40            demo outside the 30-day window: 2 in every mode
 *   c5  click d1, unsubscribe d2, form d3      strict 1; ordered/any 2; excluded by the exclusion funnel
 *   c6  click d1, form d2, unsubscribe d3      exclusion after the last reached step: kept, 2
 *   c7  form d1, click d2                      form before entering does not count: 1
 * </pre>
 */
class FunnelsTest {

  private static final String FUNNELS = """
      journey.journeys.funnels = [
        { name = strict, mode = strict, window-days = 30, exclusions = [],
          steps = [{ activity = email_click }, { activity = form_submit }, { activity = demo_request }] }
        { name = any, mode = any, window-days = 30, exclusions = [],
          steps = [{ activity = email_click }, { activity = form_submit }, { activity = demo_request }] }
        { name = ordered, mode = ordered, window-days = 30, exclusions = [],
          steps = [{ activity = email_click }, { activity = form_submit }, { activity = demo_request }] }
        { name = excluding, mode = ordered, window-days = 30, exclusions = [unsubscribe],
          steps = [{ activity = email_click }, { activity = form_submit }, { activity = demo_request }] }
        { name = promoters, mode = ordered, window-days = 30, exclusions = [],
          steps = [{ activity = ad_click, channel = paid_search, name = paid_click },
                   { activity = nps_response, source = support, condition { field = score, op = ">=", value = "9" } }] }
      ]
      """;

  @TempDir
  Path warehouse;

  private static TouchpointFixture timeline() {
    return touchpoints()
        .add("email:c1", "email_click", day(1)).add("email:c1", "form_submit", day(2)).add("email:c1", "demo_request", day(3))
        .add("email:c2", "email_click", day(1)).add("email:c2", "web_visit", day(2)).add("email:c2", "form_submit", day(3))
        .add("email:c2", "demo_request", day(4))
        .add("email:c3", "email_click", day(1)).add("email:c3", "demo_request", day(2)).add("email:c3", "form_submit", day(3))
        .add("email:c4", "email_click", day(1)).add("email:c4", "form_submit", day(2)).add("email:c4", "demo_request", day(40))
        .add("email:c5", "email_click", day(1)).add("email:c5", "unsubscribe", day(2)).add("email:c5", "form_submit", day(3))
        .add("email:c6", "email_click", day(1)).add("email:c6", "form_submit", day(2)).add("email:c6", "unsubscribe", day(3))
        .add("email:c7", "form_submit", day(1)).add("email:c7", "email_click", day(2))
        // Promoters: c8's organic click does not enter; its paid click does, then a 10 (numeric >= 9).
        .add("email:c8", "ad_click", day(1)).channel("organic").add("email:c8", "ad_click", day(2)).channel("paid_search")
        .add("email:c8", "nps_response", day(3)).feature("score", "10")
        .add("email:c9", "ad_click", day(1)).channel("paid_search").add("email:c9", "nps_response", day(2)).feature("score", "8")
        .done();
  }

  private static String day(int day) {
    return java.time.LocalDate.of(2026, 1, 1).plusDays(day - 1L) + "T10:00:00Z";
  }

  private JobConfig config(String hocon) throws IOException {
    Path file = Files.writeString(warehouse.resolve("journeys.conf"), hocon);
    return JobConfig.load(file.toFile(), Map.of());
  }

  @Test
  void orderModesWindowAndExclusionsDecideWhoReachesEachStep() throws IOException {
    JourneyTestRun run = new JourneyTestRun(warehouse, config(FUNNELS)).load(timeline());

    StepResult result = run.run("run-1", "2026-03-15");

    // Step 1: c1..c7 (6 in excluding: c5 left out). Step 2 (form): strict c1, c4, c6; any and
    // ordered c1..c6; excluding c1, c2, c3, c4, c6. Step 3 (demo): strict c1; any c1, c2, c3;
    // ordered and excluding c1, c2.
    // Hours to step 2 (ordered): 24, 48, 48, 24, 48, 24: median 36; excluding 24, 48, 48, 24, 24: 24.
    // Hours to step 3: strict c1 24; any c1 24, c2 24, c3 0 (form at d3 completed it): 24; ordered 24, 24.
    assertThatDataFrame(run.tables.read("funnel_steps").where("dimension = 'all'")).containsExactlyRowsInAnyOrder(
        List.of("funnel", "step", "step_name", "customers", "conversion_from_start", "conversion_from_previous",
            "median_hours_from_previous"),
        List.of(
            row("strict", 1, "email_click", 7, "100", null, null),
            row("strict", 2, "form_submit", 3, "42.8571", "42.8571", "24"),
            row("strict", 3, "demo_request", 1, "14.2857", "33.3333", "24"),
            row("any", 1, "email_click", 7, "100", null, null),
            row("any", 2, "form_submit", 6, "85.7143", "85.7143", "36"),
            row("any", 3, "demo_request", 3, "42.8571", "50", "24"),
            row("ordered", 1, "email_click", 7, "100", null, null),
            row("ordered", 2, "form_submit", 6, "85.7143", "85.7143", "36"),
            row("ordered", 3, "demo_request", 2, "28.5714", "33.3333", "24"),
            row("excluding", 1, "email_click", 6, "100", null, null),
            row("excluding", 2, "form_submit", 5, "83.3333", "83.3333", "24"),
            row("excluding", 3, "demo_request", 2, "33.3333", "40", "24"),
            row("promoters", 1, "paid_click", 2, "100", null, null),
            row("promoters", 2, "nps_response", 1, "50", "50", "24")));

    // Step 1 reconciles with the subjects that did the step-1 activity, less the one excluded.
    assertThat(result.checks()).filteredOn(c -> c.checkName().equals("step_1_excluding"))
        .singleElement()
        .satisfies(c -> {
          assertThat(c.status()).isEqualTo(QualityCheck.Status.PASS);
          assertThat(c.observedValue()).isEqualTo(6.0);
        });
  }

  @Test
  void unknownFunnelModeFailsAtStartUpNamingTheKey() {
    assertThatThrownBy(() -> config("""
        journey.journeys.funnels = [{ name = x, mode = sometimes, window-days = 30, exclusions = [],
          steps = [{ activity = signup }] }]
        """))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("journey.journeys.funnels[0].mode")
        .hasMessageContaining("sometimes");
  }

  @Test
  void unknownConditionOperatorInAFunnelStepFailsNamingTheKey() {
    assertThatThrownBy(() -> config("""
        journey.journeys.funnels = [{ name = x, mode = any, window-days = 30, exclusions = [],
          steps = [{ activity = nps_response, condition { field = score, op = "~", value = "9" } }] }]
        """))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("journey.journeys.funnels[0].steps[0].condition.op");
  }
}
