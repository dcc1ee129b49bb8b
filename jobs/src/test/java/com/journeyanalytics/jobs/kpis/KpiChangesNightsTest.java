package com.journeyanalytics.jobs.kpis;

import static com.journeyanalytics.common.testing.DataFrameAssert.assertThatDataFrame;
import static com.journeyanalytics.common.testing.DataFrameAssert.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.journeyanalytics.common.config.JobConfig;
import com.journeyanalytics.common.schema.Silver;
import com.journeyanalytics.common.schema.TableSpec;
import com.journeyanalytics.common.schema.Touchpoints;
import com.journeyanalytics.common.testing.SparkTestSession;
import com.journeyanalytics.jobs.fixtures.PublishedRelations;
import com.journeyanalytics.jobs.fixtures.TestRuns;
import com.journeyanalytics.jobs.journeys.SubjectFacts;
import com.journeyanalytics.jobs.pipeline.MaintenanceStep;
import com.journeyanalytics.jobs.pipeline.Pipeline;
import com.journeyanalytics.jobs.pipeline.Publisher;
import com.journeyanalytics.jobs.pipeline.RunContext;
import com.journeyanalytics.jobs.pipeline.RunMode;
import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * kpi_changes through the KPI step run by the pipeline (so pipeline_runs and publishing are real):
 * night-1 for 2026-03-10 on {@link KpiStepTest#fixture()}; night-2 for 2026-03-11 after two more
 * tickets arrived, k4 created 2026-02-20 (a late export) and k5 created 2026-03-11; then night-2
 * again for the same date.
 */
class KpiChangesNightsTest {

  private static final SparkSession SPARK = SparkTestSession.get();

  @TempDir
  static Path dir;

  private static JobConfig config;
  private static Dataset<Row> night2Changes;

  @BeforeAll
  static void runTwoNights() {
    config = TestRuns.config(dir.resolve("exports"), dir.resolve("warehouse"), Map.of());
    run("night-1", "2026-03-10", KpiStepTest.fixture());
    run("night-2", "2026-03-11", nightTwo());
    night2Changes = changes("2026-03-11");
  }

  /** Night-2's exports: two more tickets, k4 created in February (a late export) and k5 on the run date. */
  private static KpiFixture nightTwo() {
    return KpiStepTest.fixture()
        .ticket("k4", "normal", "2026-02-20T10:00:00Z", null, null)
        .ticket("k5", "normal", "2026-03-11T09:00:00Z", null, null);
  }

  private static RunContext run(String runId, String runDate, KpiFixture fixture) {
    return run(config, runId, runDate, fixture);
  }

  private static RunContext run(JobConfig config, String runId, String runDate, KpiFixture fixture) {
    RunContext ctx = TestRuns.context(config, runId, runDate, RunMode.NIGHTLY);
    for (TableSpec spec : List.of(Silver.ACCOUNTS, Silver.ACCOUNT_MILESTONES, Silver.INVOICES, Silver.TOUCHES,
        Silver.TICKETS, Silver.SURVEYS, Silver.EVENTS)) {
      ctx.staging().replace(spec, fixture.frame(SPARK, spec));
    }
    ctx.tables().replace(Touchpoints.SPEC, fixture.touchpoints.toDataFrame(SPARK));
    ctx.staging().replace(SubjectFacts.SPEC, fixture.subjectFacts(SPARK));
    assertThat(new Pipeline(List.of(new KpiStep()), "test").run(ctx).succeeded()).isTrue();
    return ctx;
  }

  private static Dataset<Row> changes(String runDate) {
    return changes(config, runDate);
  }

  private static Dataset<Row> changes(JobConfig config, String runDate) {
    return TestRuns.context(config, "reader", runDate, RunMode.NIGHTLY).tables().read("kpi_changes")
        .where("run_date = DATE'" + runDate + "'");
  }

  @Test
  void theFirstNightHasNoChanges() {
    assertThat(changes("2026-03-10").count()).isZero();
  }

  @Test
  void aLateTicketRestatesItsClosedMonthAndANewOneMovesTheMonthInProgress() {
    assertThatDataFrame(night2Changes.where("kpi = 'tickets' AND dimension = 'all'")).containsExactlyRowsInAnyOrder(
        List.of("run_id", "previous_run_id", "period_grain", "period_start", "previous_value", "value", "change_kind",
            "config_changed"),
        List.of(
            // February closed before 2026-03-10: k2, then k2 + k4.
            row("night-2", "night-1", "month", "2026-02-01", 1, 2, "restated", false),
            // March contained 2026-03-10: k3, then k3 + k5.
            row("night-2", "night-1", "month", "2026-03-01", 1, 2, "in_progress", false)));
    // The run date's day is a new period: dau 0 (no usage event on 2026-03-11); no earlier day changed.
    assertThatDataFrame(night2Changes.where("kpi = 'dau' AND dimension = 'all'")).containsExactlyRowsInAnyOrder(
        List.of("period_grain", "period_start", "previous_value", "value", "change_kind"),
        List.of(row("day", "2026-03-11", null, 0, "new")));
  }

  @Test
  void isPublishedLikeEveryTable() {
    assertThat(Publisher.publishedPins(SPARK, config.database())).containsKey("kpi_changes");
    assertThat(SPARK.table("`" + config.database() + "`.kpi_changes").where("run_date = DATE'2026-03-11'").count())
        .isEqualTo(night2Changes.count());
  }

  /** A rerun compares with night-1 again (the last run before its date), not with night-2. */
  @Test
  void aRerunOfTheSameDateWritesTheSameRows() {
    List<String> before = PublishedRelations.jsonLines(night2Changes);
    RunContext rerun = run("night-2-rerun", "2026-03-11", nightTwo());

    assertThat(PublishedRelations.jsonLines(changes("2026-03-11"))).isNotEmpty().isEqualTo(before);
    assertThat(changes("2026-03-10").count()).isZero();
    assertThat(rerun.tables().read("kpi_changes").where("run_id = 'night-2-rerun'").count()).isZero();
  }

  /**
   * The same two nights with a maintenance run between them, after which the files only night-1's
   * recorded kpis version used are deleted, as a vacuum a week later would.
   */
  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
  class AfterMaintenanceAndVacuum {

    private JobConfig vacuumedConfig;
    private String kpisLocation;
    private long night1KpisVersion;

    @BeforeAll
    void runNightOneCompactAndVacuumThenNightTwo() throws IOException {
      Path vacuumed = dir.resolve("vacuumed");
      vacuumedConfig = TestRuns.config(vacuumed.resolve("exports"), vacuumed.resolve("warehouse"), Map.of());
      RunContext night1 = run(vacuumedConfig, "night-1", "2026-03-10", KpiStepTest.fixture());
      kpisLocation = night1.tables().location("kpis");
      night1KpisVersion = night1.tables().read("pipeline_runs").where("run_id = 'night-1'")
          .select("table_versions").first().<String, Long>getJavaMap(0).get("kpis");
      assertThat(new Pipeline(List.of(new MaintenanceStep()), "test")
          .run(TestRuns.context(vacuumedConfig, "maintenance", "2026-03-10", RunMode.MAINTENANCE)).succeeded()).isTrue();
      assertThat(Publisher.publishedPins(SPARK, vacuumedConfig.database()).get("kpis").version())
          .as("compaction wrote a new version").isGreaterThan(night1KpisVersion);
      Set<String> kept = Set.of(DeltaTable.forPath(SPARK, kpisLocation).toDF().inputFiles()).stream()
          .map(file -> Paths.get(URI.create(file).getPath()).getFileName().toString()).collect(Collectors.toSet());
      try (Stream<Path> files = Files.list(Paths.get(URI.create(kpisLocation).getPath()))) {
        for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".parquet")).toList()) {
          if (!kept.contains(file.getFileName().toString())) {
            Files.delete(file);
          }
        }
      }
      run(vacuumedConfig, "night-2", "2026-03-11", nightTwo());
    }

    @Test
    @Order(1)
    void nightTwoComparesWithNightOneWhereItsViewPointsThoughItsRecordedVersionIsGone() {
      assertThatThrownBy(() -> SPARK.read().format("delta").option("versionAsOf", night1KpisVersion).load(kpisLocation)
          .collectAsList()).hasStackTraceContaining("does not exist");
      // The compacted version has night-1's rows: the same changes as without maintenance.
      assertThatDataFrame(changes(vacuumedConfig, "2026-03-11").where("kpi = 'tickets' AND dimension = 'all'"))
          .containsExactlyRowsInAnyOrder(List.of("previous_run_id", "period_start", "previous_value", "value", "change_kind"),
              List.of(row("night-1", "2026-02-01", 1, 2, "restated"), row("night-1", "2026-03-01", 1, 2, "in_progress")));
    }

    /** Night-2 is now the published run: a rerun finds night-1's recorded files gone and warns instead of failing. */
    @Test
    @Order(2)
    void aRerunWhoseBaselineWasVacuumedWarnsAndWritesNoRows() {
      RunContext rerun = run(vacuumedConfig, "night-2-rerun", "2026-03-11", nightTwo());

      assertThat(changes(vacuumedConfig, "2026-03-11").count()).isZero();
      assertThatDataFrame(rerun.tables().read("data_quality")
              .where("run_id = 'night-2-rerun' AND check_name = 'kpi_changes_baseline'"))
          .containsExactlyRowsInAnyOrder(List.of("dataset", "status"), List.of(row("kpi_changes", "warn")));
    }
  }
}
