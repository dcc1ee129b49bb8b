package com.journeyanalytics.jobs;

import com.journeyanalytics.common.cli.Cli;
import com.journeyanalytics.common.config.InvalidConfigException;
import com.journeyanalytics.common.config.JobConfig;
import com.journeyanalytics.common.delta.MovedWarehouse;
import com.journeyanalytics.common.delta.TableStore;
import com.journeyanalytics.common.privacy.EmailMasking;
import com.journeyanalytics.common.spark.SparkSessions;
import com.journeyanalytics.common.spark.SparkSessions.SessionSettings;
import com.journeyanalytics.jobs.attribution.AttributionStep;
import com.journeyanalytics.jobs.ingest.IngestStep;
import com.journeyanalytics.jobs.journeys.JourneyStep;
import com.journeyanalytics.jobs.kpis.KpiStep;
import com.journeyanalytics.jobs.pipeline.MaintenanceStep;
import com.journeyanalytics.jobs.pipeline.Pipeline;
import com.journeyanalytics.jobs.pipeline.Pipeline.RunOutcome;
import com.journeyanalytics.jobs.pipeline.RunContext;
import com.journeyanalytics.jobs.pipeline.RunHistory;
import com.journeyanalytics.jobs.pipeline.RunLock;
import com.journeyanalytics.jobs.pipeline.RunMode;
import com.journeyanalytics.jobs.pipeline.Step;
import com.journeyanalytics.jobs.touchpoints.TouchpointStep;
import java.io.IOException;
import java.io.PrintStream;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The nightly job: parse options, bind the configuration, open the session, run the pipeline
 * for each run date under the warehouse's run lock (earlier missed nights first, see RunHistory).
 * Exit status 0 success, 1 a run failed, 2 bad usage or configuration or a night out of order,
 * 3 another run holds the lock.
 */
public final class JourneyJob {

  private static final Logger LOG = LoggerFactory.getLogger(JourneyJob.class);

  private JourneyJob() {}

  /**
   * Ends like an application under spark-submit should: on success the session is stopped and main
   * returns, so that Spark's launcher (SparkSubmit, the standalone DriverWrapper, YARN's
   * ApplicationMaster) reports the end itself; any other status exits the JVM with it, the one way
   * it reaches spark-submit in client mode and the cluster manager in cluster mode.
   */
  public static void main(String[] args) {
    int status = run(args, System.getenv(), System.err);
    if (SparkSession.getDefaultSession().isDefined()) {
      SparkSession.getDefaultSession().get().stop();
    }
    if (status != 0) {
      System.exit(status);
    }
  }

  public static int run(String[] args, Map<String, String> env, PrintStream err) {
    return run(args, env, System.out, err);
  }

  /** As {@link #run(String[], Map, PrintStream)}, with --help's stdout given (for tests). */
  static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    return JobOptions.execute(args, env, out, err, options -> runJob(options, err));
  }

  private static int runJob(JobOptions options, PrintStream err) {
    JobConfig config;
    try {
      config = JobConfig.load(options.confFile(), options.configOverrides());
    } catch (InvalidConfigException e) {
      err.println("journey: " + e.getMessage());
      return 2;
    }
    // From here on, log lines mask addresses with the run's key (conf/log4j2-local.properties, %maskEmails).
    EmailMasking.useForLogs(config.privacy().masking());
    SparkSession spark = session(config, options);
    TableStore tables = new TableStore(spark, config.warehouse(), config.storeDatabase());
    TableStore staging = new TableStore(spark, config.warehouse(), config.stagingDatabase());
    String firstRunId = newRunId(options.runDates().get(0));
    try (RunLock lock = RunLock.acquire(spark.sparkContext().hadoopConfiguration(), tables.warehouse(), firstRunId,
        config.operations().lockHeartbeatInterval(), config.operations().lockStaleAfter())) {
      // Before anything else: the metastore names this warehouse's folders (it may have been copied or moved),
      // then a run killed inside its publish step is published, other dead runs aborted.
      try {
        MovedWarehouse.adopt(spark, config);
      } catch (MovedWarehouse.ForeignEntriesException e) {
        err.println("journey: " + e.getMessage());
        return 2;
      }
      RunHistory.completeInterruptedPublish(tables, config);
      RunHistory.markDeadRunsAborted(tables, firstRunId);
      List<LocalDate> runDates;
      try {
        runDates = RunHistory.nightsInOrder(tables, config, spark.sparkContext().hadoopConfiguration(), options.mode(),
            options.runDates());
      } catch (RunHistory.OutOfOrderException e) {
        err.println("journey: " + e.getMessage());
        return 2;
      }
      return runAll(spark, config, options, runDates, tables, staging, firstRunId, err);
    } catch (RunLock.HeldException e) {
      err.println("journey: " + e.getMessage());
      return 3;
    }
  }

  /** Runs each date in order (catch-up days first); the first requested date's run carries the lock's run id. */
  private static int runAll(SparkSession spark, JobConfig config, JobOptions options, List<LocalDate> runDates,
      TableStore tables, TableStore staging, String firstRunId, PrintStream err) {
    Pipeline pipeline = new Pipeline(steps(options.mode()), Cli.version());
    for (LocalDate runDate : runDates) {
      String runId = runDate.equals(options.runDates().get(0)) ? firstRunId : newRunId(runDate);
      RunContext ctx = new RunContext(spark, config, runId, runDate, options.mode(), tables, staging);
      RunOutcome outcome = pipeline.run(ctx);
      if (!outcome.succeeded()) {
        err.println("journey: run " + outcome.runId() + " for " + runDate + " failed: " + outcome.error());
        return 1;
      }
    }
    if (config.operations().maintenanceAfterNightly() && options.mode() != RunMode.MAINTENANCE) {
      LocalDate last = runDates.get(runDates.size() - 1);
      RunContext ctx = new RunContext(spark, config, newRunId(last), last, RunMode.MAINTENANCE, tables, staging);
      RunOutcome outcome = new Pipeline(steps(RunMode.MAINTENANCE), Cli.version()).run(ctx);
      if (!outcome.succeeded()) {
        err.println("journey: maintenance run " + outcome.runId() + " failed: " + outcome.error());
        return 1;
      }
    }
    LOG.info("done: {} run(s), peak memory {} MiB", runDates.size(), peakResidentMebibytes());
    return 0;
  }

  /** The process's peak resident set (Linux VmHWM), for the benchmark; -1 where /proc is absent. */
  static long peakResidentMebibytes() {
    try {
      for (String line : java.nio.file.Files.readAllLines(java.nio.file.Paths.get("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  /** The steps of a run of {@code mode}, in order. */
  public static List<Step> steps(RunMode mode) {
    if (mode == RunMode.MAINTENANCE) {
      return List.of(new MaintenanceStep());
    }
    return List.of(new IngestStep(), new TouchpointStep(), new JourneyStep(), new KpiStep(), new AttributionStep());
  }

  private static SparkSession session(JobConfig config, JobOptions options) {
    Map<String, String> sparkConf = new HashMap<>(config.sparkConf());
    sparkConf.putAll(options.sparkConf());
    // spark-submit sets spark.master; run-local.sh and tests do not.
    String master = System.getProperty("spark.master") == null ? config.localMaster() : null;
    if (master != null && master.startsWith("local")) {
      // A local run needs no network interface but loopback, and no web UI (it has kill links and shows
      // query plans with their literal values): --spark-conf spark.ui.enabled=true turns it on, on loopback.
      sparkConf.putIfAbsent("spark.driver.bindAddress", "127.0.0.1");
      sparkConf.putIfAbsent("spark.driver.host", "127.0.0.1");
      sparkConf.putIfAbsent("spark.ui.enabled", "false");
      // Small exports and warehouse: a night is mostly fixed costs (SmallInputSettings); a setting given wins.
      long inputBytes = SmallInputSettings.bytesUnder(List.of(config.exports(), config.warehouse()),
          withHadoopSettings(new Configuration(), sparkConf));
      Map<String, String> small = SmallInputSettings.forInput(inputBytes);
      small.forEach(sparkConf::putIfAbsent);
      if (!small.isEmpty()) {
        LOG.info("small input ({} KiB of exports and warehouse): expressions interpreted, one shuffle partition",
            inputBytes >> 10);
      }
      // One machine: a few shuffle partitions per core instead of the cluster default of 200.
      String partitions = String.valueOf(4 * Runtime.getRuntime().availableProcessors());
      sparkConf.putIfAbsent("spark.sql.shuffle.partitions", partitions);
      sparkConf.putIfAbsent("spark.databricks.delta.snapshotPartitions", partitions);
      // VACUUM lists a table's files with this many tasks: the default 10,000 costs half a minute per table here.
      sparkConf.putIfAbsent("spark.sql.sources.parallelPartitionDiscovery.parallelism", partitions);
    }
    SparkSession spark = SparkSessions.getOrCreate(new SessionSettings(
        "customer-journey-analytics", master, TableStore.qualifyLocal(config.warehouse()), config.metastoreUris(),
        config.derbyMetastorePath(), sparkConf));
    // A session that already existed keeps its Hadoop settings; apply ours to it as well.
    withHadoopSettings(spark.sparkContext().hadoopConfiguration(), sparkConf);
    LOG.info("session ready: master {}, warehouse {}", spark.sparkContext().master(), config.warehouse());
    return spark;
  }

  /** {@code hadoop} with the session's spark.hadoop.* settings (e.g. S3 credentials) set in it. */
  private static Configuration withHadoopSettings(Configuration hadoop, Map<String, String> sparkConf) {
    sparkConf.forEach((key, value) -> {
      if (key.startsWith("spark.hadoop.")) {
        hadoop.set(key.substring("spark.hadoop.".length()), value);
      }
    });
    return hadoop;
  }

  private static String newRunId(LocalDate runDate) {
    String stamp = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").withZone(ZoneOffset.UTC).format(java.time.Instant.now());
    return runDate + "_" + stamp + "_" + UUID.randomUUID().toString().substring(0, 8);
  }
}
