package com.journeyanalytics.jobs.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.journeyanalytics.common.testing.SparkTestSession;
import com.journeyanalytics.jobs.fixtures.HeadlessChromium;
import com.journeyanalytics.jobs.fixtures.MiniWarehouse;
import com.journeyanalytics.jobs.fixtures.MiniWorld;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The report the job wrote for MiniWorld's second night: its content against the tables, then the
 * page in headless Chromium (Debian's package): it loads with no console error, no uncaught
 * exception and no request beyond its own file, and every chart is drawn (a canvas in each chart
 * container, and many non-white pixels in its area of a screenshot).
 *
 * <p>Without Chromium on the PATH the browser part is skipped, unless JOURNEY_REQUIRE_CHROMIUM is
 * set (CI sets it: .ci/run installs the package).
 */
class RunReportBrowserTest {

  /** Least share of non-background pixels in each chart's area of the screenshot. */
  private static final double MIN_DRAWN_SHARE = 0.01;
  private static final int WIDTH = 1280;

  @Test
  void theNightsReportShowsTheRunAndItsChartsRenderOffline() throws Exception {
    MiniWarehouse.Built built = MiniWarehouse.get();
    SparkSession spark = SparkTestSession.get();
    Path report = built.warehouse().resolve("_reports").resolve(MiniWorld.DAY2 + ".html");
    assertThat(report).as("written by the pipeline at the end of the run").exists();
    assertThat(built.warehouse().resolve("_reports").resolve(MiniWorld.DAY1 + ".html")).exists();
    String html = Files.readString(report);

    Row run = spark.sql("SELECT run_id, status, aggregate(map_values(input_rows), 0L, (a, b) -> a + b), "
        + "aggregate(map_values(quarantined_rows), 0L, (a, b) -> a + b) FROM " + built.database()
        + ".pipeline_runs WHERE run_date = DATE'" + MiniWorld.DAY2 + "' ORDER BY started_at DESC LIMIT 1").first();
    assertThat(run.getString(1)).isEqualTo("succeeded");
    assertThat(html).contains("<h1>Night of " + MiniWorld.DAY2 + "</h1>")
        .contains("<p class=\"status status-succeeded\" id=\"run-status\">succeeded</p>")
        .contains("<tr><th>run id</th><td>" + run.getString(0) + "</td></tr>")
        .contains(String.format(java.util.Locale.ROOT, "<p id=\"row-totals\">%,d rows in, %,d quarantined.</p>",
            run.getLong(2), run.getLong(3)));
    List<String> steps = List.of("ingest", "touchpoints", "journeys", "kpis", "attribution", "publish");
    int at = 0;
    for (String step : steps) {
      int next = html.indexOf("<tr class=\"step-succeeded\"><td>" + step + "</td>", at);
      assertThat(next).as("step %s after the ones before it", step).isGreaterThan(at);
      at = next;
    }
    // Data quality: the run's checks, fails and warns before the rest.
    long checks = spark.sql("SELECT count(*) FROM " + built.database() + ".data_quality WHERE run_id = '"
        + run.getString(0) + "'").first().getLong(0);
    assertThat(html.split("<tr class=\"q-", -1)).hasSize((int) checks + 1);
    int lastWarn = html.lastIndexOf("<tr class=\"q-warn\">");
    int firstPass = html.indexOf("<tr class=\"q-pass\">");
    assertThat(firstPass).isPositive();
    assertThat(lastWarn).isLessThan(firstPass);
    // A KPI card: the value of November 2026 as the kpis view has it.
    Row kpi = spark.sql("SELECT kpi, unit, CAST(value AS DOUBLE) FROM " + built.database() + ".kpis WHERE "
        + "period_grain = 'month' AND dimension = 'all' AND kpi = 'new_customers' AND period_start = DATE'2026-11-01'")
        .first();
    assertThat(html).contains("<div class=\"kpi-name\">new_customers</div><div class=\"kpi-value\">"
        + ReportHtml.withUnit(kpi.isNullAt(2) ? null : kpi.getDouble(2), kpi.getString(1))
        + " <span class=\"kpi-month\">2026-11</span>");
    assertThat(html).contains("id=\"sankey\"").contains("id=\"funnel-0\"").doesNotContain("<section id=\"notes\">");
    // What day 2 changed in reported KPIs, counted per kind as the kpi_changes view has them.
    String counts = html.substring(html.indexOf("<p id=\"kpi-change-counts\">"));
    counts = counts.substring(0, counts.indexOf("</p>"));
    List<Row> kinds = spark.sql("SELECT change_kind, count(*) FROM " + built.database() + ".kpi_changes WHERE run_date = "
        + "DATE'" + MiniWorld.DAY2 + "' GROUP BY change_kind").collectAsList();
    assertThat(kinds).isNotEmpty();
    for (Row kind : kinds) {
      assertThat(counts).contains(String.format(java.util.Locale.ROOT, "%,d %s", kind.getLong(1), kind.getString(0)));
    }
    // The most common activity path, as the activity_paths view has it.
    Row path = spark.sql("SELECT path, customers FROM " + built.database() + ".activity_paths WHERE rank = 1").first();
    assertThat(html).contains("<tr><td class=\"num\">1</td><td>" + ReportHtml.esc(path.getString(0))
        + "</td><td class=\"num\">" + String.format(java.util.Locale.ROOT, "%,d", path.getLong(1)) + "</td>");

    // scripts/report.sh's main: rewrites the first night's report where told.
    Path out = Files.createTempDirectory("journey-report").resolve("night1.html");
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    long t0 = System.nanoTime();
    int status = ReportCommand.run(new String[] {"--warehouse", built.warehouse().toString(), "--conf",
        built.conf().toString(), "--run-date", MiniWorld.DAY1, "--out", out.toString()}, Map.of(),
        new PrintStream(stdout), new PrintStream(stderr));
    assertThat(status).as(stderr.toString()).isZero();
    System.out.printf("report.sh main wrote %s in %d ms%n", out, (System.nanoTime() - t0) / 1_000_000);
    assertThat(stdout.toString()).contains(out.toString());
    assertThat(Files.readString(out)).contains("<h1>Night of " + MiniWorld.DAY1 + "</h1>")
        .contains("<tr class=\"step-succeeded\"><td>publish</td>");

    Optional<String> chromium = HeadlessChromium.binary();
    Assumptions.assumeTrue(chromium.isPresent() || System.getenv("JOURNEY_REQUIRE_CHROMIUM") != null,
        "no chromium on the PATH: the browser check is skipped");
    assertThat(chromium).as("chromium on the PATH (JOURNEY_REQUIRE_CHROMIUM is set)").isPresent();
    try (HeadlessChromium browser = new HeadlessChromium(chromium.get(), WIDTH, 900)) {
      browser.enableEvents();
      browser.open(report.toUri().toString());
      JsonNode charts = browser.evaluate("Array.from(document.querySelectorAll('.chart')).map(function (e) {"
          + " var r = e.getBoundingClientRect(); return {id: e.id, drawn: e.querySelector('canvas, svg') !== null,"
          + " x: r.left + window.scrollX, y: r.top + window.scrollY, w: r.width, h: r.height}; })");
      byte[] png = browser.screenshot(WIDTH);
      Files.write(Path.of("target", "report-screenshot.png"), png);

      assertThat(browser.problems()).as("console errors and uncaught exceptions").isEmpty();
      assertThat(browser.requestedUrls()).as("requests").allMatch(u -> u.startsWith("file:") || u.startsWith("data:"));
      assertThat(charts.size()).as("chart containers").isGreaterThanOrEqualTo(4);
      assertThat(browser.evaluate("document.body.getAttribute('data-charts')").asText())
          .isEqualTo(String.valueOf(charts.size()));
      BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
      for (JsonNode chart : charts) {
        assertThat(chart.path("drawn").asBoolean()).as("a canvas in #%s", chart.path("id").asText()).isTrue();
        double share = drawnShare(image, chart.path("x").asInt(), chart.path("y").asInt(), chart.path("w").asInt(),
            chart.path("h").asInt());
        assertThat(share).as("share of drawn pixels in #%s", chart.path("id").asText())
            .isGreaterThan(MIN_DRAWN_SHARE);
      }
    }
  }

  @Test
  void aReportThatCannotBeWrittenIsOnlyAWarning() throws Exception {
    SparkSession spark = SparkTestSession.get();
    Path root = Files.createTempDirectory("journey-report-failure");
    // A warehouse whose _reports cannot be a folder: a file is in the way.
    Path warehouse = root.resolve("warehouse");
    Files.createDirectories(warehouse);
    Files.writeString(warehouse.resolve(RunReport.FOLDER), "in the way");
    var config = com.journeyanalytics.jobs.fixtures.TestRuns.config(root.resolve("exports"), warehouse, Map.of());
    var tables = new com.journeyanalytics.common.delta.TableStore(spark, warehouse.toString(), config.storeDatabase());
    RunReport.writeQuietly(spark, config, tables, "no-such-run", List.of());
    assertThat(Files.readString(warehouse.resolve(RunReport.FOLDER))).isEqualTo("in the way");
  }

  /** The share of pixels in the area that differ clearly from the white background. */
  private static double drawnShare(BufferedImage image, int x, int y, int w, int h) {
    int x1 = Math.min(image.getWidth(), x + w);
    int y1 = Math.min(image.getHeight(), y + h);
    long drawn = 0;
    long all = 0;
    for (int j = Math.max(0, y); j < y1; j++) {
      for (int i = Math.max(0, x); i < x1; i++) {
        int rgb = image.getRGB(i, j);
        int r = (rgb >> 16) & 0xff;
        int g = (rgb >> 8) & 0xff;
        int b = rgb & 0xff;
        all++;
        if (r < 235 || g < 235 || b < 235) {
          drawn++;
        }
      }
    }
    return all == 0 ? 0 : (double) drawn / all;
  }
}
