package com.journeyanalytics.jobs.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.journeyanalytics.jobs.report.ReportData.ActivityPath;
import com.journeyanalytics.jobs.report.ReportData.ChangeCount;
import com.journeyanalytics.jobs.report.ReportData.Check;
import com.journeyanalytics.jobs.report.ReportData.Credit;
import com.journeyanalytics.jobs.report.ReportData.Driver;
import com.journeyanalytics.jobs.report.ReportData.Flow;
import com.journeyanalytics.jobs.report.ReportData.FunnelStep;
import com.journeyanalytics.jobs.report.ReportData.KpiChange;
import com.journeyanalytics.jobs.report.ReportData.KpiSeries;
import com.journeyanalytics.jobs.report.ReportData.Run;
import com.journeyanalytics.jobs.report.ReportData.StepTime;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The report's rendering, without Spark: order, escaping, values. */
class RunReportHtmlTest {

  private static final String HOSTILE = "</script><script>alert(1)</script><!-- & \"quoted\" 'single' \u2028";

  static ReportData sample(String status, String error) {
    Run run = new Run("run-1", LocalDate.parse("2026-11-21"), "nightly", status, error,
        Instant.parse("2026-11-22T01:00:00Z"), Instant.parse("2026-11-22T01:02:30Z"),
        "succeeded".equals(status) ? Instant.parse("2026-11-22T01:02:29Z") : null,
        Map.of("crm/accounts", 120L), Map.of("crm/accounts", 3L),
        Map.of("crm/accounts.accepted", 115L, "crm/accounts.duplicates_removed", 2L, "touchpoints", 900L),
        "0.1.0-SNAPSHOT");
    List<Check> checks = List.of(
        new Check("crm/accounts", "completeness", "pass", 100.0, 99.0, "all there"),
        new Check("touchpoints", "identity_conflicts", "warn", 2.0, 0.0, "2 visitors " + HOSTILE),
        new Check("crm/contacts", "freshness", "fail", 0.0, 1.0, "no export folder"),
        new Check("usage/events", "volume", "skipped", null, null, "too little data"));
    List<LocalDate> months = List.of(LocalDate.parse("2026-10-01"), LocalDate.parse("2026-11-01"));
    return new ReportData(run,
        List.of(new StepTime("ingest", "succeeded", 12.5), new StepTime("touchpoints", "failed", 3.0),
            new StepTime("publish", "not run", 0)),
        ReportHtml.sortedChecks(checks),
        List.of(new KpiSeries("churn_rate", "percent", months, Arrays.asList(null, 3.456)),
            new KpiSeries("new_customers", "count", months, List.of(4.0, 7.0))),
        List.of(new Flow("(start)", "awareness", 10), new Flow("awareness", HOSTILE, 4)),
        List.of(new FunnelStep("trial", 1, "signup", 10, 100.0), new FunnelStep("trial", 2, "became_customer", 3, 30.0)),
        List.of(new Credit("first_touch", "email", 2.5, 100.0, 1.0, 4.0), new Credit("markov", "email", 1.75, 70.0, null, null)),
        List.of(new Driver("activity: demo_request", 1200, 31.25, 4.5, 9.6432, 7.81234, 11.9, 0.00002),
            new Driver("attribute: plan=" + HOSTILE, 3, 0.0, null, 0.020408, 0.000309, 1.348185, 0.4)),
        List.of(new ActivityPath(1, "web_visit > signup", 1234, 61.7, 12.5),
            new ActivityPath(2, "(only ignored activities)", 2, 0.1, null)),
        List.of(new ChangeCount("in_progress", 12, "run-0", false), new ChangeCount("restated", 2, "run-0", false)),
        List.of(new KpiChange("restated", "month", LocalDate.parse("2026-10-01"), "new_customers", "all", "all", 4.0, 5.0),
            new KpiChange("restated", "month", LocalDate.parse("2026-10-01"), "revenue", "plan", HOSTILE, 1200.5, null)),
        "Shown as run run-1 left the tables.", List.of(), Instant.parse("2026-11-22T01:03:00Z"));
  }

  @Test
  void failsComeFirstThenWarnsSkippedAndPasses() {
    String html = ReportHtml.render(sample("failed", "data-quality check failed"), "/* charts */");
    int fail = html.indexOf("<tr class=\"q-fail\">");
    int warn = html.indexOf("<tr class=\"q-warn\">");
    int skipped = html.indexOf("<tr class=\"q-skipped\">");
    int pass = html.indexOf("<tr class=\"q-pass\">");
    assertThat(fail).isPositive().isLessThan(warn);
    assertThat(warn).isLessThan(skipped);
    assertThat(skipped).isLessThan(pass);
    assertThat(html).contains("<span class=\"q q-fail\">1 fail</span> <span class=\"q q-warn\">1 warn</span>");
  }

  @Test
  void showsWhatTheNightRestatedAgainstThePreviousRunAndTheTopActivityPaths() {
    String html = ReportHtml.render(sample("succeeded", null), "/* charts */");
    assertThat(html).contains("<p id=\"kpi-change-counts\">Against run run-0: 12 in_progress, 2 restated.</p>")
        .contains("<tr><td>restated</td><td>month 2026-10-01</td><td>new_customers</td><td>all</td>"
            + "<td class=\"num\">4</td><td class=\"num\">5</td></tr>")
        // A removed value prints empty; the breakdown value is escaped like every other text.
        .contains("<td>plan=&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;")
        .contains("<td class=\"num\">1200.5</td><td class=\"num\"></td></tr>")
        .contains("<tr><td class=\"num\">1</td><td>web_visit &gt; signup</td><td class=\"num\">1,234</td>"
            + "<td class=\"num\">61.7 %</td><td class=\"num\">12.5 %</td></tr>")
        .contains("<td>(only ignored activities)</td><td class=\"num\">2</td><td class=\"num\">0.1 %</td>"
            + "<td class=\"num\">–</td></tr>");
    // The changes come right after the KPI charts they restate.
    assertThat(html.indexOf("id=\"kpi-changes\"")).isGreaterThan(html.indexOf("id=\"kpis\""))
        .isLessThan(html.indexOf("id=\"stages\""));
  }

  @Test
  void showsEachModelsCreditWithItsBootstrapIntervalWhenItHasOne() {
    String html = ReportHtml.render(sample("succeeded", null), "/* charts */");
    // first_touch email 2.5 (1 to 4); markov email 1.75 with no interval (a table written before intervals existed).
    assertThat(html).contains("<tr><td>email</td><td class=\"num\">2.5 <span class=\"ci\">1–4</span></td>"
        + "<td class=\"num\">1.75</td></tr>");
  }

  @Test
  void aFirstNightSaysNoReportedValueChanged() {
    ReportData first = sample("succeeded", null);
    ReportData none = new ReportData(first.run(), first.steps(), first.checks(), first.kpis(), first.sankey(),
        first.funnels(), first.attribution(), first.drivers(), List.of(), List.of(), List.of(), first.dataSource(),
        first.notes(), first.generatedAt());
    assertThat(ReportHtml.render(none, "/* charts */"))
        .contains("<p class=\"empty\">No KPI value differs from the previous published night's.</p>")
        .contains("<p class=\"empty\">No activity paths.</p>")
        .doesNotContain("kpi-changes-table");
  }

  @Test
  void showsTheRunItsStatusStepsAndRows() {
    String html = ReportHtml.render(sample("failed", "touchpoints: boom"), "/* charts */");
    assertThat(html).contains("<p class=\"status status-failed\" id=\"run-status\">failed</p>")
        .contains("<td id=\"run-error\">touchpoints: boom</td>")
        .contains("<tr class=\"step-failed\"><td>touchpoints</td><td>failed</td><td class=\"num\">3.0 s</td>")
        .contains("<tr class=\"step-not-run\"><td>publish</td><td>not run</td>")
        .contains("<p id=\"row-totals\">120 rows in, 3 quarantined.</p>")
        .contains("<tr><td>crm/accounts</td><td class=\"num\">120</td><td class=\"num\">3</td><td class=\"num\">2</td>"
            + "<td class=\"num\">115</td></tr>")
        .contains("<tr><td>touchpoints</td><td class=\"num\">900</td></tr>")
        .contains("<th>published</th><td>not published</td>")
        .contains("<th>duration</th><td>150.0 s</td>");
  }

  @Test
  void kpiCardsShowTheRunMonthsValueWithItsUnit() {
    String html = ReportHtml.render(sample("succeeded", null), "/* charts */");
    assertThat(html).contains("<div class=\"kpi-name\">churn_rate</div><div class=\"kpi-value\">3.46 % "
        + "<span class=\"kpi-month\">2026-11</span>");
    assertThat(html).contains("<div class=\"kpi-name\">new_customers</div><div class=\"kpi-value\">7 ");
    assertThat(html).contains("id=\"kpi-0\"").contains("id=\"kpi-1\"").contains("id=\"sankey\"")
        .contains("id=\"funnel-0\"").contains("id=\"attribution-chart\"");
  }

  @Test
  void conversionDriversShowRatesOddsRatioWithItsIntervalAndQValue() {
    String html = ReportHtml.render(sample("succeeded", null), "/* charts */");
    // Odds ratios to three significant digits, q below 0.001 as such, a missing rate as a dash.
    assertThat(html).contains("<tr><td>activity: demo_request</td><td class=\"num\">1,200</td>"
        + "<td class=\"num\">31.25 %</td><td class=\"num\">4.5 %</td><td class=\"num\">9.64</td>"
        + "<td class=\"num\">7.81 to 11.9</td><td class=\"num\">&lt; 0.001</td></tr>");
    assertThat(html).contains("<td class=\"num\">0 %</td><td class=\"num\">–</td><td class=\"num\">0.0204</td>"
        + "<td class=\"num\">0.000309 to 1.35</td><td class=\"num\">0.400</td></tr>");
  }

  @Test
  void escapesEveryTextForHtmlAndTheInlineDataForItsScriptElement() {
    String html = ReportHtml.render(sample("succeeded", null), "/* charts */");
    // The hostile text appears in the page only escaped...
    assertThat(html).contains("2 visitors &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;!-- &amp; "
        + "&quot;quoted&quot; &#39;single&#39;");
    // ... and inside the JSON data as \\u escapes, so no script element ends early.
    String data = html.substring(html.indexOf("id=\"report-data\">") + 17);
    data = data.substring(0, data.indexOf("</script>"));
    assertThat(data).doesNotContain("<").doesNotContain(">").doesNotContain("\u2028")
        .contains("\\u003C/script\\u003E\\u003Cscript\\u003Ealert(1)").contains("\\u2028");
    // Exactly three script elements: the library, the data, the drawing code.
    assertThat(html.split("<script", -1)).hasSize(4);
    assertThat(html.split("</script>", -1)).hasSize(4);
    assertThat(html).doesNotContain("alert(1)</script>");
  }

  @Test
  void jsonMapKeysAreSortedWhateverTheMapsOrder() {
    assertThat(Json.write(Map.of("b", 1L, "a", List.of(Map.of("z", "x", "y", 2.0)))))
        .isEqualTo("{\"a\":[{\"y\":2,\"z\":\"x\"}],\"b\":1}");
  }

  @Test
  void jsonNumbersAndNulls() {
    assertThat(Json.write(Arrays.asList(1.0, 2.5, null, Double.NaN, 7L, "a\"b\\c\n")))
        .isEqualTo("[1,2.5,null,null,7,\"a\\\"b\\\\c\\n\"]");
  }

  @Test
  void inlinesEchartsFromItsWebJar() {
    String js = ReportHtml.echarts();
    assertThat(js.length()).isGreaterThan(500_000);
    assertThat(js).contains("sankey");
    String html = ReportHtml.render(sample("succeeded", null));
    assertThat(html).contains(js).doesNotContain("src=\"http").doesNotContain("<link");
  }

  @Test
  void usageErrorsExitTwoWithTheReasonFirstAndHelpExitsZero() {
    var err = new java.io.ByteArrayOutputStream();
    var out = new java.io.ByteArrayOutputStream();
    int status = ReportCommand.run(new String[] {"--run-date", "yesterday"}, Map.of(),
        new java.io.PrintStream(out), new java.io.PrintStream(err));
    assertThat(status).isEqualTo(2);
    assertThat(err.toString().lines().findFirst()).contains(
        "report.sh: Invalid value for option '--run-date': 'yesterday' is not a date YYYY-MM-DD");
    assertThat(ReportCommand.run(new String[] {"--bogus"}, Map.of(), new java.io.PrintStream(out),
        new java.io.PrintStream(new java.io.ByteArrayOutputStream()))).isEqualTo(2);
    out.reset();
    assertThat(ReportCommand.run(new String[] {"--help"}, Map.of(), new java.io.PrintStream(out),
        new java.io.PrintStream(err))).isZero();
    assertThat(out.toString()).contains("--run-date").contains("--warehouse").contains("--out");
  }
}
