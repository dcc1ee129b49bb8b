package com.journeyanalytics.jobs.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.journeyanalytics.common.Hashing;
import com.journeyanalytics.common.testing.SparkTestSession;
import com.journeyanalytics.jobs.fixtures.ExportFixture;
import com.journeyanalytics.jobs.fixtures.MiniWorld;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded jar on a real Spark standalone cluster: a master and two workers on loopback, started
 * from the Spark 3.5.4 jars of Maven Central laid out as SPARK_HOME (target/spark-home/jars, copied
 * by the build), submitted by scripts/submit.sh through Spark's own launcher and SparkSubmit. The
 * runs build on each other (one warehouse), hence the order.
 */
@TestMethodOrder(OrderAnnotation.class)
class StandaloneClusterIT {

  private static final Path ROOT = Paths.get("").toAbsolutePath().getParent();
  private static final Duration START_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(15);
  private static final String DAY_BEFORE = "2026-11-19";

  @TempDir
  static Path dir;

  private static final List<Process> daemons = new ArrayList<>();
  private static Path sparkHome;
  private static String masterUrl;
  private static int masterUiPort;
  private static Path exports;
  private static Path warehouse;
  private static Path conf;
  private static String database;

  @BeforeAll
  static void startCluster() throws Exception {
    sparkHome = sparkHome(dir.resolve("spark-home"));
    int masterPort = freePort();
    masterUiPort = freePort();
    masterUrl = "spark://127.0.0.1:" + masterPort;
    Path masterLog = dir.resolve("master.log");
    daemons.add(start(masterLog, "org.apache.spark.deploy.master.Master",
        "--host", "127.0.0.1", "--port", String.valueOf(masterPort), "--webui-port", String.valueOf(masterUiPort)));
    awaitLine(daemons.get(0), masterLog, "I have been elected leader");
    for (int i = 1; i <= 2; i++) {
      Path workerLog = dir.resolve("worker-" + i + ".log");
      Path workDir = Files.createDirectories(dir.resolve("worker-" + i));
      // Cores are slots, not CPUs: 2 each leaves room for a cluster-mode driver beside an executor.
      daemons.add(start(workerLog, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
          "--cores", "2", "--memory", "2g", "--work-dir", workDir.toString(), "--webui-port", String.valueOf(freePort()),
          masterUrl));
      awaitLine(daemons.get(i), workerLog, "Successfully registered with master");
    }

    exports = Files.createDirectories(dir.resolve("exports"));
    warehouse = dir.resolve("warehouse");
    SparkSession spark = SparkTestSession.get();
    MiniWorld.writeDay1(new ExportFixture(exports), spark);
    database = SparkTestSession.uniqueDatabase("cluster");
    conf = JobRuns.conf(dir, database);
  }

  @AfterAll
  static void stopCluster() {
    for (Process daemon : daemons) {
      daemon.descendants().forEach(ProcessHandle::destroyForcibly);
      daemon.destroyForcibly();
    }
  }

  @Test
  @Order(1)
  void aNightSubmittedInClusterModeRunsItsDriverOnAWorkerAndWritesTheWarehouse() throws Exception {
    Submission night = submit("cluster", "--run-date", MiniWorld.DAY1);

    assertThat(night.status()).as(night.output()).isZero();
    assertThat(night.output()).contains("is FINISHED, exiting spark-submit JVM");
    assertThat(completedDriverStates()).containsExactly("FINISHED");
    // MiniWorld day 1: accounts a1, a2; the visitor v1 and carol's address not linked to any account yet.
    assertThat(customerKeys()).containsExactly("a1", "a2", "anon:v1", "email:" + Hashing.sha256Hex("carol@prospect.com"));
    assertThat(runStatuses()).containsExactly("succeeded");
  }

  @Test
  @Order(2)
  void theMaintenanceRunInClientModeCompactsOnTheClusterExecutorsAndKeepsEveryRow() throws Exception {
    // Maintenance rewrites every table's files (compaction) on the executors: a write as cheap as a night gets.
    Submission run = submit("client", "--mode", "maintenance", "--run-date", MiniWorld.DAY1);

    assertThat(run.status()).as(run.output()).isZero();
    assertThat(customerKeys()).containsExactly("a1", "a2", "anon:v1", "email:" + Hashing.sha256Hex("carol@prospect.com"));
    assertThat(runStatuses()).containsExactly("succeeded", "succeeded");
    // Both applications ran on the cluster's executors (a local master would not be listed).
    assertThat(completedAppStates()).containsExactly("FINISHED", "FINISHED");
  }

  @Test
  @Order(3)
  void aRefusedNightExitsWithTheJobsStatusThroughSparkSubmitInClientMode() throws Exception {
    // A nightly run for the day before the published night: refused with exit 2 (cli.md), after the session started.
    Submission night = submit("client", "--run-date", DAY_BEFORE);

    assertThat(night.status()).as(night.output()).isEqualTo(2);
    assertThat(night.output()).contains("journey: ", DAY_BEFORE, MiniWorld.DAY1);
  }

  @Test
  @Order(4)
  void aRefusedNightExitsNonZeroInClusterModeThoughSparksClientSaysOnlyFailed() throws Exception {
    Submission night = submit("cluster", "--run-date", DAY_BEFORE);

    assertThat(night.status()).as(night.output()).isEqualTo(1);
    assertThat(night.output()).contains("is FAILED, exiting spark-submit JVM", "ended FAILED");
    assertThat(completedDriverStates()).containsExactly("FINISHED", "FAILED");
    // Nothing was run: the night and the maintenance are still the only runs.
    assertThat(runStatuses()).containsExactly("succeeded", "succeeded");
  }

  private record Submission(int status, String output) {}

  /** scripts/submit.sh with the test's SPARK_HOME, small resources and few shuffle partitions. */
  private static Submission submit(String deployMode, String... jobArgs) throws Exception {
    List<String> command = new ArrayList<>(List.of("bash", ROOT.resolve("scripts/submit.sh").toString(),
        "--master", masterUrl, "--deploy-mode", deployMode, "--spark-submit", sparkHome.resolve("bin/spark-submit").toString(),
        "--driver-memory", "1g", "--executor-memory", "1g", "--num-executors", "2", "--executor-cores", "1",
        "--conf", "spark.sql.shuffle.partitions=4", "--conf", "spark.databricks.delta.snapshotPartitions=4",
        "--conf", "spark.sql.sources.parallelPartitionDiscovery.parallelism=4", "--conf", "spark.ui.enabled=false",
        "--", "--exports", exports.toString(), "--warehouse", warehouse.toString(), "--conf", conf.toString()));
    command.addAll(List.of(jobArgs));
    Path log = Files.createTempFile(dir, "submit-" + deployMode, ".log");
    ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    builder.environment().putAll(environment());
    Process process = builder.start();
    if (!process.waitFor(RUN_TIMEOUT.toMinutes(), TimeUnit.MINUTES)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      throw new AssertionError("spark-submit did not end within " + RUN_TIMEOUT + ":\n" + tail(log));
    }
    return new Submission(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8) + driverLogs());
  }

  /** SPARK_HOME: the distribution's jars (a link), its RELEASE marker and the launcher scripts. */
  private static Path sparkHome(Path home) throws IOException {
    Path jars = ROOT.resolve("jobs/target/spark-home/jars");
    assertThat(jars.resolve("spark-core_2.12-3.5.4.jar")).as("copied by the build at pre-integration-test").exists();
    Files.createDirectories(home.resolve("bin"));
    Files.createDirectories(home.resolve("conf"));
    Files.createSymbolicLink(home.resolve("jars"), jars);
    // With RELEASE, Spark's launcher takes SPARK_HOME/jars as a distribution's (not a source build's).
    Files.writeString(home.resolve("RELEASE"), "Spark 3.5.4 built for Hadoop 3.3.4 (the Maven Central jars)\n");
    for (String file : List.of("bin/spark-class", "bin/spark-submit", "conf/log4j2.properties")) {
      try (InputStream in = StandaloneClusterIT.class.getResourceAsStream("/spark-home/" + file)) {
        Path target = home.resolve(file);
        Files.write(target, in.readAllBytes());
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
      }
    }
    return home;
  }

  private static Map<String, String> environment() {
    return Map.of("SPARK_HOME", sparkHome.toString(), "SPARK_SCALA_VERSION", "2.12", "SPARK_LOCAL_IP", "127.0.0.1",
        "JAVA_HOME", System.getProperty("java.home"), "SPARK_NO_DAEMONIZE", "1");
  }

  private static Process start(Path log, String mainClass, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(sparkHome.resolve("bin/spark-class").toString(), mainClass));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    builder.environment().putAll(environment());
    return builder.start();
  }

  private static void awaitLine(Process daemon, Path log, String text) throws Exception {
    Instant deadline = Instant.now().plus(START_TIMEOUT);
    while (Instant.now().isBefore(deadline) && daemon.isAlive()) {
      if (Files.exists(log) && Files.readString(log, StandardCharsets.UTF_8).contains(text)) {
        return;
      }
      Thread.sleep(250);
    }
    if (Files.readString(log, StandardCharsets.UTF_8).contains(text)) {
      return;
    }
    throw new AssertionError("no '" + text + "' within " + START_TIMEOUT + " in " + log + ":\n" + tail(log));
  }

  private static JsonNode masterState() throws IOException {
    try (InputStream in = URI.create("http://127.0.0.1:" + masterUiPort + "/json/").toURL().openStream()) {
      return new ObjectMapper().readTree(in);
    }
  }

  /** The master's completed drivers (cluster mode), oldest first. */
  private static List<String> completedDriverStates() throws IOException {
    return StreamSupport.stream(masterState().get("completeddrivers").spliterator(), false)
        .sorted((a, b) -> Long.compare(a.get("starttime").asLong(), b.get("starttime").asLong()))
        .map(driver -> driver.get("state").asText()).toList();
  }

  private static List<String> completedAppStates() throws IOException {
    return StreamSupport.stream(masterState().get("completedapps").spliterator(), false)
        .map(app -> app.get("state").asText()).toList();
  }

  private static List<String> customerKeys() {
    return SparkTestSession.get().read().format("delta").load(store("touchpoints")).select("customer_key").distinct()
        .collectAsList().stream().map(row -> row.getString(0)).sorted().toList();
  }

  private static List<String> runStatuses() {
    return SparkTestSession.get().read().format("delta").load(store("pipeline_runs")).orderBy("started_at")
        .select("status").collectAsList().stream().map((Row row) -> row.getString(0)).toList();
  }

  private static String store(String table) {
    return warehouse.resolve(database + "_store.db").resolve(table).toString();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** What cluster-mode drivers printed (they run in the workers' work directories), for failure messages. */
  private static String driverLogs() throws IOException {
    StringBuilder all = new StringBuilder();
    for (int i = 1; i <= 2; i++) {
      try (var drivers = Files.list(dir.resolve("worker-" + i))) {
        for (Path driver : drivers.filter(path -> path.getFileName().toString().startsWith("driver-")).sorted().toList()) {
          all.append("\n--- ").append(driver.getFileName()).append(" stderr (tail):\n").append(tail(driver.resolve("stderr")));
        }
      }
    }
    return all.toString();
  }

  private static String tail(Path log) {
    try {
      String text = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
      return text.substring(Math.max(0, text.length() - 6000));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
