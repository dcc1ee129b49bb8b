package com.journeyanalytics.jobs.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.journeyanalytics.common.delta.TableStore;
import com.journeyanalytics.common.testing.SparkTestSession;
import com.journeyanalytics.jobs.JourneyJob;
import com.journeyanalytics.jobs.fixtures.ChildJvm;
import com.journeyanalytics.jobs.fixtures.ExportFixture;
import com.journeyanalytics.jobs.fixtures.MiniWorld;
import com.journeyanalytics.jobs.fixtures.PrivacyCorpus;
import com.journeyanalytics.jobs.fixtures.PublishedRelations;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Addresses in every tricky form (PrivacyCorpus) through real nightly runs: none is left in clear
 * in any table of either database, in pipeline_runs, in data_quality, or in the run's log; with a
 * hash key every address hash is the HMAC-SHA256 under it.
 */
class PrivacyRunTest {

  private static final Path ROOT = Paths.get("").toAbsolutePath().getParent();
  private static final String KEY = "privacy-run-test-key-0123456789";

  private final SparkSession spark = SparkTestSession.get();

  @Test
  void withAHashKeyNoAddressIsLeftInClearInTablesErrorsChecksOrTheLogAndEveryHashIsTheKeyedOne(
      @TempDir Path exportsDir, @TempDir Path warehouse, @TempDir Path work) throws Exception {
    String database = SparkTestSession.uniqueDatabase("privacy");
    ExportFixture exports = new ExportFixture(exportsDir);
    Path conf = JobRuns.conf(exportsDir, database);
    PrivacyCorpus.writeDay1(exports, spark);
    PrivacyCorpus.writeDay2(exports, spark);

    Path log = work.resolve("job.log");
    // The nightly runs of both days in one JVM. Day 2 holds the tickets file without a header
    // line: its run fails, naming the file's first row.
    assertThat(runChildJob(exportsDir, warehouse, conf, work, log)).as(Files.readString(log)).isEqualTo(1);
    assertThat(rows(warehouse, database + "_store", "pipeline_runs", "true", "status")).containsExactlyInAnyOrder("succeeded", "failed");

    Map<String, List<String>> tables = everyTableAsJson(warehouse, database);
    assertThat(tables).containsKeys(database + "_store.touchpoints", database + "_store.pipeline_runs", database + "_store.data_quality",
        database + "_store.quarantine", database + "_staging.silver_contacts", database + "_staging.silver_surveys");
    tables.forEach((table, rows) -> assertThat(rows).as(table).noneMatch(PrivacyRunTest::holdsAnAddress));

    String ann = hmac("ann@a1.com");
    String jose = hmac("josé@exämple.de");
    String ivan = hmac("иван@пример.рф");
    String bob = hmac("bob@a2.com");
    // t1 (" Ann@A1.com") was hashed by the night-1 run, t4 ("ann@a1.com") by the night-2 run: one hash.
    assertThat(rows(warehouse, database + "_staging", "silver_touches", "touch_id IN ('t1', 't4')", "email_sha256"))
        .containsExactly(ann, ann);
    assertThat(rows(warehouse, database + "_staging", "silver_contacts", "contact_id = 'c3'", "email_sha256"))
        .containsExactly(jose);
    assertThat(rows(warehouse, database + "_store", "touchpoints", "source_record_id = 't5'",
        "features['landing_page']", "features['utm_campaign']", "email_sha256"))
        .containsExactly("/signup?email=email:" + ann + "&ref=email:" + jose, "spring/email:" + ann, ivan);
    assertThat(rows(warehouse, database + "_staging", "silver_surveys", "response_id = 's2'", "comment"))
        .containsExactly("reach me at email:" + ivan + " or email:" + ann);
    assertThat(rows(warehouse, database + "_store", "quarantine", "raw_record LIKE '%t6%'", "raw_record"))
        .containsExactly("{\"touch_id\":\"t6\",\"email\":\"email:" + hmac("mal@formed.com") + "\",\"channel\":\"email\"");
    assertThat(rows(warehouse, database + "_store", "quarantine", "raw_record LIKE '%t7%'", "reason"))
        .singleElement().asString().startsWith("malformed email in email");
    // The header-less file's first row, masked, in the run's error, its check and the log.
    assertThat(rows(warehouse, database + "_store", "pipeline_runs", "status = 'failed'", "error"))
        .singleElement().asString().contains("is missing required column 'ticket_id'").contains("email:" + bob);
    assertThat(rows(warehouse, database + "_store", "data_quality", "check_name = 'required_columns'", "message"))
        .singleElement().asString().contains("email:" + bob);
    String logText = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(logText).contains("email:" + bob);
    assertThat(logText.toLowerCase(Locale.ROOT)).doesNotContain(PrivacyCorpus.ADDRESSES_AS_WRITTEN);

    // The nights' reports hold none either; the failed night's shows its (masked) error.
    List<String> reports;
    try (Stream<Path> files = Files.list(warehouse.resolve("_reports"))) {
      reports = files.filter(p -> p.toString().endsWith(".html")).sorted().map(p -> {
        try {
          return Files.readString(p, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }).toList();
    }
    assertThat(reports).hasSize(2);
    assertThat(reports.get(1)).contains("status-failed").contains("email:" + bob);
    reports.forEach(report -> assertThat(report.toLowerCase(Locale.ROOT)).doesNotContain(PrivacyCorpus.ADDRESSES_AS_WRITTEN));

    // Derby's log and Hive's scratch folders are under the warehouse, owner-only, not in the temp folder.
    Path local = warehouse.resolve("_local");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(local))).isEqualTo("rwx------");
    assertThat(local.resolve("derby.log")).exists();
    try (Stream<Path> temp = Files.list(work.resolve("tmp"))) {
      assertThat(temp.map(p -> p.getFileName().toString()))
          .noneMatch(name -> name.equals(System.getProperty("user.name")) || name.startsWith("hive")
              || name.endsWith("_resources") || name.equals("derby.log"));
    }
  }

  @Test
  void withoutAHashKeyEveryHashIsAPlainSha256AndDiffersFromTheKeyedOne(@TempDir Path exportsDir, @TempDir Path warehouse)
      throws Exception {
    String database = SparkTestSession.uniqueDatabase("plain");
    PrivacyCorpus.writeDay1(new ExportFixture(exportsDir), spark);

    JobRuns.Result run = JobRuns.run(exportsDir.toString(), warehouse.toString(), JobRuns.conf(exportsDir, database),
        "--run-date", MiniWorld.DAY1);

    assertThat(run.status()).as(run.err()).isZero();
    TableStore staging = new TableStore(spark, warehouse.toString(), database + "_staging");
    // c1: ann@a1.com; c3: José@Exämple.de, normalized to josé@exämple.de (NFC, lower case).
    assertThat(PublishedRelations.jsonLines(staging.read("silver_contacts").where("contact_id IN ('c1', 'c3')")
        .select("contact_id", "email_sha256"))).containsExactly(
            "{\"contact_id\":\"c1\",\"email_sha256\":\"" + sha256("ann@a1.com") + "\"}",
            "{\"contact_id\":\"c3\",\"email_sha256\":\"" + sha256("josé@exämple.de") + "\"}");
    assertThat(sha256("ann@a1.com")).isNotEqualTo(hmac("ann@a1.com"));
    everyTableAsJson(warehouse, database)
        .forEach((table, rows) -> assertThat(rows).as(table).noneMatch(PrivacyRunTest::holdsAnAddress));
  }

  /** An address in any form leaves an "@" or a "%40"; no other value of this corpus has one. */
  private static boolean holdsAnAddress(String json) {
    return json.contains("@") || json.contains("%40");
  }

  /** JourneyJob in a child JVM as scripts/run-local.sh starts it (the product's log configuration, the key in the environment), backfilling both days. */
  private static int runChildJob(Path exports, Path warehouse, Path conf, Path work, Path log)
      throws Exception {
    Files.createDirectories(work.resolve("tmp"));
    List<String> command = new ArrayList<>();
    command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx1g");
    command.addAll(ChildJvm.JAVA_OPENS);
    command.addAll(List.of(
        "-Dlog4j2.configurationFile=" + ROOT.resolve("conf/log4j2-local.properties"),
        "-Djava.io.tmpdir=" + work.resolve("tmp"),
        "-cp", System.getProperty("java.class.path"), JourneyJob.class.getName(),
        "--exports", exports.toString(), "--warehouse", warehouse.toString(), "--conf", conf.toString(),
        "--mode", "backfill", "--from", MiniWorld.DAY1, "--to", MiniWorld.DAY2,
        "--spark-conf", "spark.sql.shuffle.partitions=1", "--spark-conf", "spark.default.parallelism=1"));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().put("JOURNEY_HASH_KEY", KEY);
    Files.writeString(conf, Files.readString(conf) + "journey.spark.local-master = \"local[1]\"\n");
    Process child = builder.start();
    if (!child.waitFor(45, TimeUnit.MINUTES)) {
      child.destroyForcibly();
      throw new AssertionError("the child job did not finish in 45 minutes");
    }
    return child.exitValue();
  }

  /** Every row of every Delta table of both databases, read by path (the child's metastore is its own), as JSON. */
  private Map<String, List<String>> everyTableAsJson(Path warehouse, String database) throws Exception {
    Map<String, List<String>> all = new TreeMap<>();
    for (String db : List.of(database + "_store", database + "_staging")) {
      try (Stream<Path> tables = Files.list(warehouse.resolve(db + ".db"))) {
        for (Path table : tables.filter(t -> Files.isDirectory(t.resolve("_delta_log"))).toList()) {
          all.put(db + "." + table.getFileName(), PublishedRelations.jsonLines(spark.read().format("delta").load(table.toString())));
        }
      }
    }
    return all;
  }

  /** The values of {@code columns} of the rows matching {@code where}, row after row. */
  private List<String> rows(Path warehouse, String db, String table, String where, String... columns) {
    Dataset<Row> rows = spark.read().format("delta").load(warehouse.resolve(db + ".db").resolve(table).toString())
        .where(where).selectExpr(columns);
    List<String> out = new ArrayList<>();
    for (Row row : rows.collectAsList()) {
      for (int i = 0; i < row.size(); i++) {
        out.add(row.isNullAt(i) ? null : row.get(i).toString());
      }
    }
    return out;
  }

  /** HMAC-SHA256 under the test's key, computed here with javax.crypto (the normalized address written by hand). */
  private static String hmac(String normalizedAddress) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(KEY.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(normalizedAddress.getBytes(StandardCharsets.UTF_8)));
  }

  private static String sha256(String normalizedAddress) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(normalizedAddress.getBytes(StandardCharsets.UTF_8)));
  }
}
