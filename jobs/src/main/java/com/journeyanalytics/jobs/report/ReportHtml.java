package com.journeyanalytics.jobs.report;

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
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Renders the night's report as one self-contained HTML page: the run, data quality and the top
 * conversion drivers as HTML tables, the KPIs, stage Sankey, funnels and attribution as ECharts
 * charts drawn from an inline JSON object. The minified ECharts comes from its WebJar and is
 * inlined too, so the page opens offline and loads nothing. A pure function of its data: no Spark.
 */
public final class ReportHtml {

  /** The classpath resource of the minified ECharts (WebJar org.webjars.npm:echarts). */
  public static final String ECHARTS_RESOURCE = "META-INF/resources/webjars/echarts/5.3.1/dist/echarts.min.js";

  /** Data-quality statuses in the order the report lists them: what needs attention first. */
  public static final List<String> STATUS_ORDER = List.of("fail", "warn", "skipped", "pass");

  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
      .withZone(ZoneOffset.UTC);

  private static String echarts;

  private ReportHtml() {}

  /** The minified ECharts from its WebJar, checked to be safe to inline in a script element. */
  public static synchronized String echarts() {
    if (echarts == null) {
      try (InputStream in = ReportHtml.class.getClassLoader().getResourceAsStream(ECHARTS_RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException(ECHARTS_RESOURCE + " is not on the classpath (WebJar org.webjars.npm:echarts)");
        }
        String js = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        String lower = js.toLowerCase(Locale.ROOT);
        if (lower.contains("</script") || lower.contains("<!--")) {
          throw new IllegalStateException(ECHARTS_RESOURCE + " cannot be inlined: it contains </script or <!--");
        }
        echarts = js;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return echarts;
  }

  /** The page, with the WebJar's ECharts inlined. */
  public static String render(ReportData data) {
    return render(data, echarts());
  }

  /** The page with {@code chartLibrary} (JavaScript that defines {@code echarts}) inlined. */
  public static String render(ReportData data, String chartLibrary) {
    Run run = data.run();
    StringBuilder h = new StringBuilder(chartLibrary.length() + 64 * 1024);
    h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>Journey analytics: night of ").append(esc(String.valueOf(run.runDate()))).append("</title>\n")
        .append("<style>").append(CSS).append("</style>\n</head>\n<body>\n");

    h.append("<header><h1>Night of ").append(esc(String.valueOf(run.runDate()))).append("</h1>")
        .append("<p class=\"status status-").append(esc(run.status())).append("\" id=\"run-status\">")
        .append(esc(run.status())).append("</p></header>\n");

    runSection(h, data);
    qualitySection(h, data.checks());

    h.append("<section id=\"kpis\"><h2>KPIs, last 13 months</h2>\n");
    h.append("<p class=\"note\">").append(esc(data.dataSource())).append("</p>\n");
    if (data.kpis().isEmpty()) {
      h.append("<p class=\"empty\">No monthly KPI values.</p>\n");
    } else {
      h.append("<div class=\"kpi-grid\">\n");
      for (int i = 0; i < data.kpis().size(); i++) {
        KpiSeries k = data.kpis().get(i);
        Double last = k.values().isEmpty() ? null : k.values().get(k.values().size() - 1);
        String month = k.months().isEmpty() ? "" : k.months().get(k.months().size() - 1).toString().substring(0, 7);
        h.append("<div class=\"kpi\" data-kpi=\"").append(esc(k.kpi())).append("\"><div class=\"kpi-name\">")
            .append(esc(k.kpi())).append("</div><div class=\"kpi-value\">").append(esc(withUnit(last, k.unit())))
            .append(" <span class=\"kpi-month\">").append(esc(month)).append("</span></div>")
            .append("<div class=\"chart small\" id=\"kpi-").append(i).append("\"></div></div>\n");
      }
      h.append("</div>\n");
    }
    h.append("</section>\n");

    changesSection(h, data.changeCounts(), data.kpiChanges());

    h.append("<section id=\"stages\"><h2>Lifecycle stages</h2>\n");
    if (data.sankey().isEmpty()) {
      h.append("<p class=\"empty\">No stage transitions.</p>\n");
    } else {
      h.append("<div class=\"chart wide\" id=\"sankey\"></div>\n");
    }
    h.append("</section>\n");

    h.append("<section id=\"funnels\"><h2>Funnels</h2>\n");
    List<String> funnels = funnelNames(data.funnels());
    if (funnels.isEmpty()) {
      h.append("<p class=\"empty\">No funnel steps.</p>\n");
    } else {
      h.append("<div class=\"funnel-grid\">\n");
      for (int i = 0; i < funnels.size(); i++) {
        h.append("<div class=\"chart funnel\" id=\"funnel-").append(i).append("\"></div>\n");
      }
      h.append("</div>\n");
    }
    h.append("</section>\n");

    attributionSection(h, data.attribution());
    driversSection(h, data.drivers());
    activityPathsSection(h, data.activityPaths());

    if (!data.notes().isEmpty()) {
      h.append("<section id=\"notes\"><h2>Not shown</h2><ul>\n");
      for (String note : data.notes()) {
        h.append("<li>").append(esc(note)).append("</li>\n");
      }
      h.append("</ul></section>\n");
    }
    h.append("<footer>Generated ").append(esc(time(data.generatedAt()))).append(" by journey-analytics ")
        .append(esc(String.valueOf(run.appVersion()))).append(".</footer>\n");

    h.append("<script>").append(chartLibrary).append("</script>\n");
    h.append("<script type=\"application/json\" id=\"report-data\">").append(Json.write(chartData(data)))
        .append("</script>\n");
    h.append("<script>").append(CHARTS_JS).append("</script>\n</body>\n</html>\n");
    return h.toString();
  }

  private static void runSection(StringBuilder h, ReportData data) {
    Run run = data.run();
    h.append("<section id=\"run\"><h2>The run</h2>\n<table class=\"facts\">\n");
    fact(h, "run id", run.runId());
    fact(h, "mode", run.mode());
    fact(h, "status", run.status());
    fact(h, "started", time(run.startedAt()));
    fact(h, "finished", time(run.finishedAt()));
    if (run.startedAt() != null && run.finishedAt() != null) {
      fact(h, "duration", seconds(Duration.between(run.startedAt(), run.finishedAt()).toMillis() / 1000.0));
    }
    fact(h, "published", run.publishedAt() == null ? "not published" : time(run.publishedAt()));
    if (run.error() != null) {
      h.append("<tr class=\"error\"><th>error</th><td id=\"run-error\">").append(esc(run.error())).append("</td></tr>\n");
    }
    fact(h, "app version", run.appVersion());
    h.append("</table>\n");

    h.append("<h3>Steps</h3>\n");
    if (data.steps().isEmpty()) {
      h.append("<p class=\"empty\">Step times were not recorded for this run.</p>\n");
    } else {
      double max = data.steps().stream().mapToDouble(StepTime::seconds).max().orElse(0);
      h.append("<table id=\"steps\"><tr><th>step</th><th>status</th><th class=\"num\">seconds</th><th></th></tr>\n");
      for (StepTime s : data.steps()) {
        long width = max <= 0 ? 0 : Math.round(200 * s.seconds() / max);
        h.append("<tr class=\"step-").append(esc(s.status().replace(' ', '-'))).append("\"><td>").append(esc(s.name()))
            .append("</td><td>").append(esc(s.status())).append("</td><td class=\"num\">").append(esc(seconds(s.seconds())))
            .append("</td><td><span class=\"bar\" style=\"width:").append(width).append("px\"></span></td></tr>\n");
      }
      h.append("</table>\n");
    }

    h.append("<h3>Rows</h3>\n");
    long in = run.inputRows().values().stream().mapToLong(Long::longValue).sum();
    long quarantined = run.quarantinedRows().values().stream().mapToLong(Long::longValue).sum();
    h.append("<p id=\"row-totals\">").append(count(in)).append(" rows in, ").append(count(quarantined))
        .append(" quarantined.</p>\n");
    // output_rows holds, per dataset, "<dataset>.accepted" and "<dataset>.duplicates_removed": shown on its row.
    Map<String, Long> out = new TreeMap<>();
    Map<String, Long> duplicates = new TreeMap<>();
    run.outputRows().forEach((key, rows) -> {
      if (key.endsWith(".duplicates_removed")) {
        duplicates.put(key.substring(0, key.length() - ".duplicates_removed".length()), rows);
      } else {
        out.put(key.endsWith(".accepted") ? key.substring(0, key.length() - ".accepted".length()) : key, rows);
      }
    });
    TreeSet<String> keys = new TreeSet<>();
    keys.addAll(run.inputRows().keySet());
    keys.addAll(run.quarantinedRows().keySet());
    if (!keys.isEmpty()) {
      h.append("<table id=\"rows-in\"><tr><th>dataset</th><th class=\"num\">in</th><th class=\"num\">quarantined</th>")
          .append("<th class=\"num\">duplicates removed</th><th class=\"num\">accepted</th></tr>\n");
      for (String key : keys) {
        h.append("<tr><td>").append(esc(key)).append("</td>");
        for (Map<String, Long> m : List.of(run.inputRows(), run.quarantinedRows(), duplicates, out)) {
          Long v = m.get(key);
          h.append("<td class=\"num\">").append(v == null ? "" : count(v)).append("</td>");
        }
        h.append("</tr>\n");
      }
      h.append("</table>\n");
    }
    List<String> tables = out.keySet().stream().filter(k -> !keys.contains(k)).toList();
    if (!tables.isEmpty()) {
      h.append("<table id=\"rows-out\"><tr><th>table written</th><th class=\"num\">rows</th></tr>\n");
      for (String table : tables) {
        h.append("<tr><td>").append(esc(table)).append("</td><td class=\"num\">").append(count(out.get(table)))
            .append("</td></tr>\n");
      }
      h.append("</table>\n");
    }
    h.append("</section>\n");
  }

  private static void qualitySection(StringBuilder h, List<Check> checks) {
    h.append("<section id=\"quality\"><h2>Data quality</h2>\n");
    if (checks.isEmpty()) {
      h.append("<p class=\"empty\">No data-quality results for this run.</p>\n</section>\n");
      return;
    }
    Map<String, Long> counts = new LinkedHashMap<>();
    STATUS_ORDER.forEach(s -> counts.put(s, 0L));
    checks.forEach(c -> counts.merge(c.status(), 1L, Long::sum));
    h.append("<p id=\"quality-counts\">");
    List<String> parts = new ArrayList<>();
    counts.forEach((status, n) -> parts.add("<span class=\"q q-" + esc(status) + "\">" + n + " " + esc(status) + "</span>"));
    h.append(String.join(" ", parts)).append("</p>\n");
    List<Check> sorted = sortedChecks(checks);
    List<Check> attention = sorted.stream().filter(c -> "fail".equals(c.status()) || "warn".equals(c.status())).toList();
    List<Check> rest = sorted.subList(attention.size(), sorted.size());
    if (attention.isEmpty()) {
      h.append("<p>No check failed or warned.</p>\n");
    } else {
      checkTable(h, "checks", attention);
    }
    if (!rest.isEmpty()) {
      h.append("<details><summary>").append(counts.get("skipped")).append(" skipped (too little data to judge), ")
          .append(counts.get("pass")).append(" passed</summary>\n");
      checkTable(h, "other-checks", rest);
      h.append("</details>\n");
    }
    h.append("</section>\n");
  }

  private static void checkTable(StringBuilder h, String id, List<Check> checks) {
    h.append("<table id=\"").append(id).append("\"><tr><th>status</th><th>dataset</th><th>check</th>")
        .append("<th class=\"num\">observed</th><th class=\"num\">threshold</th><th>message</th></tr>\n");
    for (Check c : checks) {
      h.append("<tr class=\"q-").append(esc(c.status())).append("\"><td>").append(esc(c.status())).append("</td><td>")
          .append(esc(c.dataset())).append("</td><td>").append(esc(c.checkName())).append("</td><td class=\"num\">")
          .append(esc(number(c.observedValue()))).append("</td><td class=\"num\">").append(esc(number(c.threshold())))
          .append("</td><td>").append(esc(c.message())).append("</td></tr>\n");
    }
    h.append("</table>\n</section>\n");
  }

  /** Fails first, then warns, skipped, passes (unknown statuses after those), then dataset and check. */
  public static List<Check> sortedChecks(List<Check> checks) {
    Comparator<Check> byStatus = Comparator.comparingInt(c -> {
      int i = STATUS_ORDER.indexOf(c.status());
      return i < 0 ? STATUS_ORDER.size() : i;
    });
    return checks.stream()
        .sorted(byStatus.thenComparing(c -> String.valueOf(c.dataset())).thenComparing(c -> String.valueOf(c.checkName())))
        .toList();
  }

  private static void attributionSection(StringBuilder h, List<Credit> credits) {
    h.append("<section id=\"attribution\"><h2>Attribution by model</h2>\n");
    if (credits.isEmpty()) {
      h.append("<p class=\"empty\">No attributed conversions.</p>\n</section>\n");
      return;
    }
    h.append("<div class=\"chart wide\" id=\"attribution-chart\"></div>\n");
    List<String> models = new ArrayList<>(new java.util.LinkedHashSet<>(credits.stream().map(Credit::model).toList()));
    List<String> channels = new ArrayList<>(new TreeSet<>(credits.stream().map(Credit::channel).toList()));
    h.append("<table id=\"attribution-table\"><tr><th>channel</th>");
    models.forEach(m -> h.append("<th class=\"num\">").append(esc(m)).append("</th>"));
    h.append("</tr>\n");
    for (String channel : channels) {
      h.append("<tr><td>").append(esc(channel)).append("</td>");
      for (String model : models) {
        Credit c = credits.stream().filter(x -> x.model().equals(model) && x.channel().equals(channel))
            .findFirst().orElse(null);
        h.append("<td class=\"num\">").append(c == null ? "" : esc(number(c.conversions())));
        if (c != null && c.ciLow() != null && c.ciHigh() != null) {
          h.append(" <span class=\"ci\">").append(esc(number(c.ciLow()) + "–" + number(c.ciHigh()))).append("</span>");
        }
        h.append("</td>");
      }
      h.append("</tr>\n");
    }
    h.append("</table>\n<p class=\"note\">Conversions credited to each channel (fractional), with their bootstrap interval (conversions_ci_low to conversions_ci_high, 90% by default).</p>\n</section>\n");
  }

  private static void driversSection(StringBuilder h, List<Driver> drivers) {
    h.append("<section id=\"drivers\"><h2>Conversion drivers</h2>\n");
    if (drivers.isEmpty()) {
      h.append("<p class=\"empty\">No conversion drivers.</p>\n</section>\n");
      return;
    }
    h.append("<table id=\"drivers-table\"><tr><th>factor</th><th class=\"num\">subjects with</th>")
        .append("<th class=\"num\">converted with</th><th class=\"num\">converted without</th>")
        .append("<th class=\"num\">odds ratio</th><th class=\"num\">95% interval</th><th class=\"num\">q-value</th></tr>\n");
    for (Driver d : drivers) {
      h.append("<tr><td>").append(esc(d.factor())).append("</td><td class=\"num\">").append(count(d.subjectsWith()))
          .append("</td><td class=\"num\">").append(esc(withUnit(d.rateWith(), "percent")))
          .append("</td><td class=\"num\">").append(esc(withUnit(d.rateWithout(), "percent")))
          .append("</td><td class=\"num\">").append(esc(ratio(d.oddsRatio())))
          .append("</td><td class=\"num\">").append(esc(ratio(d.ciLow()) + " to " + ratio(d.ciHigh())))
          .append("</td><td class=\"num\">").append(esc(probability(d.qValue()))).append("</td></tr>\n");
    }
    h.append("</table>\n<p class=\"note\">The ").append(drivers.size()).append(" factors with the smallest")
        .append(" q-values (table conversion_drivers): conversion of the identified subjects with and without each")
        .append(" one. Associations, not causes.</p>\n</section>\n");
  }

  /** What the night changed in KPI values already reported (kpi_changes of the run date). */
  private static void changesSection(StringBuilder h, List<ChangeCount> counts, List<KpiChange> changes) {
    h.append("<section id=\"kpi-changes\"><h2>What this night changed in reported KPIs</h2>\n");
    if (counts.isEmpty()) {
      h.append("<p class=\"empty\">No KPI value differs from the previous published night's.</p>\n</section>\n");
      return;
    }
    ChangeCount first = counts.get(0);
    h.append("<p id=\"kpi-change-counts\">Against run ").append(esc(first.previousRunId())).append(": ");
    for (int i = 0; i < counts.size(); i++) {
      h.append(i == 0 ? "" : ", ").append(count(counts.get(i).values())).append(' ').append(esc(counts.get(i).kind()));
    }
    h.append(counts.stream().anyMatch(ChangeCount::configChanged)
        ? ". The configuration changed since that run.</p>\n" : ".</p>\n");
    if (!changes.isEmpty()) {
      h.append("<table id=\"kpi-changes-table\"><tr><th>change</th><th>period</th><th>KPI</th><th>breakdown</th>")
          .append("<th class=\"num\">reported</th><th class=\"num\">now</th></tr>\n");
      for (KpiChange c : changes) {
        h.append("<tr><td>").append(esc(c.kind())).append("</td><td>").append(esc(c.grain() + " " + c.periodStart()))
            .append("</td><td>").append(esc(c.kpi())).append("</td><td>")
            .append(esc("all".equals(c.dimension()) ? "all" : c.dimension() + "=" + c.dimensionValue()))
            .append("</td><td class=\"num\">").append(esc(number(c.previousValue())))
            .append("</td><td class=\"num\">").append(esc(number(c.value()))).append("</td></tr>\n");
      }
      h.append("</table>\n");
    }
    h.append("<p class=\"note\">Restated: a value of a period already closed at the previous night (late data, a")
        .append(" corrected export, a re-stitched identity, a new configuration); in_progress: the period still")
        .append(" running; the first restated and removed values are listed, breakdown all first (table kpi_changes).")
        .append("</p>\n</section>\n");
  }

  private static void activityPathsSection(StringBuilder h, List<ActivityPath> paths) {
    h.append("<section id=\"activity-paths\"><h2>What subjects did first: activity paths</h2>\n");
    if (paths.isEmpty()) {
      h.append("<p class=\"empty\">No activity paths.</p>\n</section>\n");
      return;
    }
    h.append("<table id=\"activity-paths-table\"><tr><th class=\"num\">rank</th><th>path</th>")
        .append("<th class=\"num\">subjects</th><th class=\"num\">share</th><th class=\"num\">converted</th></tr>\n");
    for (ActivityPath p : paths) {
      h.append("<tr><td class=\"num\">").append(p.rank()).append("</td><td>").append(esc(p.path()))
          .append("</td><td class=\"num\">").append(count(p.customers()))
          .append("</td><td class=\"num\">").append(esc(withUnit(p.share(), "percent")))
          .append("</td><td class=\"num\">").append(esc(withUnit(p.conversionRate(), "percent"))).append("</td></tr>\n");
    }
    h.append("</table>\n<p class=\"note\">The most common first activities of every subject (table activity_paths:")
        .append(" ignored activities left out, repeats collapsed).</p>\n</section>\n");
  }

  /** The charts' data: what CHARTS_JS draws. */
  static Map<String, Object> chartData(ReportData data) {
    Map<String, Object> out = new LinkedHashMap<>();
    List<Object> kpis = new ArrayList<>();
    for (KpiSeries k : data.kpis()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("kpi", k.kpi());
      m.put("unit", k.unit());
      m.put("months", k.months().stream().map(d -> d.toString().substring(0, 7)).toList());
      m.put("values", k.values());
      kpis.add(m);
    }
    out.put("kpis", kpis);
    List<Object> links = new ArrayList<>();
    for (Flow f : data.sankey()) {
      links.add(Map.of("source", f.source(), "target", f.target(), "value", f.customers()));
    }
    out.put("sankey", links);
    List<Object> funnels = new ArrayList<>();
    for (String name : funnelNames(data.funnels())) {
      List<Object> steps = new ArrayList<>();
      data.funnels().stream().filter(s -> s.funnel().equals(name)).sorted(Comparator.comparingInt(FunnelStep::step))
          .forEach(s -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", s.step() + ". " + s.stepName());
            m.put("value", s.customers());
            m.put("fromStart", s.conversionFromStart());
            steps.add(m);
          });
      funnels.add(Map.of("name", name, "steps", steps));
    }
    out.put("funnels", funnels);
    List<Object> credits = new ArrayList<>();
    for (Credit c : data.attribution()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("model", c.model());
      m.put("channel", c.channel());
      m.put("conversions", c.conversions());
      m.put("revenue", c.revenue());
      credits.add(m);
    }
    out.put("attribution", credits);
    return out;
  }

  private static List<String> funnelNames(List<FunnelStep> steps) {
    return new ArrayList<>(new java.util.LinkedHashSet<>(steps.stream().map(FunnelStep::funnel).toList()));
  }

  private static void fact(StringBuilder h, String name, String value) {
    h.append("<tr><th>").append(esc(name)).append("</th><td>").append(esc(value == null ? "" : value)).append("</td></tr>\n");
  }

  /** Text for HTML element content or a quoted attribute value. */
  public static String esc(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  static String time(Instant t) {
    return t == null ? "" : TIME.format(t);
  }

  static String seconds(double s) {
    return String.format(Locale.ROOT, "%.1f s", s);
  }

  static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  /** A value as the report prints it: up to two decimals, no trailing zeros; empty for null. */
  public static String number(Double v) {
    if (v == null || v.isNaN() || v.isInfinite()) {
      return "";
    }
    String s = new java.math.BigDecimal(v).setScale(2, java.math.RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
    return s.equals("-0") ? "0" : s;
  }

  /** An odds ratio: three significant digits (0.000309, 11.7, 3240). */
  static String ratio(double v) {
    return new java.math.BigDecimal(v).round(new java.math.MathContext(3)).stripTrailingZeros().toPlainString();
  }

  /** A p- or q-value: three decimals, {@code < 0.001} below that. */
  static String probability(double p) {
    return p < 0.001 ? "< 0.001" : String.format(Locale.ROOT, "%.3f", p);
  }

  /** A KPI value with its unit, e.g. {@code 3.2 %}; a dash for none. */
  public static String withUnit(Double v, String unit) {
    if (v == null || v.isNaN() || v.isInfinite()) {
      return "–";
    }
    return switch (unit == null ? "" : unit) {
      case "percent" -> number(v) + " %";
      case "days" -> number(v) + " d";
      case "hours" -> number(v) + " h";
      default -> number(v);
    };
  }

  private static final String CSS = """
      body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;margin:24px auto;max-width:1200px;
        padding:0 16px;color:#1f2933;background:#fff}
      h1{margin:0 16px 0 0;font-size:26px;display:inline-block}h2{border-bottom:1px solid #d9e2ec;padding-bottom:4px;margin-top:32px}
      header{display:flex;align-items:center}
      .status{display:inline-block;padding:4px 12px;border-radius:12px;font-weight:600;margin:0;background:#d9e2ec}
      .status-succeeded{background:#c6f7e2;color:#014d40}.status-failed,.status-aborted{background:#ffe3e3;color:#8a041a}
      .status-running{background:#fff3c4;color:#8d2b0b}
      table{border-collapse:collapse;margin:8px 0;font-size:14px}th,td{padding:4px 10px;border-bottom:1px solid #e4e7eb;text-align:left;
        vertical-align:top}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
      table.facts th{color:#52606d;font-weight:500}tr.error td{color:#8a041a;white-space:pre-wrap}
      .bar{display:inline-block;height:10px;background:#47a3f3;border-radius:2px}
      tr.step-failed td{color:#8a041a;font-weight:600}tr.step-not-run td{color:#9aa5b1}
      .q{display:inline-block;padding:2px 8px;border-radius:8px;margin-right:6px;background:#f0f4f8}
      .q-fail{background:#ffe3e3;color:#8a041a}.q-warn{background:#fff3c4;color:#8d2b0b}.q-skipped{color:#616e7c}
      tr.q-fail td:first-child{font-weight:700;color:#8a041a}tr.q-warn td:first-child{font-weight:700;color:#b44d12}
      .kpi-grid{display:grid;grid-template-columns:repeat(3,1fr);gap:12px}
      .kpi{border:1px solid #e4e7eb;border-radius:6px;padding:8px}.kpi-name{color:#52606d;font-size:13px}
      .kpi-value{font-size:22px;font-weight:600}.kpi-month{font-size:12px;color:#9aa5b1;font-weight:400}
      .chart{width:100%}.chart.small{height:140px}.chart.wide{height:420px}.chart.funnel{height:320px}
      .funnel-grid{display:grid;grid-template-columns:repeat(2,1fr);gap:12px}
      details{margin:8px 0}summary{cursor:pointer;color:#52606d}
      .note,.empty,footer{color:#616e7c;font-size:13px}.ci{color:#616e7c;font-size:11px;white-space:nowrap}footer{margin-top:32px}
      """;

  /** Draws every chart container from the inline data; no animation, so each chart is drawn once set. */
  private static final String CHARTS_JS = """
      (function () {
        'use strict';
        var data = JSON.parse(document.getElementById('report-data').textContent);
        var charts = [];
        function draw(id, option) {
          var el = document.getElementById(id);
          if (!el) { return; }
          var chart = echarts.init(el, null, {renderer: 'canvas'});
          option.animation = false;
          chart.setOption(option);
          charts.push(chart);
        }
        var unitSuffix = {percent: ' %', days: ' d', hours: ' h'};
        data.kpis.forEach(function (k, i) {
          draw('kpi-' + i, {
            grid: {left: 48, right: 12, top: 10, bottom: 24},
            tooltip: {trigger: 'axis', valueFormatter: function (v) { return v == null ? '-' : v + (unitSuffix[k.unit] || ''); }},
            xAxis: {type: 'category', data: k.months, axisLabel: {fontSize: 10}},
            yAxis: {type: 'value', scale: true, axisLabel: {fontSize: 10}, splitNumber: 3},
            series: [{type: 'line', data: k.values, symbolSize: 4, lineStyle: {width: 2}, areaStyle: {opacity: 0.12}}]
          });
        });
        if (data.sankey.length > 0) {
          var names = [];
          data.sankey.forEach(function (l) {
            [l.source, l.target].forEach(function (n) { if (names.indexOf(n) < 0) { names.push(n); } });
          });
          draw('sankey', {
            tooltip: {trigger: 'item'},
            series: [{type: 'sankey', left: 20, right: 110, top: 20, bottom: 20, nodeGap: 14, nodeAlign: 'left',
              emphasis: {focus: 'adjacency'}, lineStyle: {color: 'gradient', opacity: 0.4},
              data: names.map(function (n) { return {name: n}; }), links: data.sankey,
              label: {formatter: '{b}'}}]
          });
        }
        data.funnels.forEach(function (f, i) {
          draw('funnel-' + i, {
            title: {text: f.name, left: 'center', textStyle: {fontSize: 14}},
            tooltip: {trigger: 'item', formatter: function (p) {
              var s = f.steps[p.dataIndex];
              return p.name + ': ' + p.value + (s.fromStart == null ? '' : ' (' + s.fromStart + ' % of step 1)');
            }},
            series: [{type: 'funnel', sort: 'none', top: 40, bottom: 10, left: '10%', width: '80%', minSize: '8%',
              gap: 2, label: {position: 'inside', formatter: '{b}: {c}', color: '#102a43', textBorderWidth: 0},
              data: f.steps.map(function (s) { return {name: s.name, value: s.value}; })}]
          });
        });
        if (data.attribution.length > 0) {
          var models = [], channels = [];
          data.attribution.forEach(function (c) {
            if (models.indexOf(c.model) < 0) { models.push(c.model); }
            if (channels.indexOf(c.channel) < 0) { channels.push(c.channel); }
          });
          channels.sort();
          draw('attribution-chart', {
            legend: {top: 0},
            tooltip: {trigger: 'axis', axisPointer: {type: 'shadow'}},
            grid: {left: 60, right: 20, top: 40, bottom: 40},
            xAxis: {type: 'category', data: channels},
            yAxis: {type: 'value', name: 'conversions'},
            series: models.map(function (m) {
              return {type: 'bar', name: m, data: channels.map(function (ch) {
                var c = data.attribution.filter(function (x) { return x.model === m && x.channel === ch; })[0];
                return c ? Math.round(c.conversions * 100) / 100 : 0;
              })};
            })
          });
        }
        window.addEventListener('resize', function () { charts.forEach(function (c) { c.resize(); }); });
        document.body.setAttribute('data-charts', String(charts.length));
      })();
      """;
}
