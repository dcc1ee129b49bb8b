package com.journeyanalytics.jobs.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.journeyanalytics.common.FaultInjection;
import com.journeyanalytics.common.testing.SparkTestSession;
import com.journeyanalytics.jobs.JourneyJob;
import com.journeyanalytics.jobs.fixtures.ChildJvm;
import com.journeyanalytics.jobs.fixtures.ExportFixture;
import com.journeyanalytics.jobs.fixtures.MiniWarehouse;
import com.journeyanalytics.jobs.fixtures.MiniWorld;
import com.journeyanalytics.jobs.serving.SqlServer;
import java.io.BufferedReader;
import java.io.IOException;
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
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The normal day of a BI user, with the local default metastore, and the nights that go wrong:
 * the SQL endpoint (scripts/serve-sql.sh's main class) stays up in its own JVM while nightly runs,
 * each in its own JVM, write the same warehouse.
 *
 * <p>Day 2's first run is stopped in the middle of each step in turn (after a table write of
 * ingest, touchpoints, journeys, KPIs, attribution); at each stop a JDBC client reads every
 * published relation as day 1 left it, and at the last one the run gets SIGKILL. A second run is
 * killed in the middle of ingest, a third inside its publish step. The next run publishes day 2
 * exactly as an uninterrupted night does (MiniWarehouse: the same two days without a fault).
 */
class EndpointWithNightlyRunTest {

  /** The run log (pipeline_runs, data_quality) is not pinned: a failed night's outcome shows at once. */
  private static final List<String> RUN_LOG = List.of("pipeline_runs", "data_quality");

  /** A point inside each step: after one of its table writes. */
  private static final List<String> IN_EACH_STEP = List.of("write:silver_contacts", "write:touchpoints",
      "write:customer_journeys", "write:kpis", "write:markov_transitions");

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
    Process endpoint = startEndpoint(conf, work, port);
    try {
      String url = "jdbc:hive2://127.0.0.1:" + port + "/" + database;
      // MiniWorld day 1: a1 has 8 touchpoints (account_created .. nps_response, see NightlyRunTest).
      assertThat(scalar(url, "SELECT count(*) FROM touchpoints WHERE customer_key = 'a1'")).isEqualTo(8L);
      Map<String, List<String>> day1 = published(url, database, RUN_LOG);
      assertThat(day1).containsKeys("touchpoints", "kpis", "customer_journeys", "attribution", "v_kpi_monthly");
      Map<String, List<String>> day1Definitions = definitions(url, database, RUN_LOG);

      // Run 1 stops inside each step; a kill there could change nothing more than the stop shows.
      StoppedRun run1 = StoppedRun.start(conf, work.resolve("run1.log"), MiniWorld.DAY2, IN_EACH_STEP);
      for (String point : IN_EACH_STEP) {
        run1.awaitPause(point);
        // Every relation keeps its definition: the same pinned store versions, which Delta never changes.
        assertThat(definitions(url, database, RUN_LOG)).as("definitions at " + point).isEqualTo(day1Definitions);
        if (point.equals(IN_EACH_STEP.get(IN_EACH_STEP.size() - 1))) {
          // And row for row, with every step but the last one's rest written to the store.
          assertThat(published(url, database, RUN_LOG)).as("rows at " + point).isEqualTo(day1);
          run1.kill();
        } else {
          run1.resume();
        }
      }
      // Run 2 is killed in the middle of ingest, run 3 inside its publish step (after its 2nd view).
      StoppedRun run2 = StoppedRun.start(conf, work.resolve("run2.log"), MiniWorld.DAY2, List.of("write:silver_contacts"));
      run2.awaitPause("write:silver_contacts");
      run2.kill();
      assertThat(definitions(url, database, RUN_LOG)).as("definitions after a kill in ingest").isEqualTo(day1Definitions);
      StoppedRun run3 = StoppedRun.start(conf, work.resolve("run3.log"), MiniWorld.DAY2, List.of("publish:2"));
      run3.awaitPause("publish:2");
      run3.kill();
      // Run 3 left its manifest: still running, its versions recorded.
      assertThat(scalar(url, "SELECT count(*) FROM pipeline_runs WHERE status = 'running' AND size(table_versions) > 0"))
          .isEqualTo(1L);

      // The next run completes run 3's publishing first, marks runs 1 and 2 aborted, then reruns day 2.
      assertThat(runNight(conf, work, "night2", MiniWorld.DAY2)).isZero();
      // Day 2 back-stitches v1's web_visit and form_submit to a1: 8 + 2 = 10.
      assertThat(scalar(url, "SELECT count(*) FROM touchpoints WHERE customer_key = 'a1'")).isEqualTo(10L);
      assertThat(published(url, database, List.of("pipeline_runs")))
          .isEqualTo(uninterrupted(MiniWarehouse.database(), List.of("pipeline_runs")));
      // night1, run 3 (completed by night2) and night2 succeeded and published; runs 1 and 2 aborted.
      assertThat(scalar(url, "SELECT count(*) FROM pipeline_runs WHERE status = 'succeeded' AND published_at IS NOT NULL"))
          .isEqualTo(3L);
      assertThat(scalar(url, "SELECT count(*) FROM pipeline_runs WHERE status = 'aborted' AND error LIKE 'found dead by run %'"))
          .isEqualTo(2L);
      assertThat(scalar(url, "SELECT count(*) FROM pipeline_runs")).isEqualTo(5L);
      // Every JDBC session opened the Thrift server's private in-memory metastore at once.
      assertThat(Files.readString(work.resolve("endpoint.log"))).doesNotContain("Failed initialising database");
    } finally {
      endpoint.destroy();
      endpoint.waitFor(60, TimeUnit.SECONDS);
    }
  }

  /** A run in its own JVM that stops at fault-injection points, where the test resumes or kills it. */
  private record StoppedRun(Process process, Path log) {

    static StoppedRun start(Path conf, Path log, String runDate, List<String> points) throws Exception {
      return new StoppedRun(startNight(conf, log, runDate, "-D" + FaultInjection.PAUSE_AT + "=" + String.join(",", points)),
          log);
    }

    void awaitPause(String point) throws Exception {
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

    void resume() throws IOException {
      process.getOutputStream().write("resume\n".getBytes(StandardCharsets.UTF_8));
      process.getOutputStream().flush();
    }

    /** SIGKILL: no finally block, no shutdown hook runs. */
    void kill() throws InterruptedException {
      process.destroyForcibly().waitFor();
    }
  }

  /**
   * Every relation of {@code database} but {@code leftOut}, read over JDBC, each row as JSON (run_id
   * left out: it names the run), sorted.
   */
  private static Map<String, List<String>> published(String url, String database, List<String> leftOut)
      throws SQLException {
    return readEach(url, database, leftOut, "SELECT to_json(struct(*)) FROM `%s`", EndpointWithNightlyRunTest::withoutRunId);
  }

  /** SHOW CREATE TABLE of every relation of {@code database} but {@code leftOut}, over JDBC. */
  private static Map<String, List<String>> definitions(String url, String database, List<String> leftOut)
      throws SQLException {
    return readEach(url, database, leftOut, "SHOW CREATE TABLE `%s`", text -> text);
  }

  /** {@code query} (a format with the relation's name) on each relation but {@code leftOut}: its first column, sorted. */
  private static Map<String, List<String>> readEach(String url, String database, List<String> leftOut, String query,
      UnaryOperator<String> value) throws SQLException {
    Map<String, List<String>> all = new TreeMap<>();
    try (Connection connection = DriverManager.getConnection(url)) {
      for (String relation : relations(connection, database)) {
        if (leftOut.contains(relation)) {
          continue;
        }
        List<String> rows = new ArrayList<>();
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(String.format(query, relation))) {
          while (rs.next()) {
            rows.add(value.apply(rs.getString(1)));
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
    SparkSession spark = SparkTestSession.get();
    Map<String, List<String>> all = new TreeMap<>();
    for (Row view : spark.sql("SHOW VIEWS IN `" + database + "`").where("NOT isTemporary").collectAsList()) {
      String name = view.getString(view.fieldIndex("viewName"));
      if (!leftOut.contains(name)) {
        all.put(name, spark.sql("SELECT to_json(struct(*)) FROM `" + database + "`.`" + name + "`").collectAsList()
            .stream().map(r -> withoutRunId(r.getString(0))).sorted().toList());
      }
    }
    return all;
  }

  private static String withoutRunId(String json) {
    return json.replaceAll(",?\"run_id\":\"[^\"]*\"", "");
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
    command.addAll(List.of(JourneyJob.class.getName(), "--conf", conf.toString(), "--run-date", runDate,
        "--spark-conf", "spark.sql.shuffle.partitions=1", "--spark-conf", "spark.sql.codegen.wholeStage=false",
        "--spark-conf", "spark.sql.codegen.factoryMode=NO_CODEGEN"));
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  private static Process startEndpoint(Path conf, Path work, int port) throws Exception {
    List<String> command = java();
    command.addAll(List.of(SqlServer.class.getName(), "--conf", conf.toString(), "--port", String.valueOf(port)));
    Process endpoint = new ProcessBuilder(command).redirectError(work.resolve("endpoint.log").toFile()).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(endpoint.getInputStream(), StandardCharsets.UTF_8));
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    String line;
    while ((line = out.readLine()) != null && System.nanoTime() < deadline) {
      if (line.startsWith("ready ")) {
        return endpoint;
      }
    }
    endpoint.destroyForcibly();
    throw new AssertionError("the endpoint did not print ready: " + Files.readString(work.resolve("endpoint.log")));
  }
}
