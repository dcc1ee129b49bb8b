package com.journeyanalytics.jobs.pipeline;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.journeyanalytics.common.Hashing;
import com.journeyanalytics.common.cli.Cli;
import com.journeyanalytics.common.quality.QualityCheck;
import com.journeyanalytics.common.schema.PipelineTables;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps a run completed (ran, and every check passed), recorded in the store after each one, so
 * that the next run of the same night, after that run failed or was killed, resumes after them
 * instead of computing them again.
 *
 * <p>A run resumes after the steps of the record only when all of this holds, else it runs every
 * step: the recorded run is {@code failed} or {@code aborted} in pipeline_runs (a run that
 * succeeded, or was published by its successor, is not resumed); the night is the same (run date,
 * mode, configuration hash, job version and build, and every export file's path, size and
 * modification time); and every table those steps wrote is still at the version it had when the
 * last of them ended. Whatever a later, unfinished step of the failed run left in its own tables
 * is written again by that step, as in any run. Steps communicate only through tables, so a completed step's
 * tables and its results (row counts and checks, messages masked) are all the later steps and the
 * run's records need of it.
 */
public record CompletedSteps(String runId, String runDate, String mode, String configSha256, String appVersion,
    String exportsSha256, List<Done> steps) {

  private static final Logger LOG = LoggerFactory.getLogger(CompletedSteps.class);

  /** The record's file, beside the store's tables (not a table: no reader sees it). */
  static final String FILE = "_journey_completed_steps.json";

  private static final ObjectMapper MAPPER = new ObjectMapper()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /**
   * A completed step: its result, the Delta version of every table when it ended
   * (pipeline_runs.table_versions keys), and the tables it wrote (changed or not).
   */
  public record Done(String step, StepResult result, Map<String, Long> versions, Set<String> written) {}

  /**
   * The build of the running job (jobs/pom.xml writes its time at each build): the project version
   * alone stays the same across rebuilds of a snapshot. Without the file (not built by Maven), one
   * per JVM, so nothing is taken over from another process.
   */
  private static final String BUILD =
      Cli.resourceProperty("/journey-build.properties", "build", "unknown " + UUID.randomUUID());

  /** The night a run computes; a record of the same night is the only one it may resume from. */
  static CompletedSteps startOf(RunContext ctx, String appVersion) {
    return new CompletedSteps(ctx.runId(), ctx.runDate().toString(), ctx.mode().label(), ctx.config().configSha256(),
        appVersion + " built " + BUILD,
        exportsFingerprint(ctx.spark().sparkContext().hadoopConfiguration(), ctx.config().exports()), List.of());
  }

  /**
   * The steps this run ({@code night}, no step done yet) may take over from the record the last run
   * left: a prefix of {@code stepNames}, empty when the record does not apply. {@code current} is
   * the version of every table now.
   */
  static List<Done> resumable(RunContext ctx, CompletedSteps night, List<String> stepNames, Map<String, Long> current) {
    try {
      return takenOver(ctx, night, stepNames, current);
    } catch (RuntimeException e) {
      LOG.warn("the steps an earlier run completed could not be checked ({}): every step runs", e.toString());
      return List.of();
    }
  }

  private static List<Done> takenOver(RunContext ctx, CompletedSteps night, List<String> stepNames,
      Map<String, Long> current) {
    Optional<CompletedSteps> found = read(ctx);
    if (found.isEmpty() || found.get().steps().isEmpty()) {
      return List.of();
    }
    CompletedSteps record = found.get();
    if (!record.runDate().equals(night.runDate()) || !record.mode().equals(night.mode())) {
      // The usual case: the record of the last night.
      return List.of();
    }
    String status = statusOf(ctx, record.runId());
    if (!"failed".equals(status) && !"aborted".equals(status)) {
      return List.of();
    }
    if (!record.sameNightAs(night)) {
      LOG.info("the steps run {} ({}) completed are not taken over: its configuration, job build or export files "
          + "differ from this run's", record.runId(), status);
      return List.of();
    }
    List<Done> taken = new ArrayList<>();
    Set<String> written = new TreeSet<>();
    for (int i = 0; i < record.steps().size() && i < stepNames.size(); i++) {
      Done done = record.steps().get(i);
      if (!done.step().equals(stepNames.get(i))) {
        break;
      }
      written.addAll(done.written());
      if (!written.stream().allMatch(t -> Objects.equals(current.get(t), done.versions().get(t)))) {
        LOG.info("step {} is run again: a table it or an earlier step wrote changed after run {} completed it",
            done.step(), record.runId());
        break;
      }
      taken.add(done);
    }
    if (!taken.isEmpty()) {
      LOG.info("run {} ({}) completed {} of this night: this run takes {} over and starts after",
          record.runId(), status, taken.stream().map(Done::step).toList(), taken.size() == 1 ? "it" : "them");
    }
    return taken;
  }

  private boolean sameNightAs(CompletedSteps other) {
    return configSha256.equals(other.configSha256) && appVersion.equals(other.appVersion)
        && exportsSha256.equals(other.exportsSha256);
  }

  /** This record with one more completed step. */
  CompletedSteps with(Done done) {
    List<Done> all = new ArrayList<>(steps);
    all.add(done);
    return new CompletedSteps(runId, runDate, mode, configSha256, appVersion, exportsSha256, List.copyOf(all));
  }

  /** This run's record holding {@code done} (steps taken over from a failed run count as this run's). */
  CompletedSteps withSteps(List<Done> done) {
    return new CompletedSteps(runId, runDate, mode, configSha256, appVersion, exportsSha256, List.copyOf(done));
  }

  /** The step's result as recorded: check messages may quote data, so they are masked first. */
  static StepResult masked(RunContext ctx, StepResult result) {
    List<QualityCheck> checks = result.checks().stream()
        .map(c -> new QualityCheck(c.dataset(), c.checkName(), c.status(), c.observedValue(), c.threshold(),
            ctx.masking().mask(c.message())))
        .toList();
    return new StepResult(result.writes(), checks, result.inputRows(), result.quarantinedRows(), result.outputRows());
  }

  /**
   * Replaces the record. The record is an optimisation, never a source of data: a run killed while
   * writing it leaves a file that does not parse, which the next run ignores (it runs every step),
   * and a write that fails leaves the record before it, whose steps were completed all the same; so
   * a failure here is only a warning.
   */
  void write(RunContext ctx) {
    Path file = location(ctx);
    try (OutputStream out = file.getFileSystem(hadoop(ctx)).create(file, true)) {
      out.write(MAPPER.writeValueAsBytes(this));
    } catch (IOException | RuntimeException e) {
      LOG.warn("the completed steps could not be recorded in {} ({}): a rerun after a failure of this run may "
          + "compute them again", file, e.toString());
    }
  }

  private static Optional<CompletedSteps> read(RunContext ctx) {
    Path file = location(ctx);
    try (InputStream in = file.getFileSystem(hadoop(ctx)).open(file)) {
      return Optional.of(MAPPER.readValue(in, CompletedSteps.class));
    } catch (FileNotFoundException e) {
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      LOG.warn("the record of completed steps {} cannot be read ({}): every step runs", file, e.toString());
      return Optional.empty();
    }
  }

  private static Path location(RunContext ctx) {
    return new Path(ctx.tables().warehouse() + "/" + ctx.tables().database() + ".db/" + FILE);
  }

  private static Configuration hadoop(RunContext ctx) {
    return ctx.spark().sparkContext().hadoopConfiguration();
  }

  private static String statusOf(RunContext ctx, String runId) {
    if (!ctx.tables().exists(PipelineTables.PIPELINE_RUNS.name())) {
      return null;
    }
    List<Row> rows = ctx.tables().read(PipelineTables.PIPELINE_RUNS.name())
        .where(col("run_id").equalTo(runId)).select("status").collectAsList();
    return rows.size() == 1 ? rows.get(0).getString(0) : null;
  }

  /**
   * SHA-256 over every file under the exports root (path, size, modification time), sorted: a file
   * that arrived, grew or was replaced since makes another night.
   */
  static String exportsFingerprint(Configuration hadoop, String exports) {
    Path root = new Path(exports);
    List<String> lines = new ArrayList<>();
    try {
      FileSystem fs = root.getFileSystem(hadoop);
      if (fs instanceof LocalFileSystem) {
        // listFiles copies each file's permissions, which Hadoop's local file system reads by running
        // a shell command per file: 14 s more per night for 1,620 files. Its plain listings need none.
        listLocal(fs, root, lines);
      } else {
        // An object store lists the whole tree in a few requests.
        RemoteIterator<LocatedFileStatus> files = fs.listFiles(root, true);
        while (files.hasNext()) {
          lines.add(line(files.next()));
        }
      }
    } catch (FileNotFoundException e) {
      // No exports yet: ingest reports it; the empty listing is the night's fingerprint.
    } catch (IOException | RuntimeException e) {
      // Ingest reports what is wrong with the exports; a listing that failed matches no night.
      LOG.warn("the exports under {} could not be listed ({}): no step of an earlier run is taken over", exports,
          e.toString());
      return "unlisted " + UUID.randomUUID();
    }
    lines.sort(null);
    return Hashing.sha256Hex(String.join("\n", lines));
  }

  private static void listLocal(FileSystem fs, Path directory, List<String> lines) throws IOException {
    for (FileStatus status : fs.listStatus(directory)) {
      if (status.isDirectory()) {
        listLocal(fs, status.getPath(), lines);
      } else {
        lines.add(line(status));
      }
    }
  }

  private static String line(FileStatus file) {
    return file.getPath().toUri().getPath() + "\t" + file.getLen() + "\t" + file.getModificationTime();
  }
}
