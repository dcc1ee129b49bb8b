package com.journeyanalytics.jobs.e2e;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import com.journeyanalytics.common.FaultInjection;
import com.journeyanalytics.common.delta.TableStore;
import com.journeyanalytics.common.testing.SparkTestSession;
import com.journeyanalytics.jobs.JourneyJob;
import com.journeyanalytics.jobs.fixtures.ChildJvm;
import com.journeyanalytics.jobs.fixtures.ExportFixture;
import com.journeyanalytics.jobs.fixtures.MiniWarehouse;
import com.journeyanalytics.jobs.fixtures.MiniWorld;
import com.journeyanalytics.jobs.fixtures.PublishedRelations;
import com.journeyanalytics.jobs.fixtures.SqlShRuns;
import com.journeyanalytics.jobs.serving.SqlServer;
import com.journeyanalytics.jobs.touchpoints.TouchpointStep;
import io.delta.tables.DeltaTable;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The normal day of a BI user, with the local default metastore, and the nights that go wrong:
 * the SQL endpoint (scripts/serve-sql.sh's main class) stays up in its own JVM while nightly runs,
 * each in its own JVM, write the same warehouse.
 *
 * <p>Day 2 is run six times, each run killed with SIGKILL in the middle of a different step (after
 * a table write of ingest, touchpoints, journeys, KPIs, attribution; after the 2nd view of the
 * publish step), each started on what the one before left: it takes over the steps the killed run
 * completed (CompletedSteps) and runs the rest. After each kill before publishing, a JDBC client
 * reads every published relation, row for row, as day 1 left it. The next run completes the
 * publishing the last one was killed in, then publishes day 2 exactly as an uninterrupted night
 * does (MiniWarehouse: the same two days without a fault).
 */
class EndpointWithNightlyRunTest {

  /** The run log (pipeline_runs, data_quality) is not pinned: a failed night's outcome shows at once. */
  private static final List<String> RUN_LOG = List.of("pipeline_runs", "data_quality");

  /** A point inside each step (after one of its table writes), and inside the publish step (after its 2nd view). */
  private static final List<String> KILLED_IN_EACH_STEP = List.of("write:silver_contacts", "write:touchpoints",
      "write:customer_journeys", "write:kpis", "write:markov_transitions", "publish:2");

  @Test
  void aJdbcClientSeesThePreviousNightThroughAKillInEveryStepAndTheUninterruptedNightOnceARunPublishes(
      @TempDir Path exportsDir, @TempDir Path warehouse, @TempDir Path work) throws Exception {
    MiniWorld.writeDay1(new ExportFixture(exportsDir), SparkTestSession.get());
    MiniWorld.writeDay2(new ExportFixture(exportsDir), SparkTestSession.get());
    String database = SparkTestSession.uniqueDatabase("served");
    Path conf = work.resolve("job.conf");
    // The metastore is the default one, <warehouse>/_metastore, shared by the endpoint and the runs.
    Files.writeString(conf, "journey { database = " + database + ", quality.min-rows = 1000, "
        + "spark.local-master = \"local[1]\", exports = \"" + exportsDir + "\", warehouse = \"" + warehouse + "\" }\n");

    assertThat(runNight(conf, work, "night1", MiniWorld.DAY1)).isZero();
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Process endpoint = startEndpoint(conf, work, "endpoint.log", port);
    try {
      String url = "jdbc:hive2://127.0.0.1:" + port + "/" + database;
      // MiniWorld day 1: a1 has 8 touchpoints (account_created .. nps_response, see NightlyRunTest).
      assertThat(scalar(url, "SELECT count(*) FROM touchpoints WHERE customer_key = 'a1'")).isEqualTo(8L);
      // scripts/sql.sh on the same configuration finds the endpoint it announced and answers through it.
      SqlShRuns.Result sqlSh = SqlShRuns.run("--conf", conf.toString(),
          "SELECT count(*) AS touchpoints FROM touchpoints WHERE customer_key = 'a1'");
      assertThat(sqlSh.status()).as(sqlSh.err()).isZero();
      assertThat(sqlSh.out()).isEqualTo("touchpoints\n8\n");
      assertThat(sqlSh.err()).contains("through the running SQL endpoint " + url);
      Map<String, List<String>> day1 = published(url, database, RUN_LOG);
      assertThat(day1).containsKeys("touchpoints", "kpis", "customer_journeys", "attribution", "v_kpi_monthly");

      // Day 2 is run six times, each run killed (SIGKILL) inside a different step; each run is the
      // next run of the one before: it finds that run dead, marks it aborted, takes the lock over,
      // takes over the steps that run completed and runs the night from there.
      for (int i = 0; i < KILLED_IN_EACH_STEP.size(); i++) {
        String point = KILLED_IN_EACH_STEP.get(i);
        Path log = work.resolve("killed-" + i + ".log");
        StoppedRun run = StoppedRun.start(conf, log, MiniWorld.DAY2, point);
        run.awaitPause();
        run.kill();
        // The run killed in step i + 1 ran step i: the run before it completed steps 1 .. i - 1
        // (none for the first two runs: the first was killed in step 1).
        assertThat(Files.readAllLines(log).stream().filter(line -> line.endsWith(": taken over")).count())
            .as("steps taken over by the run killed at " + point).isEqualTo(Math.max(0, i - 1));
        assertThat(scalar(url, "SELECT count(*) FROM pipeline_runs WHERE status = 'aborted' AND error LIKE 'found dead by run %'"))
            .as("runs found dead by the run killed at " + point).isEqualTo(i);
        if (point.startsWith("publish:")) {
          // Killed after its 2nd view: it left its manifest, still running, its versions recorded.
          assertThat(scalar(url, "SELECT count(*) FROM pipeline_runs WHERE status = 'running' AND size(table_versions) > 0"))
              .isEqualTo(1L);
        } else {
          // Whatever the killed run wrote to the store, readers see day 1, row for row.
          assertThat(published(url, database, RUN_LOG)).as("rows after a kill at " + point).isEqualTo(day1);
        }
      }

      // The next run completes the publishing of the run killed in it first, marks that run's
      // predecessor aborted, then reruns day 2.
      assertThat(runNight(conf, work, "night2", MiniWorld.DAY2)).isZero();
      // The run it completed had succeeded: night2 takes no step over, it runs the night again.
      assertThat(Files.readString(work.resolve("night2.log"))).doesNotContain(": taken over");
      // Day 2 back-stitches v1's web_visit and form_submit to a1: 8 + 2 = 10.
      assertThat(scalar(url, "SELECT count(*) FROM touchpoints WHERE customer_key = 'a1'")).isEqualTo(10L);
      assertThat(published(url, database, List.of("pipeline_runs")))
          .isEqualTo(uninterrupted(MiniWarehouse.database(), List.of("pipeline_runs")));
      // night1, the run killed in publish (completed by night2) and night2 succeeded and published;
      // the five runs killed before their publish step aborted.
      assertThat(scalar(url, "SELECT count(*) FROM pipeline_runs WHERE status = 'succeeded' AND published_at IS NOT NULL"))
          .isEqualTo(3L);
      assertThat(scalar(url, "SELECT count(*) FROM pipeline_runs WHERE status = 'aborted' AND error LIKE 'found dead by run %'"))
          .isEqualTo(5L);
      assertThat(scalar(url, "SELECT count(*) FROM pipeline_runs")).isEqualTo(8L);
      // The child nights keep the default journey.touchpoints.find-changed-customers-above (64 MiB): on
      // a touchpoints table of a few KiB each day-2 run recomputed every customer (merges without the
      // note), where MiniWarehouse's day 2 found the 2 it changed (NightlyRunTest); every published
      // relation is equal all the same (above).
      Dataset<Row> history = DeltaTable.forPath(SparkTestSession.get(), new TableStore(SparkTestSession.get(),
          warehouse.toString(), database + "_store").location("touchpoints")).history();
      assertThat(history.where("operation = 'MERGE'").count()).isPositive();
      assertThat(history.where(col("userMetadata").startsWith(TouchpointStep.INCREMENTAL_NOTE)).count()).isZero();
      // Every JDBC session opened the Thrift server's private in-memory metastore at once.
      assertThat(Files.readString(work.resolve("endpoint.log"))).doesNotContain("Failed initialising database");
    } finally {
      endpoint.destroy();
      endpoint.waitFor(60, TimeUnit.SECONDS);
    }

    // The warehouse moved to another folder (a restore, a new disk), its metastore inside it: the
    // endpoint registers its tables where they are now before serving, and the next night publishes.
    Path moved = work.resolve("moved");
    Files.move(warehouse, moved);
    Files.createDirectory(warehouse); // empty, for JUnit to delete: the tables' old folders stay gone
    Path movedConf = work.resolve("moved.conf");
    Files.writeString(movedConf, Files.readString(conf).replace("\"" + warehouse + "\"", "\"" + moved + "\""));
    Process movedEndpoint = startEndpoint(movedConf, work, "moved-endpoint.log", port);
    try {
      String url = "jdbc:hive2://127.0.0.1:" + port + "/" + database;
      assertThat(scalar(url, "SELECT count(*) FROM touchpoints WHERE customer_key = 'a1'")).isEqualTo(10L);
      assertThat(scalar(url, "SELECT count(*) FROM pipeline_runs")).isEqualTo(8L);

      assertThat(runNight(movedConf, work, "moved-night", MiniWorld.DAY2)).isZero();

      // The 3 published runs above and the moved warehouse's rerun of day 2.
      assertThat(scalar(url, "SELECT count(*) FROM pipeline_runs WHERE status = 'succeeded' AND published_at IS NOT NULL"))
          .isEqualTo(4L);
      assertThat(scalar(url, "SELECT count(*) FROM touchpoints WHERE customer_key = 'a1'")).isEqualTo(10L);
      assertThat(Files.readString(work.resolve("moved-endpoint.log")))
          .contains("the warehouse was copied or moved: its metastore registers 30 table(s)");
    } finally {
      movedEndpoint.destroy();
      movedEndpoint.waitFor(60, TimeUnit.SECONDS);
    }
  }

  /** A run in its own JVM that stops at a fault-injection point, where the test kills it. */
  private record StoppedRun(Process process, Path log, String point) {

    static StoppedRun start(Path conf, Path log, String runDate, String point) throws Exception {
      return new StoppedRun(startNight(conf, log, runDate, "-D" + FaultInjection.PAUSE_AT + "=" + point), log, point);
    }

    void awaitPause() throws Exception {
      String paused = "fault injection: paused at " + point;
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
      while (!Files.readString(log).contains(paused)) {
        if (!process.isAlive() || System.nanoTime() > deadline) {
          process.destroyForcibly().waitFor();
          throw new AssertionError("the run did not stop at " + point + ": " + Files.readString(log));
        }
        Thread.sleep(100);
      }
    }

    /** SIGKILL: no finally block, no shutdown hook runs. */
    void kill() throws InterruptedException {
      process.destroyForcibly().waitFor();
    }
  }

  /**
   * Every relation of {@code database} but {@code leftOut}, read over JDBC, each row as JSON (run_id
   * and kpi_changes' previous_run_id left out: they name runs of one warehouse), sorted.
   */
  private static Map<String, List<String>> published(String url, String database, List<String> leftOut)
      throws SQLException {
    Map<String, List<String>> all = new TreeMap<>();
    try (Connection connection = DriverManager.getConnection(url)) {
      for (String relation : relations(connection, database)) {
        if (leftOut.contains(relation)) {
          continue;
        }
        List<String> rows = new ArrayList<>();
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT to_json(struct(*)) FROM `" + relation + "`")) {
          while (rs.next()) {
            rows.add(withoutRunId(rs.getString(1)));
          }
        }
        rows.sort(null);
        all.put(relation, rows);
      }
    }
    return all;
  }

  private static List<String> relations(Connection connection, String database) throws SQLException {
    List<String> relations = new ArrayList<>();
    try (ResultSet tables = connection.getMetaData().getTables(null, database, "%", null)) {
      while (tables.next()) {
        relations.add(tables.getString("TABLE_NAME"));
      }
    }
    return relations;
  }

  /** The same for the shared warehouse the job built from the same two days without a fault. */
  private static Map<String, List<String>> uninterrupted(String database, List<String> leftOut) {
    Map<String, List<String>> all = new TreeMap<>();
    PublishedRelations.asJson(SparkTestSession.get(), database, leftOut).forEach((name, rows) ->
        all.put(name, rows.stream().map(EndpointWithNightlyRunTest::withoutRunId).sorted().toList()));
    return all;
  }

  private static String withoutRunId(String json) {
    return json.replaceAll(",?\"(previous_)?run_id\":\"[^\"]*\"", "");
  }

  private static long scalar(String url, String sql) throws SQLException {
    try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement();
         ResultSet rs = statement.executeQuery(sql)) {
      assertThat(rs.next()).isTrue();
      return rs.getLong(1);
    }
  }

  private static List<String> java(String... jvmFlags) {
    List<String> command = new ArrayList<>();
    command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx1g");
    command.addAll(List.of(jvmFlags));
    command.addAll(ChildJvm.JAVA_OPENS);
    command.addAll(List.of("-cp", System.getProperty("java.class.path")));
    return command;
  }

  private static int runNight(Path conf, Path work, String name, String runDate) throws Exception {
    Path log = work.resolve(name + ".log");
    Process job = startNight(conf, log, runDate);
    if (!job.waitFor(10, TimeUnit.MINUTES)) {
      job.destroyForcibly();
      throw new AssertionError("run " + name + " did not end in 10 minutes: " + Files.readString(log));
    }
    return job.exitValue();
  }

  private static Process startNight(Path conf, Path log, String runDate, String... jvmFlags) throws Exception {
    List<String> command = java(jvmFlags);
    // The tests' log settings, and the pipeline's step lines (which steps a run took over).
    command.add(1, "-Dlog4j2.configurationFile=log4j2-test.properties,log4j2-night-steps.properties");
    // One partition for Delta's table state as well: a tiny night's Delta file listings are one task
    // each (its nightly run took 82 s instead of 103 to 105 s on 5 accounts x 2 days, local[1]).
    command.addAll(List.of(JourneyJob.class.getName(), "--conf", conf.toString(), "--run-date", runDate,
        "--spark-conf", "spark.sql.shuffle.partitions=1", "--spark-conf", "spark.sql.codegen.wholeStage=false",
        "--spark-conf", "spark.sql.codegen.factoryMode=NO_CODEGEN",
        "--spark-conf", "spark.databricks.delta.snapshotPartitions=1"));
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  private static Process startEndpoint(Path conf, Path work, String logName, int port) throws Exception {
    List<String> command = java();
    command.addAll(List.of(SqlServer.class.getName(), "--conf", conf.toString(), "--port", String.valueOf(port)));
    Process endpoint = new ProcessBuilder(command).redirectError(work.resolve(logName).toFile()).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(endpoint.getInputStream(), StandardCharsets.UTF_8));
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    String line;
    while ((line = out.readLine()) != null && System.nanoTime() < deadline) {
      if (line.startsWith("ready ")) {
        return endpoint;
      }
    }
    endpoint.destroyForcibly();
    throw new AssertionError("the endpoint did not print ready: " + Files.readString(work.resolve(logName)));
  }
}
