package com.journeyanalytics.jobs.journeys;

import com.journeyanalytics.common.config.JobConfig;
import com.journeyanalytics.common.config.StageModel;
import com.journeyanalytics.common.delta.TableStore;
import com.journeyanalytics.common.schema.Silver;
import com.journeyanalytics.common.schema.Touchpoints;
import com.journeyanalytics.common.testing.SparkTestSession;
import com.journeyanalytics.common.transforms.StageAssignment;
import com.journeyanalytics.jobs.fixtures.TouchpointFixture;
import com.journeyanalytics.jobs.pipeline.RunContext;
import com.journeyanalytics.jobs.pipeline.RunMode;
import com.journeyanalytics.jobs.pipeline.StepResult;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/** Sets up a warehouse with staged touchpoints and silver accounts, and runs the journey step on it. */
final class JourneyTestRun {

  final SparkSession spark = SparkTestSession.get();
  final TableStore tables;
  final TableStore staging;
  final JobConfig config;
  private final List<Row> accounts = new ArrayList<>();
  private final Set<List<Object>> milestones = new LinkedHashSet<>();

  JourneyTestRun(Path warehouse, JobConfig config) {
    this.tables = new TableStore(spark, warehouse.toString(), SparkTestSession.uniqueDatabase("journeys"));
    this.staging = new TableStore(spark, warehouse.toString(), SparkTestSession.uniqueDatabase("journeys_staging"));
    this.config = config;
  }

  /**
   * A silver account as the current snapshot shows it, with its converted_at / churned_at as
   * milestones (as ingest records them); timestamps are ISO-8601 UTC or null.
   */
  JourneyTestRun account(String id, String segment, String plan, String region, String industry, String channel,
      String convertedAt, String churnedAt) {
    earlierSnapshot(id, convertedAt, churnedAt);
    accounts.add(RowFactory.create(id, "name " + id, industry, segment, region, "US", plan, channel, null, null,
        timestamp(convertedAt), timestamp(churnedAt), null, null, null, "fixture"));
    return this;
  }

  /** converted_at / churned_at an earlier CRM snapshot showed for the account: milestones only, each instant once. */
  JourneyTestRun earlierSnapshot(String id, String convertedAt, String churnedAt) {
    for (String[] m : new String[][] {{"converted_at", convertedAt}, {"churned_at", churnedAt}}) {
      if (m[1] != null) {
        milestones.add(List.of(id, m[0], timestamp(m[1])));
      }
    }
    return this;
  }

  /** Stages the touchpoints with the configured stage model, as the touchpoint builder does, and stores both tables. */
  JourneyTestRun load(TouchpointFixture touchpoints) {
    StageModel model = config.stages();
    tables.replace(Touchpoints.SPEC, StageAssignment.withStage(touchpoints.toDataFrame(spark), model));
    staging.replace(Silver.ACCOUNTS, spark.createDataFrame(accounts, Silver.ACCOUNTS.schema()));
    List<Row> milestoneRows = new ArrayList<>();
    milestones.forEach(m -> milestoneRows.add(RowFactory.create(m.get(0), m.get(1), m.get(2),
        java.sql.Date.valueOf("2026-01-01"), "fixture")));
    staging.replace(Silver.ACCOUNT_MILESTONES, spark.createDataFrame(milestoneRows, Silver.ACCOUNT_MILESTONES.schema()));
    return this;
  }

  StepResult run(String runId, String runDate) {
    return new JourneyStep().run(new RunContext(spark, config, runId, LocalDate.parse(runDate), RunMode.NIGHTLY, tables, staging));
  }

  private static Timestamp timestamp(String iso) {
    return iso == null ? null : Timestamp.from(Instant.parse(iso));
  }
}
