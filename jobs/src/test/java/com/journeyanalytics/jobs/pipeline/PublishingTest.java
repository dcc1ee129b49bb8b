package com.journeyanalytics.jobs.pipeline;

import static com.journeyanalytics.common.testing.DataFrameAssert.assertThatDataFrame;
import static com.journeyanalytics.common.testing.DataFrameAssert.row;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.assertj.core.api.Assertions.assertThat;

import com.journeyanalytics.common.config.JobConfig;
import com.journeyanalytics.common.delta.TableStore;
import com.journeyanalytics.common.quality.QualityCheck;
import com.journeyanalytics.common.schema.PipelineTables;
import com.journeyanalytics.common.schema.TableSpec;
import com.journeyanalytics.common.testing.SparkTestSession;
import com.journeyanalytics.jobs.fixtures.TestRuns;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Readers of the journey database see whole published nights: a pipeline of two small steps
 * that write real Delta tables (as the real steps do, through the store) and pass or fail a check.
 */
class PublishingTest {

  private static final TableSpec FIRST = spec("first_table");
  private static final TableSpec SECOND = spec("second_table");

  private final SparkSession spark = SparkTestSession.get();
  private JobConfig config;

  @BeforeEach
  void setUp(@TempDir Path warehouse) {
    config = TestRuns.config(warehouse.resolve("exports"), warehouse, Map.of());
  }

  private static TableSpec spec(String name) {
    return TableSpec.table(name, "A table a test step writes").column("n", LongType, "A number").build();
  }

  /** A step that replaces its table with {@code values} and reports one check with {@code status}. */
  private record WriteStep(String name, TableSpec spec, List<Long> values, QualityCheck.Status status) implements Step {
    @Override
    public StepResult run(RunContext ctx) {
      List<Row> rows = values.stream().map(v -> RowFactory.create(v)).toList();
      // One file per row, so that maintenance has files to compact.
      TableStore.WriteResult written = ctx.tables().replace(spec,
          ctx.spark().createDataFrame(rows, spec.schema()).repartition(values.size()));
      return StepResult.of(List.of(written), List.of(new QualityCheck(spec.name(), "test_check", status, 0.0, 0.0,
          "the test's check, " + status.label())));
    }
  }

  private Pipeline.RunOutcome night(String runId, List<Long> first, List<Long> second, QualityCheck.Status last) {
    return night(runId, "2026-11-20", first, second, last);
  }

  /**
   * The steps' rows stand for the night's exports, which the exports folder does not show: a run of
   * the same date after a failed one would take over the steps that run completed (CompletedSteps),
   * so other rows need another date.
   */
  private Pipeline.RunOutcome night(String runId, String runDate, List<Long> first, List<Long> second,
      QualityCheck.Status last) {
    Pipeline pipeline = new Pipeline(List.of(
        new WriteStep("first", FIRST, first, QualityCheck.Status.PASS),
        new WriteStep("second", SECOND, second, last)), "test");
    return pipeline.run(TestRuns.context(config, runId, runDate, RunMode.NIGHTLY));
  }

  private org.apache.spark.sql.Dataset<Row> published(String table) {
    return spark.table("`" + config.database() + "`.`" + table + "`");
  }

  private Row runRow(String runId) {
    return spark.table("`" + config.database() + "`.pipeline_runs").where("run_id = '" + runId + "'")
        .select("status", "published_at").first();
  }

  @Test
  void aFailingCheckInTheLastStepPublishesNothingAndTheNextGoodNightPublishesEverything() {
    assertThat(night("run-1", List.of(1L), List.of(10L), QualityCheck.Status.PASS).succeeded()).isTrue();

    Pipeline.RunOutcome failed = night("run-2", List.of(1L, 2L), List.of(10L, 20L), QualityCheck.Status.FAIL);

    assertThat(failed.succeeded()).isFalse();
    // The store holds run-2's writes, readers still see run-1 in both tables.
    assertThatDataFrame(new TableStore(spark, config.warehouse(), config.storeDatabase()).read("second_table"))
        .containsExactlyRowsInAnyOrder(List.of("n"), List.of(row(10L), row(20L)));
    assertThatDataFrame(published("first_table")).containsExactlyRowsInAnyOrder(List.of("n"), List.of(row(1L)));
    assertThatDataFrame(published("second_table")).containsExactlyRowsInAnyOrder(List.of("n"), List.of(row(10L)));
    // The run log is not pinned: the failed run and its failing check can be read at once.
    assertThat(runRow("run-2").getString(0)).isEqualTo("failed");
    assertThat(runRow("run-2").isNullAt(1)).as("published_at of the failed run").isTrue();
    assertThat(runRow("run-1").isNullAt(1)).as("published_at of run-1").isFalse();
    assertThatDataFrame(published(PipelineTables.DATA_QUALITY.name()).where("check_name = 'test_check'")
        .select("dataset", "status", "run_id"))
        .containsExactlyRowsInAnyOrder(List.of("dataset", "status", "run_id"),
            List.of(row("first_table", "pass", "run-2"), row("second_table", "fail", "run-2")));

    assertThat(night("run-3", "2026-11-21", List.of(3L), List.of(30L), QualityCheck.Status.PASS).succeeded()).isTrue();

    assertThatDataFrame(published("first_table")).containsExactlyRowsInAnyOrder(List.of("n"), List.of(row(3L)));
    assertThatDataFrame(published("second_table")).containsExactlyRowsInAnyOrder(List.of("n"), List.of(row(30L)));
  }

  @Test
  void everyTableViewShowsItsColumnsWithTheirCommentsAndTheTableComment() throws Exception {
    night("run-1", List.of(1L), List.of(10L), QualityCheck.Status.PASS);

    Row column = spark.sql("DESCRIBE TABLE `" + config.database() + "`.first_table").first();
    assertThat(List.of(column.getString(0), column.getString(1), column.getString(2)))
        .containsExactly("n", "bigint", "A number");
    assertThat(spark.catalog().getTable(config.database(), "first_table").description())
        .isEqualTo("A table a test step writes");
    assertThat(spark.catalog().getTable(config.database(), "first_table").tableType()).isEqualTo("VIEW");
  }

  /**
   * The state a SIGKILL inside the publish step leaves: the run's row at running with the versions
   * it publishes (its manifest) and only some views moved. The next run completes it first.
   */
  @Test
  void aRunKilledWhilePublishingIsPublishedWholeByTheNextRun() {
    night("run-1", List.of(1L), List.of(10L), QualityCheck.Status.PASS);
    RunContext ctx = TestRuns.context(config, "run-2", "2026-11-21", RunMode.NIGHTLY);
    TableStore store = ctx.tables();
    store.replace(FIRST, spark.createDataFrame(List.of(RowFactory.create(2L)), FIRST.schema()));
    store.replace(SECOND, spark.createDataFrame(List.of(RowFactory.create(20L)), SECOND.schema()));
    Map<String, Long> manifest = Map.of("first_table", store.version("first_table"), "second_table",
        store.version("second_table"));
    store.upsert(PipelineTables.PIPELINE_RUNS, spark.createDataFrame(List.of(RowFactory.create("run-2",
        java.sql.Date.valueOf("2026-11-21"), "nightly", java.sql.Timestamp.valueOf("2026-11-22 01:00:00"), null, null,
        "running", null, null, null, null, scala.collection.JavaConverters.mapAsScalaMap(manifest), "sha", "test")),
        PipelineTables.PIPELINE_RUNS.schema()), "true");
    Publisher.publish(spark, config, store, "run-2", Map.of("first_table", manifest.get("first_table")));
    assertThatDataFrame(published("second_table")).as("killed after the first view")
        .containsExactlyRowsInAnyOrder(List.of("n"), List.of(row(10L)));

    assertThat(RunHistory.completeInterruptedPublish(store, config)).containsExactly("run-2");
    assertThat(RunHistory.markDeadRunsAborted(store, "run-3")).isZero();

    assertThatDataFrame(published("first_table")).containsExactlyRowsInAnyOrder(List.of("n"), List.of(row(2L)));
    assertThatDataFrame(published("second_table")).containsExactlyRowsInAnyOrder(List.of("n"), List.of(row(20L)));
    assertThat(runRow("run-2").getString(0)).isEqualTo("succeeded");
    assertThat(runRow("run-2").isNullAt(1)).as("published_at").isFalse();
  }

  @Test
  void maintenanceMovesThePublishedViewsToTheCompactedVersionWithTheSameRows() {
    night("run-1", List.of(1L), List.of(10L), QualityCheck.Status.PASS);
    night("run-2", List.of(1L, 2L), List.of(10L, 20L), QualityCheck.Status.PASS);
    long before = Publisher.publishedPins(spark, config.database()).get("first_table").version();

    new Pipeline(List.of(new MaintenanceStep()), "test")
        .run(TestRuns.context(config, "run-m", "2026-11-20", RunMode.MAINTENANCE));

    Publisher.Pin after = Publisher.publishedPins(spark, config.database()).get("first_table");
    assertThat(after.version()).isGreaterThan(before);
    assertThat(after.runId()).isEqualTo("run-2");
    assertThatDataFrame(published("first_table")).containsExactlyRowsInAnyOrder(List.of("n"), List.of(row(1L), row(2L)));
  }
}
