package com.journeyanalytics.jobs.report;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * Everything the night's report shows, as plain values read from the tables (RunReport) and
 * rendered by ReportHtml. Lists are in display order.
 *
 * @param dataSource where the charts' data comes from, in words (the run's own table versions, or
 *     the published night when the run published nothing)
 * @param notes sections whose data could not be read, with why (the report is written anyway)
 */
public record ReportData(
    Run run,
    List<StepTime> steps,
    List<Check> checks,
    List<KpiSeries> kpis,
    List<Flow> sankey,
    List<FunnelStep> funnels,
    List<Credit> attribution,
    List<Driver> drivers,
    List<ActivityPath> activityPaths,
    List<ChangeCount> changeCounts,
    List<KpiChange> kpiChanges,
    String dataSource,
    List<String> notes,
    Instant generatedAt) {

  public ReportData {
    steps = List.copyOf(steps);
    checks = List.copyOf(checks);
    kpis = List.copyOf(kpis);
    sankey = List.copyOf(sankey);
    funnels = List.copyOf(funnels);
    attribution = List.copyOf(attribution);
    drivers = List.copyOf(drivers);
    activityPaths = List.copyOf(activityPaths);
    changeCounts = List.copyOf(changeCounts);
    kpiChanges = List.copyOf(kpiChanges);
    notes = List.copyOf(notes);
  }

  /** The run's pipeline_runs row. Timestamps may be null (a run still running has no finished_at). */
  public record Run(String runId, LocalDate runDate, String mode, String status, String error, Instant startedAt,
      Instant finishedAt, Instant publishedAt, Map<String, Long> inputRows, Map<String, Long> quarantinedRows,
      Map<String, Long> outputRows, String appVersion) {}

  /**
   * One step of the run: its name, {@code succeeded | failed | taken over | not run} (taken over:
   * completed by the failed run of the same night before it, see CompletedSteps), and how long it took.
   */
  public record StepTime(String name, String status, double seconds) {}

  /** One data_quality row of the run. */
  public record Check(String dataset, String checkName, String status, Double observedValue, Double threshold,
      String message) {}

  /** A KPI's monthly values (dimension all), one per month, null where it has none. */
  public record KpiSeries(String kpi, String unit, List<LocalDate> months, List<Double> values) {
    public KpiSeries {
      months = List.copyOf(months);
      values = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(values));
    }
  }

  /** A Sankey link: customers that moved from one stage to the next (forward moves only). */
  public record Flow(String source, String target, long customers) {}

  /** One step of a configured funnel (dimension all). */
  public record FunnelStep(String funnel, int step, String stepName, long customers, Double conversionFromStart) {}

  /** Channel-level conversions and revenue credited by one attribution model, with the conversions' bootstrap interval. */
  public record Credit(String model, String channel, double conversions, Double revenue, Double ciLow, Double ciHigh) {}

  /** A conversion_drivers row: a factor, conversion (%) with and without it, its odds ratio and q-value. */
  public record Driver(String factor, long subjectsWith, Double rateWith, Double rateWithout, double oddsRatio,
      double ciLow, double ciHigh, double qValue) {}

  /** An activity_paths row: rank, path, customers, share of all subjects and conversion rate (%). */
  public record ActivityPath(int rank, String path, long customers, Double share, Double conversionRate) {}

  /** How many KPI values of one change_kind the run's kpi_changes holds, and against which run. */
  public record ChangeCount(String kind, long values, String previousRunId, boolean configChanged) {}

  /** A kpi_changes row: a value restated or removed since the previous published run. */
  public record KpiChange(String kind, String grain, LocalDate periodStart, String kpi, String dimension,
      String dimensionValue, Double previousValue, Double value) {}
}
