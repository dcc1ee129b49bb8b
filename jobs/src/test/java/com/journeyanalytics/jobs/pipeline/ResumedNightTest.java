package com.journeyanalytics.jobs.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.journeyanalytics.common.cli.Cli;
import com.journeyanalytics.common.config.JobConfig;
import com.journeyanalytics.common.delta.TableStore;
import com.journeyanalytics.common.testing.SparkTestSession;
import com.journeyanalytics.jobs.JourneyJob;
import com.journeyanalytics.jobs.fixtures.ExportFixture;
import com.journeyanalytics.jobs.fixtures.MiniWarehouse;
import com.journeyanalytics.jobs.fixtures.MiniWorld;
import com.journeyanalytics.jobs.fixtures.PublishedRelations;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A night whose run failed part way is run again: the new run takes over the steps the failed one
 * completed (CompletedSteps) and publishes exactly what an uninterrupted night publishes; a night
 * whose exports changed since runs every step again.
 */
class ResumedNightTest {

  private final SparkSession spark = SparkTestSession.get();

  @Test
  void aRunAfterAFailedOneTakesOverTheStepsItCompletedUnlessTheExportsChangedAndPublishesWhatAnUninterruptedNightDoes(
      @TempDir Path exportsDir, @TempDir Path warehouse, @TempDir Path work) throws Exception {
    Night night = dayOneDone(exportsDir, warehouse, work);

    // Day 2's first run crashes in the KPI step, after the KPI tables were written.
    CountedSteps first = new CountedSteps("kpis");
    assertThat(night.run("day2-first", first).succeeded()).isFalse();
    assertThat(first.runs()).isEqualTo(Map.of("ingest", 1, "touchpoints", 1, "journeys", 1, "kpis", 1, "attribution", 0));

    // A file re-delivered with the same content (a newer modification time) makes another night:
    // the second run takes nothing over, and crashes in attribution.
    try (Stream<Path> files = Files.walk(exportsDir)) {
      Path one = files.filter(Files::isRegularFile).sorted().findFirst().orElseThrow();
      Files.setLastModifiedTime(one, FileTime.fromMillis(Files.getLastModifiedTime(one).toMillis() + 60_000));
    }
    CountedSteps second = new CountedSteps("attribution");
    assertThat(night.run("day2-second", second).succeeded()).isFalse();
    assertThat(second.runs()).isEqualTo(Map.of("ingest", 1, "touchpoints", 1, "journeys", 1, "kpis", 1, "attribution", 1));

    // The third run takes over the four steps the second completed and runs attribution only.
    CountedSteps third = new CountedSteps(null);
    assertThat(night.run("day2-third", third).succeeded()).isTrue();
    assertThat(third.runs()).isEqualTo(Map.of("ingest", 0, "touchpoints", 0, "journeys", 0, "kpis", 0, "attribution", 1));
    // Every relation readers see (the day's data_quality too, with the checks of the taken-over
    // steps) is as MiniWarehouse's uninterrupted day 2 left it.
    assertThat(published(night.database())).isEqualTo(published(MiniWarehouse.database()));
    // Its report lists the four steps as taken over.
    assertThat(Files.readString(warehouse.resolve("_reports/_steps/day2-third.tsv")))
        .contains("ingest\ttaken over", "touchpoints\ttaken over", "journeys\ttaken over", "kpis\ttaken over",
            "attribution\tsucceeded", "publish\tsucceeded");
  }

  /** Day 1 run by the job, as MiniWarehouse runs it; day 2's runs are driven step by step by the test. */
  private Night dayOneDone(Path exportsDir, Path warehouse, Path work) throws Exception {
    MiniWorld.writeDay1(new ExportFixture(exportsDir), spark);
    MiniWorld.writeDay2(new ExportFixture(exportsDir), spark);
    String database = SparkTestSession.uniqueDatabase("resumed");
    Path conf = work.resolve("job.conf");
    Files.writeString(conf, "journey { database = " + database + ", staging-database = " + database + "_staging, "
        + "quality.min-rows = 1000, touchpoints.find-changed-customers-above = 0, exports = \"" + exportsDir
        + "\", warehouse = \"" + warehouse + "\" }\n");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    assertThat(JourneyJob.run(new String[] {"--conf", conf.toString(), "--run-date", MiniWorld.DAY1}, Map.of(),
        new PrintStream(err))).as(err.toString()).isZero();
    JobConfig config = JobConfig.load(conf.toFile(), Map.of());
    return new Night(spark, config);
  }

  private record Night(SparkSession spark, JobConfig config) {

    String database() {
      return config.database();
    }

    Pipeline.RunOutcome run(String runId, CountedSteps steps) {
      TableStore tables = new TableStore(spark, config.warehouse(), config.storeDatabase());
      TableStore staging = new TableStore(spark, config.warehouse(), config.stagingDatabase());
      RunContext ctx = new RunContext(spark, config, runId, LocalDate.parse(MiniWorld.DAY2), RunMode.NIGHTLY, tables,
          staging);
      return new Pipeline(steps.steps(), Cli.version()).run(ctx);
    }
  }

  /** The job's nightly steps, each counting its runs; the one named crashes after its own work. */
  private static final class CountedSteps {

    private final Map<String, Integer> runs = new TreeMap<>();
    private final List<Step> steps;

    CountedSteps(String crashing) {
      steps = JourneyJob.steps(RunMode.NIGHTLY).stream().map(step -> {
        runs.put(step.name(), 0);
        return (Step) new Step() {
          @Override
          public String name() {
            return step.name();
          }

          @Override
          public StepResult run(RunContext ctx) {
            runs.merge(step.name(), 1, Integer::sum);
            StepResult result = step.run(ctx);
            if (step.name().equals(crashing)) {
              throw new IllegalStateException("the executors were lost");
            }
            return result;
          }
        };
      }).toList();
    }

    List<Step> steps() {
      return steps;
    }

    Map<String, Integer> runs() {
      return runs;
    }
  }

  /** Every relation readers see but pipeline_runs, without the columns that name runs of one warehouse. */
  private Map<String, List<String>> published(String database) {
    Map<String, List<String>> all = new TreeMap<>();
    for (Row view : spark.sql("SHOW VIEWS IN `" + database + "`").where("NOT isTemporary").collectAsList()) {
      String name = view.getString(view.fieldIndex("viewName"));
      if (!name.equals("pipeline_runs")) {
        all.put(name, PublishedRelations.jsonLines(
            spark.table("`" + database + "`.`" + name + "`").drop(TableStore.RUN_ID, "previous_run_id")));
      }
    }
    return all;
  }
}
