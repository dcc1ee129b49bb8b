package com.journeyanalytics.jobs.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.journeyanalytics.common.testing.SparkTestSession;
import com.journeyanalytics.jobs.JourneyJob;
import com.journeyanalytics.jobs.fixtures.ChildJvm;
import com.journeyanalytics.jobs.fixtures.ExportFixture;
import com.journeyanalytics.jobs.fixtures.MiniWorld;
import com.journeyanalytics.jobs.serving.SqlServer;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The normal day of a BI user, with the local default metastore: the SQL endpoint
 * (scripts/serve-sql.sh's main class) stays up in its own JVM while nightly runs, each in its own
 * JVM, write the same warehouse. A JDBC client sees the previous night until a run publishes, the
 * new night after it, and never a night that died before publishing.
 */
class EndpointWithNightlyRunTest {

  @Test
  void aJdbcClientSeesThePreviousNightUntilTheRunPublishesAndTheNewNightAfter(
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

      // Day 2's run dies just before its publish step (the JVM halts as under SIGKILL), every check
      // passed and its manifest written.
      assertThat(runNight(conf, work, "night2-halted", MiniWorld.DAY2, "-Djourney.fault.halt-at=step:publish"))
          .isEqualTo(137);
      assertThat(scalar(url, "SELECT count(*) FROM touchpoints WHERE customer_key = 'a1'")).isEqualTo(8L);
      assertThat(scalar(url, "SELECT count(*) FROM pipeline_runs WHERE status = 'running'")).isEqualTo(1L);

      // The next run publishes the halted run first, then reruns day 2 (idempotent).
      assertThat(runNight(conf, work, "night2", MiniWorld.DAY2)).isZero();
      // Day 2 back-stitches v1's web_visit and form_submit to a1: 8 + 2 = 10.
      assertThat(scalar(url, "SELECT count(*) FROM touchpoints WHERE customer_key = 'a1'")).isEqualTo(10L);
      assertThat(scalar(url, "SELECT count(*) FROM pipeline_runs WHERE status <> 'succeeded'")).isZero();
      assertThat(scalar(url, "SELECT count(*) FROM pipeline_runs WHERE published_at IS NOT NULL")).isEqualTo(3L);
    } finally {
      endpoint.destroy();
      endpoint.waitFor(60, TimeUnit.SECONDS);
    }
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

  private static int runNight(Path conf, Path work, String name, String runDate, String... jvmFlags) throws Exception {
    List<String> command = java(jvmFlags);
    command.addAll(List.of(JourneyJob.class.getName(), "--conf", conf.toString(), "--run-date", runDate,
        "--spark-conf", "spark.sql.shuffle.partitions=1", "--spark-conf", "spark.sql.codegen.wholeStage=false",
        "--spark-conf", "spark.sql.codegen.factoryMode=NO_CODEGEN"));
    Path log = work.resolve(name + ".log");
    Process job = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!job.waitFor(10, TimeUnit.MINUTES)) {
      job.destroyForcibly();
      throw new AssertionError("run " + name + " did not end in 10 minutes: " + Files.readString(log));
    }
    return job.exitValue();
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
