package com.journeyanalytics.jobs.ops;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;

import com.journeyanalytics.common.delta.TableStore;
import com.journeyanalytics.common.schema.InputContract;
import com.journeyanalytics.common.testing.SparkTestSession;
import com.journeyanalytics.jobs.fixtures.PublishedRelations;
import com.journeyanalytics.jobs.journeys.SubjectFacts;
import com.journeyanalytics.jobs.sample.DirtKind;
import com.journeyanalytics.jobs.touchpoints.TouchpointStep;
import com.journeyanalytics.jobs.sample.SampleDataGenerator;
import com.journeyanalytics.jobs.sample.SampleDataGenerator.Options;
import com.journeyanalytics.jobs.sample.SampleDataGenerator.Summary;
import io.delta.tables.DeltaTable;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quick start in small, on one warehouse: a generated sample (dirt included), a full refresh
 * up to the day before the last export, the nightly run of the last day; then an audit by time
 * travel and, last, maintenance.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GeneratedSampleRunTest {

  private static final SparkSession SPARK = SparkTestSession.get();

  @TempDir
  static Path dir;

  private static Path exports;
  private static String warehouse;
  private static Path conf;
  private static TableStore tables;
  private static TableStore staging;
  private static List<String> touchpointsAfterFullRefresh;
  /** The touch_id of the touch of 2026-11-19 that comes in the 2026-11-20 export instead. */
  private static String lateTouch;
  /** The churned account that converts again on 2026-11-20. */
  private static String comeback;
  private static Summary sample;
  /** The generator's dirt that makes a row unusable; the rest (odd emails, offsets, unknown enums, ...) is repaired or kept. */
  private static final List<DirtKind> UNUSABLE = List.of(DirtKind.MALFORMED_LINE, DirtKind.UNPARSEABLE_TIMESTAMP,
      DirtKind.MISSING_REQUIRED, DirtKind.SCORE_OUT_OF_RANGE);

  @BeforeAll
  static void runTheSample() {
    exports = dir.resolve("exports");
    warehouse = dir.resolve("warehouse").toString();
    sample = SampleDataGenerator.generate(new Options(exports, 40, 4, LocalDate.of(2026, 11, 20), 7, 0.005), null);
    lateTouch = reportOneTouchLate(LocalDate.of(2026, 11, 19));
    comeback = comeBackOn(LocalDate.of(2026, 11, 20));
    String database = SparkTestSession.uniqueDatabase("sample");
    tables = new TableStore(SPARK, warehouse, database + "_store");
    staging = new TableStore(SPARK, warehouse, database + "_staging");
    // The nightly run finds the customers it changed however small the table: that is what it checks.
    conf = JobRuns.conf(dir, database, "journey.touchpoints.find-changed-customers-above = 0");

    JobRuns.Result refresh = JobRuns.run(exports.toString(), warehouse, conf, "--mode", "full_refresh", "--run-date", "2026-11-19");
    assertThat(refresh.status()).as(refresh.err()).isZero();
    touchpointsAfterFullRefresh = PublishedRelations.jsonLines(tables.read("touchpoints"));
    JobRuns.Result nightly = JobRuns.run(exports.toString(), warehouse, conf, "--run-date", "2026-11-20");
    assertThat(nightly.status()).as(nightly.err()).isZero();
  }

  @Test
  @Order(1)
  void touchpointsComeFromAllFourSourcesAndAnAccountsTouchpointsCarryItsAccountIdAsCustomerKey() {
    tables.read("touchpoints").createOrReplaceTempView("sample_touchpoints");
    assertThat(PublishedRelations.jsonLines(SPARK.sql("SELECT DISTINCT source FROM sample_touchpoints")))
        .containsExactly("{\"source\":\"crm\"}", "{\"source\":\"marketing\"}", "{\"source\":\"support\"}", "{\"source\":\"usage\"}");
    assertThat(SPARK.sql("SELECT * FROM sample_touchpoints WHERE account_id IS NOT NULL AND customer_key <> account_id"
        + " OR customer_kind = 'account' AND account_id IS NULL").count()).isZero();
    assertThat(SPARK.sql("SELECT touchpoint_id FROM sample_touchpoints GROUP BY touchpoint_id HAVING count(*) > 1").count())
        .as("touchpoint ids occurring more than once").isZero();
  }

  /**
   * Each run's counts per dataset, each against a number the job did not compute: rows read = the
   * data lines (Parquet rows) of the export files the run read (a snapshot: its newest day; an
   * increment: every day up to the run date on a full refresh, the run date's on a nightly run);
   * quarantined = the run's rows in the quarantine table; accepted = the rows the run wrote to the
   * silver table (at the version pipeline_runs records), so the duplicates removed are what is
   * left. The two runs read every export day once, so over both, each dataset's quarantined rows
   * are exactly the rows the generator made unusable.
   */
  @Test
  @Order(2)
  void everyDatasetsInputRowsAreAcceptedQuarantinedOrRemovedAsDuplicatesOnBothRuns() throws IOException {
    List<Row> runs = SPARK.sql("SELECT run_id, run_date, mode, input_rows, quarantined_rows, output_rows, table_versions FROM "
        + tables.qualifiedName("pipeline_runs")).collectAsList();
    assertThat(runs).hasSize(2);
    Map<String, Long> quarantinedOverBothRuns = new TreeMap<>();
    for (Row run : runs) {
      String runId = run.getString(0);
      LocalDate runDate = run.getDate(1).toLocalDate();
      boolean fullRefresh = run.getString(2).equals("full_refresh");
      Map<String, Long> input = run.getJavaMap(3);
      Map<String, Long> quarantined = run.getJavaMap(4);
      Map<String, Long> output = run.getJavaMap(5);
      Map<String, Long> versions = run.getJavaMap(6);
      assertThat(input.keySet()).containsExactlyInAnyOrderElementsOf(
          InputContract.ALL.stream().map(InputContract.Dataset::name).toList());
      for (InputContract.Dataset dataset : InputContract.ALL) {
        String name = dataset.name();
        String what = name + " on " + runDate;
        boolean snapshot = dataset.kind() == InputContract.Kind.SNAPSHOT;
        long read = exportRows(dataset, snapshot || !fullRefresh ? runDate : LocalDate.MIN, runDate);
        long rejected = SPARK.read().format("delta").load(tables.location("quarantine"))
            .where(col("run_id").equalTo(runId).and(col("dataset").equalTo(name))).count();
        String silver = dataset.silver().name();
        Dataset<Row> written = SPARK.read().format("delta")
            .option("versionAsOf", versions.get(staging.database() + "." + silver)).load(staging.location(silver));
        // A full refresh and a snapshot replace the table; a nightly increment merges, and every row
        // it brings is new or newer (a changed record, a re-export with a newer updated_at).
        long accepted = fullRefresh || snapshot ? written.count() : written.where(col("run_id").equalTo(runId)).count();

        assertThat(input.get(name)).as("rows read of " + what).isEqualTo(read);
        assertThat(quarantined.get(name)).as("quarantined of " + what).isEqualTo(rejected);
        assertThat(output.get(name + ".accepted")).as("accepted of " + what).isEqualTo(accepted);
        assertThat(output.get(name + ".duplicates_removed")).as("duplicates of " + what).isEqualTo(read - rejected - accepted);
        quarantinedOverBothRuns.merge(name, rejected, Long::sum);
      }
    }
    Map<String, Long> unusable = new TreeMap<>();
    for (InputContract.Dataset dataset : InputContract.ALL) {
      unusable.put(dataset.name(), UNUSABLE.stream().mapToLong(kind -> sample.dirt().count(dataset.name(), kind)).sum());
    }
    assertThat(quarantinedOverBothRuns).isEqualTo(unusable);
  }

  /** Data rows of a dataset's export files of the days [from, to]: lines less a CSV header, or Parquet rows. */
  private static long exportRows(InputContract.Dataset dataset, LocalDate from, LocalDate to) throws IOException {
    long rows = 0;
    try (Stream<Path> days = Files.list(exports.resolve(dataset.source()).resolve(dataset.name()))) {
      for (Path day : days.toList()) {
        LocalDate date = LocalDate.parse(day.getFileName().toString().substring("export_date=".length()));
        if (date.isBefore(from) || date.isAfter(to)) {
          continue;
        }
        try (Stream<Path> files = Files.list(day)) {
          for (Path file : files.toList()) {
            String f = file.getFileName().toString();
            if (f.endsWith(".parquet")) {
              rows += SPARK.read().parquet(file.toString()).count();
            } else {
              InputStream in = Files.newInputStream(file);
              try (BufferedReader lines = new BufferedReader(new InputStreamReader(
                  f.endsWith(".gz") ? new GZIPInputStream(in) : in, StandardCharsets.UTF_8))) {
                rows += lines.lines().count() - (f.contains(".csv") ? 1 : 0);
              }
            }
          }
        }
      }
    }
    return rows;
  }

  /**
   * A nightly run on top of the day before gives, table for table and row for row, what a full
   * refresh of the same day gives on an empty warehouse; only the run logs differ (which run read
   * which export days, what each run compared itself with). The night has to handle back-stitching
   * (visitors who identified themselves on the night), late data (the touch of the day before that
   * came in the night's export) and comebacks (one on the night, its churn only in earlier
   * snapshots), which the sample holds (asserted first, so the equality is not reached on a sample
   * that lacks them).
   */
  @Test
  @Order(3)
  void aNightlyRunOnTopOfTheDayBeforeWritesExactlyWhatAFullRefreshOfTheSameDayWrites() {
    Dataset<Row> before = SPARK.read().json(SPARK.createDataset(touchpointsAfterFullRefresh, Encoders.STRING()));
    Dataset<Row> after = tables.read("touchpoints");
    assertThat(after.as("n").join(before.as("b"), col("n.touchpoint_id").equalTo(col("b.touchpoint_id")), "inner")
        .where(col("n.customer_key").notEqual(col("b.customer_key"))).count())
        .as("touchpoints back-stitched on the night").isPositive();
    assertThat(after.as("n").join(before.as("b"), col("n.touchpoint_id").equalTo(col("b.touchpoint_id")), "left_anti")
        .where(col("n.event_date").lt(lit(Date.valueOf("2026-11-20")))).select("source_record_id").as(Encoders.STRING())
        .collectAsList()).as("touchpoints about earlier days first seen on the night").contains(lateTouch);
    assertThat(tables.read("customer_journeys").where(col("reactivations").gt(0)).select("customer_key")
        .as(Encoders.STRING()).collectAsList()).as("customers with a comeback").contains(comeback);
    // The night recomputed only the customers it changed, not everyone (which would make the equality trivial).
    String note = DeltaTable.forPath(SPARK, tables.location("touchpoints")).history()
        .where(col("userMetadata").startsWith(TouchpointStep.INCREMENTAL_NOTE)).select("userMetadata")
        .as(Encoders.STRING()).first();
    long recomputed = Long.parseLong(note.substring(TouchpointStep.INCREMENTAL_NOTE.length()).split(" ")[0]);
    assertThat(recomputed).as(note).isPositive()
        .isLessThan(after.select("customer_key").distinct().count());
    // And the journeys' facts of only the subjects whose touchpoints changed.
    String factsNote = DeltaTable.forPath(SPARK, staging.location(SubjectFacts.SPEC.name())).history()
        .where(col("userMetadata").startsWith(SubjectFacts.INCREMENTAL_NOTE)).select("userMetadata")
        .as(Encoders.STRING()).first();
    long factsRecomputed = Long.parseLong(factsNote.substring(SubjectFacts.INCREMENTAL_NOTE.length()).split(" ")[0]);
    assertThat(factsRecomputed).as(factsNote).isPositive().isLessThanOrEqualTo(recomputed);

    String database = SparkTestSession.uniqueDatabase("refreshed");
    Path refreshedConf = JobRuns.conf(dir, database);
    String refreshedWarehouse = dir.resolve("refreshed-warehouse").toString();
    JobRuns.Result refresh = JobRuns.run(exports.toString(), refreshedWarehouse, refreshedConf,
        "--mode", "full_refresh", "--run-date", "2026-11-20");
    assertThat(refresh.status()).as(refresh.err()).isZero();

    assertThat(withoutRunLogs(JobRuns.contentsIgnoringRunId(
        new TableStore(SPARK, refreshedWarehouse, database + "_store"),
        new TableStore(SPARK, refreshedWarehouse, database + "_staging"))))
        .isEqualTo(withoutRunLogs(JobRuns.contentsIgnoringRunId(tables, staging)));
  }

  /**
   * Late data: the ad platform left one touch of {@code day} out of that day's export and sent it
   * in the next day's, as a part file of its own. Returns its touch_id.
   */
  private static String reportOneTouchLate(LocalDate day) {
    Path touches = exports.resolve("marketing").resolve("touches");
    Path dayFile = touches.resolve("export_date=" + day).resolve("part-00000.jsonl.gz");
    Path nextDayFile = touches.resolve("export_date=" + day.plusDays(1)).resolve("part-late.jsonl.gz");
    try {
      List<String> lines = readGzipLines(dayFile);
      String late = lines.stream().filter(l -> l.contains("\"occurred_at\":\"" + day + "T")).findFirst()
          .orElseThrow(() -> new AssertionError("no touch of " + day + " in " + dayFile));
      lines.remove(late);
      writeGzipLines(dayFile, lines);
      writeGzipLines(nextDayFile, List.of(late));
      return SPARK.read().json(SPARK.createDataset(List.of(late), Encoders.STRING())).first().getAs("touch_id");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A comeback on the night: the first account churned in the snapshot of the day before converts
   * again on {@code day}, and the CRM overwrites its milestones (converted_at the new conversion,
   * churned_at emptied), so only the earlier snapshots remember the churn. Returns its account_id.
   */
  private static String comeBackOn(LocalDate day) {
    Path accounts = exports.resolve("crm").resolve("accounts");
    String churned = SPARK.read().option("header", "true").csv(accounts.resolve("export_date=" + day.minusDays(1)).toString())
        .where(col("churned_at").isNotNull()).orderBy("account_id").select("account_id").as(Encoders.STRING()).first();
    Path snapshot = accounts.resolve("export_date=" + day).resolve("part-00000.csv.gz");
    try {
      List<String> lines = readGzipLines(snapshot);
      int row = lines.stream().filter(l -> l.startsWith(churned + ",")).findFirst().map(lines::indexOf)
          .orElseThrow(() -> new AssertionError(churned + " is not in " + snapshot));
      // The last four columns are trial_started_at, converted_at, churned_at, updated_at: timestamps, no commas.
      String line = lines.get(row);
      int updated = line.lastIndexOf(',');
      int churnedAt = line.lastIndexOf(',', updated - 1);
      int convertedAt = line.lastIndexOf(',', churnedAt - 1);
      String at = day + "T09:00:00Z";
      lines.set(row, line.substring(0, convertedAt) + "," + at + ",," + at);
      writeGzipLines(snapshot, lines);
      return churned;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> readGzipLines(Path file) throws IOException {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(
        new GZIPInputStream(Files.newInputStream(file)), StandardCharsets.UTF_8))) {
      return new ArrayList<>(in.lines().toList());
    }
  }

  private static void writeGzipLines(Path file, List<String> lines) throws IOException {
    try (Writer out = new OutputStreamWriter(new GZIPOutputStream(Files.newOutputStream(file)),
        StandardCharsets.UTF_8)) {
      for (String line : lines) {
        out.write(line);
        out.write('\n');
      }
    }
  }

  /** Leaves out what a run logs about itself: its checks, its rejected rows (with their run date), its KPI changes. */
  private static Map<String, List<String>> withoutRunLogs(Map<String, List<String>> contents) {
    Map<String, List<String>> kept = new TreeMap<>(contents);
    kept.keySet().removeAll(List.of("data_quality", "quarantine", "kpi_changes"));
    return kept;
  }

  @Test
  @Order(4)
  void aPastRunsTouchpointsAreReadableAtTheVersionItsPipelineRunsRowRecords() {
    assertThat(PublishedRelations.jsonLines(tables.read("touchpoints"))).isNotEqualTo(touchpointsAfterFullRefresh);

    assertThat(PublishedRelations.jsonLines(SPARK.sql(asOfFullRefresh()))).isEqualTo(touchpointsAfterFullRefresh);
  }

  @Test
  @Order(5)
  void maintenanceCompactsTouchpointsToOneFilePerDayWithoutChangingARowOrTheAudit() {
    // The nightly sync wrote its changed rows into new files next to the full refresh's one per day;
    // silver_events holds one file per writing task plus what the nightly merge added.
    long eventDates = tables.read("touchpoints").select("event_date").distinct().count();
    long touchpointFilesBefore = files(tables, "touchpoints");
    long silverFilesBefore = files(staging, "silver_events");
    assertThat(touchpointFilesBefore).isGreaterThan(eventDates);
    assertThat(silverFilesBefore).isGreaterThan(1);
    Map<String, List<String>> contents = JobRuns.contentsIgnoringRunId(tables, staging);
    long versionBefore = tables.version("touchpoints");

    JobRuns.Result maintenance = JobRuns.run(exports.toString(), warehouse, conf, "--mode", "maintenance", "--run-date", "2026-11-20");

    assertThat(maintenance.status()).as(maintenance.err()).isZero();
    assertThat(files(tables, "touchpoints")).isEqualTo(eventDates);
    assertThat(files(staging, "silver_events")).isEqualTo(1);
    assertThat(JobRuns.contentsIgnoringRunId(tables, staging)).isEqualTo(contents);
    Row run = SPARK.sql("SELECT status, output_rows FROM " + tables.qualifiedName("pipeline_runs")
        + " WHERE mode = 'maintenance'").first();
    assertThat(run.getString(0)).isEqualTo("succeeded");
    assertThat(run.<String, Long>getJavaMap(1))
        .containsEntry("touchpoints.files_before", touchpointFilesBefore)
        .containsEntry("touchpoints.files_after", eventDates)
        .containsEntry(staging.database() + ".silver_events.files_before", silverFilesBefore)
        .containsEntry(staging.database() + ".silver_events.files_after", 1L)
        .containsKeys("touchpoints.bytes_before", "touchpoints.bytes_after");
    // The compaction of the days the nightly merge added files to, the purge of the rows still marked
    // deleted in a day it only deleted from (one file, which compaction leaves), then the vacuum.
    assertThat(DeltaTable.forPath(SPARK, tables.location("touchpoints")).history()
        .where(col("version").gt(versionBefore)).select("operation").as(Encoders.STRING()).collectAsList())
        .containsExactlyInAnyOrder("OPTIMIZE", "REORG", "VACUUM START", "VACUUM END");
    // VACUUM keeps 7 days of history, so the audit still reads what the full refresh wrote.
    assertThat(PublishedRelations.jsonLines(SPARK.sql(asOfFullRefresh()))).isEqualTo(touchpointsAfterFullRefresh);
  }

  private static String asOfFullRefresh() {
    long version = SPARK.sql("SELECT table_versions['touchpoints'] FROM " + tables.qualifiedName("pipeline_runs")
        + " WHERE mode = 'full_refresh'").first().getLong(0);
    return "SELECT * FROM " + tables.qualifiedName("touchpoints") + " VERSION AS OF " + version;
  }

  private static long files(TableStore store, String table) {
    return DeltaTable.forPath(SPARK, store.location(table)).detail().select("numFiles").first().getLong(0);
  }
}
