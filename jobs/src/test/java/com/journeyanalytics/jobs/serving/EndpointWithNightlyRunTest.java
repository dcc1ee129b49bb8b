package com.journeyanalytics.jobs.serving;

import static org.assertj.core.api.Assertions.assertThat;

import com.journeyanalytics.common.spark.DerbyServer;
import com.journeyanalytics.common.testing.SparkTestSession;
import com.journeyanalytics.jobs.JourneyJob;
import com.journeyanalytics.jobs.fixtures.ChildJvm;
import com.journeyanalytics.jobs.fixtures.ExportFixture;
import com.journeyanalytics.jobs.fixtures.MiniWorld;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local default (embedded Derby metastore beside the warehouse) with the SQL endpoint and a
 * nightly run at the same time, each in its own JVM as scripts/serve-sql.sh and run-local.sh
 * start them: the endpoint serves its metastore over a Derby network server, the run connects to
 * it, succeeds, and the endpoint's clients see what it wrote.
 */
class EndpointWithNightlyRunTest {

  @Test
  void aNightlyRunSucceedsWhileTheEndpointServesTheLocalMetastoreAndItsClientsSeeTheNewNight(@TempDir Path dir)
      throws Exception {
    Path exports = dir.resolve("exports");
    Path warehouse = dir.resolve("warehouse");
    MiniWorld.writeDay1(new ExportFixture(exports), SparkTestSession.get());
    Path conf = dir.resolve("job.conf");
    // No metastore setting: the local default, <warehouse>/_metastore.
    Files.writeString(conf, "journey { database = nightly, staging-database = nightly_staging, quality.min-rows = 1000,"
        + " spark.local-master = \"local[1]\" }\n");
    int port = SqlServerTest.freePort();

    Process endpoint = start(dir.resolve("endpoint.log"), SqlServer.class.getName(), "--warehouse", warehouse.toString(),
        "--conf", conf.toString(), "--port", Integer.toString(port));
    try {
      String ready = readyLine(endpoint);
      assertThat(ready).isEqualTo("ready jdbc:hive2://127.0.0.1:" + port + "/nightly");
      Path serverFile = DerbyServer.serverFile(warehouse.resolve("_metastore"));
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(serverFile))).isEqualTo("rw-------");

      Process job = start(dir.resolve("job.log"), JourneyJob.class.getName(), "--exports", exports.toString(),
          "--warehouse", warehouse.toString(), "--conf", conf.toString(), "--run-date", MiniWorld.DAY1);
      assertThat(job.waitFor(20, TimeUnit.MINUTES)).isTrue();
      assertThat(job.exitValue()).as(Files.readString(dir.resolve("job.log"))).isZero();

      // MiniWorld day 1: a1 8 touchpoints, a2 2, the anonymous visitor 1, the prospect 1 (NightlyRunTest).
      try (Connection connection = DriverManager.getConnection("jdbc:hive2://127.0.0.1:" + port + "/nightly");
           Statement statement = connection.createStatement();
           ResultSet rs = statement.executeQuery("SELECT count(*) FROM touchpoints")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getLong(1)).isEqualTo(12);
      }

      endpoint.destroy();
      assertThat(endpoint.waitFor(2, TimeUnit.MINUTES)).isTrue();
      assertThat(endpoint.exitValue()).as(Files.readString(dir.resolve("endpoint.log"))).isZero();
      assertThat(serverFile).doesNotExist();
    } finally {
      endpoint.destroyForcibly();
    }
  }

  /** A class of the project in a child JVM with the test classpath; stderr to {@code log}. */
  private static Process start(Path log, String mainClass, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx1g");
    command.addAll(ChildJvm.JAVA_OPENS);
    command.add("-Dderby.stream.error.file=" + log.resolveSibling(log.getFileName() + ".derby"));
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
    command.addAll(List.of(args));
    command.addAll(List.of("--spark-conf", "spark.sql.shuffle.partitions=1", "--spark-conf", "spark.ui.enabled=false",
        "--spark-conf", "spark.driver.host=127.0.0.1", "--spark-conf", "spark.driver.bindAddress=127.0.0.1"));
    return new ProcessBuilder(command).redirectError(log.toFile()).redirectOutput(
        mainClass.equals(SqlServer.class.getName()) ? ProcessBuilder.Redirect.PIPE : ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
  }

  /** The endpoint's one stdout line (minutes on a busy machine). */
  private static String readyLine(Process endpoint) throws Exception {
    BufferedReader out = new BufferedReader(new InputStreamReader(endpoint.getInputStream(), StandardCharsets.UTF_8));
    return CompletableFuture.supplyAsync(() -> {
      try {
        return out.readLine();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }).get(10, TimeUnit.MINUTES);
  }
}
