package com.journeyanalytics.jobs.serving;

import com.journeyanalytics.jobs.sql.SqlFiles;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates or replaces the BI views of the journey database (sql/views/*.sql) each time a run
 * publishes, so a change to a view's SQL reaches dashboards with the next night. They read the
 * journey database's pinned table views, so they always show the published run. A view whose
 * source relation does not exist yet is skipped with a warning.
 *
 * <p>A view's definition cannot take bound parameters, so the files carry three placeholders
 * filled in from the configuration: {@code ${database}} (a validated identifier, back-quoted),
 * {@code ${churn_stage}} (a string literal) and {@code ${stage_order}} (an array literal).
 */
public final class BiViews {

  private static final Logger LOG = LoggerFactory.getLogger(BiViews.class);

  /** The views, in creation order; each is sql/views/&lt;name&gt;.sql. */
  public static final List<String> VIEWS = List.of(
      "v_kpi_latest_month",
      "v_kpi_monthly",
      "v_stage_funnel",
      "v_stage_sankey",
      "v_retention_heatmap",
      "v_attribution_by_model");

  private static final Pattern SOURCE = Pattern.compile("\\$\\{database}\\.([A-Za-z_][A-Za-z0-9_]*)");

  private BiViews() {}

  /** Creates or replaces every view whose sources exist in {@code database}; returns the views created. */
  public static List<String> createViews(SparkSession spark, String database, String churnStage, List<String> stageOrder) {
    List<String> created = new ArrayList<>();
    for (String view : VIEWS) {
      String template = SqlFiles.load("views/" + view + ".sql");
      List<String> missing = sourceTables(template).stream()
          .filter(table -> !table.equals(view) && !spark.catalog().tableExists(database, table))
          .toList();
      if (!missing.isEmpty()) {
        LOG.warn("view {}.{} skipped: its source table(s) {} do not exist yet", database, view, missing);
        continue;
      }
      spark.sql(render(template, database, churnStage, stageOrder));
      created.add(view);
    }
    return created;
  }

  /** Tables of the journey database a view file reads or defines ({@code ${database}.name}). */
  static Set<String> sourceTables(String template) {
    Set<String> tables = new LinkedHashSet<>();
    Matcher matcher = SOURCE.matcher(template);
    while (matcher.find()) {
      tables.add(matcher.group(1));
    }
    return tables;
  }

  static String render(String template, String database, String churnStage, List<String> stageOrder) {
    if (!database.matches("[A-Za-z_][A-Za-z0-9_]*")) {
      throw new IllegalArgumentException("not a database name: " + database);
    }
    String order = stageOrder.stream().map(BiViews::literal).collect(Collectors.joining(", ", "array(", ")"));
    return template
        .replace("${database}", "`" + database + "`")
        .replace("${churn_stage}", literal(churnStage))
        .replace("${stage_order}", order);
  }

  /** A Spark SQL string literal: backslashes and quotes escaped (for DDL, which binds no parameters). */
  public static String literal(String value) {
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }
}
