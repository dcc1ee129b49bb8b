package com.journeyanalytics.jobs.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.journeyanalytics.common.delta.TableStore;
import com.journeyanalytics.common.testing.SparkTestSession;
import com.journeyanalytics.jobs.fixtures.ExportFixture;
import com.journeyanalytics.jobs.fixtures.MiniWorld;
import com.journeyanalytics.jobs.fixtures.SqlShRuns;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.TableIdentifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.Option;

/**
 * A warehouse restored to another folder, moved or copied, runs its next night there: the metastore
 * entries are pointed at the folder the run was given, so its night publishes and readers of its
 * views read its own tables, through sql.sh --local too. (The shared test session's metastore stands
 * for the warehouse's own embedded one: the configuration names no other; EndpointWithNightlyRunTest
 * moves a warehouse with its real embedded metastore.)
 */
class MovedWarehouseTest {

  private final SparkSession spark = SparkTestSession.get();

  @Test
  void aCopiedOrMovedWarehouseRunsAndPublishesInItsOwnFoldersAndIsRefusedWithExitTwoOnAMetastoreItDoesNotOwn(
      @TempDir Path exportsDir, @TempDir Path root) throws Exception {
    writeTwoDays(exportsDir);
    String database = SparkTestSession.uniqueDatabase("copied");
    Path conf = JobRuns.conf(exportsDir, database);
    Path original = root.resolve("original");
    Path copy = root.resolve("copy");
    assertThat(run(exportsDir, original, conf, MiniWorld.DAY1).status()).isZero();
    copyFolder(original, copy);
    TableStore originalStore = new TableStore(spark, original.toString(), database + "_store");
    TableStore copyStore = new TableStore(spark, copy.toString(), database + "_store");

    // A configured Derby folder may serve other warehouses under these names: not the job's to re-point.
    Path sharedMetastore = JobRuns.conf(exportsDir, database, "journey.metastore.derby-path = \"" + root.resolve("derby") + "\"");
    JobRuns.Result refused = run(exportsDir, copy, sharedMetastore, MiniWorld.DAY2);

    assertThat(refused.status()).isEqualTo(2);
    // Day 1 wrote 19 tables in the store database and 11 in staging: 30 entries name the original.
    assertThat(refused.err()).startsWith("journey: the metastore registers 30 table(s) of this warehouse's databases in other folders, e.g. "
        + database + "_store.activity_paths at " + originalStore.location("activity_paths") + " (here: "
        + copyStore.location("activity_paths") + "); this warehouse is " + copyStore.warehouse() + ".");
    assertThat(copyStore.read("pipeline_runs").count()).isEqualTo(1L);
    assertThat(registeredLocation(database + "_store", "touchpoints")).isEqualTo(originalStore.location("touchpoints"));

    JobRuns.Result day2 = run(exportsDir, copy, conf, MiniWorld.DAY2);

    assertThat(day2.status()).as(day2.err()).isZero();
    assertThat(strings("SELECT concat(run_date, ' ', status) FROM " + database + ".pipeline_runs"))
        .containsExactlyInAnyOrder(MiniWorld.DAY1 + " succeeded", MiniWorld.DAY2 + " succeeded");
    assertThat(registeredLocation(database + "_staging", "silver_touches"))
        .isEqualTo(new TableStore(spark, copy.toString(), database + "_staging").location("silver_touches"));
    // The original keeps its one night and every table: re-registering dropped entries, not files.
    assertThat(originalStore.read("pipeline_runs").count()).isEqualTo(1L);
    assertThat(originalStore.tableNames()).isEqualTo(copyStore.tableNames());
    assertThat(originalStore.read("touchpoints").where("source = 'marketing'").count()).isEqualTo(3L);

    // The copy moved on (its old folder gone): sql.sh --local answers from the new folder before any
    // night there, the rerun of day 2 publishes, and the views read the new folder.
    Path moved = root.resolve("moved");
    Files.move(copy, moved);
    TableStore movedStore = new TableStore(spark, moved.toString(), database + "_store");
    SqlShRuns.Result query = SqlShRuns.run("--local", "--warehouse", moved.toString(), "--conf", conf.toString(),
        "SELECT count(*) AS runs FROM pipeline_runs");
    spark.catalog().setCurrentDatabase("default"); // sql.sh made the journey database current in the shared session

    assertThat(query.status()).as(query.err()).isZero();
    assertThat(query.out()).isEqualTo("runs\n2\n");
    assertThat(registeredLocation(database + "_store", "touchpoints")).isEqualTo(movedStore.location("touchpoints"));

    JobRuns.Result rerun = run(exportsDir, moved, conf, MiniWorld.DAY2);

    assertThat(rerun.status()).as(rerun.err()).isZero();
    assertThat(strings("SELECT concat(run_date, ' ', status) FROM " + database + ".pipeline_runs"))
        .containsExactlyInAnyOrder(MiniWorld.DAY1 + " succeeded", MiniWorld.DAY2 + " succeeded",
            MiniWorld.DAY2 + " succeeded");
    // t4 is in DAY2's marketing export only: the pinned view shows day 2.
    assertThat(strings("SELECT source_record_id FROM " + database + ".touchpoints WHERE source = 'marketing'"))
        .containsExactlyInAnyOrder("t1", "t2", "t3", "t4");
  }

  private void writeTwoDays(Path exportsDir) {
    ExportFixture exports = new ExportFixture(exportsDir);
    MiniWorld.writeDay1(exports, spark);
    MiniWorld.writeDay2(exports, spark);
  }

  private static JobRuns.Result run(Path exportsDir, Path warehouse, Path conf, String runDate) {
    return JobRuns.run(exportsDir.toString(), warehouse.toString(), conf, "--run-date", runDate);
  }

  private String registeredLocation(String database, String table) throws Exception {
    return TableStore.qualify(spark, spark.sessionState().catalog()
        .getTableMetadata(new TableIdentifier(table, Option.apply(database))).location().toString());
  }

  private List<String> strings(String sql) {
    return spark.sql(sql).collectAsList().stream().map((Row r) -> r.getString(0)).toList();
  }

  private static void copyFolder(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      paths.forEach(path -> {
        try {
          Files.copy(path, to.resolve(from.relativize(path).toString()));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }
}
