package com.journeyanalytics.jobs.report;

import com.journeyanalytics.common.cli.Cli;
import com.journeyanalytics.common.config.InvalidConfigException;
import com.journeyanalytics.common.config.JobConfig;
import com.journeyanalytics.common.delta.TableStore;
import com.journeyanalytics.common.spark.SparkSessions;
import com.journeyanalytics.common.spark.SparkSessions.SessionSettings;
import java.io.File;
import java.io.PrintStream;
import java.io.IOException;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * scripts/report.sh: (re)writes the report of a run date, by default the last run's, to
 * {@code <warehouse>/_reports/<run_date>.html} or {@code --out}, and prints where on stdout.
 * Exit status 0 written, 1 no such run or a failure, 2 bad usage or configuration.
 */
@Command(name = "report.sh", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
    sortOptions = false, usageHelpAutoWidth = true,
    description = "Writes the night's report of a run date (default: the last run) as one self-contained HTML "
        + "page, by default <warehouse>/_reports/<run_date>.html.")
public final class ReportCommand implements Callable<Integer> {

  @Option(names = "--warehouse", paramLabel = "URI", description = "The warehouse (default: configured, env JOURNEY_WAREHOUSE).")
  String warehouse;

  @Option(names = "--run-date", paramLabel = "YYYY-MM-DD", converter = Cli.DateConverter.class, description = "The run date (default: the date of the last run).")
  LocalDate runDate;

  @Option(names = "--out", paramLabel = "FILE", description = "Where to write it, a path or URI (default: <warehouse>/_reports/<run_date>.html).")
  String out;

  @Option(names = "--conf", paramLabel = "FILE", description = "A HOCON file layered over the defaults (env JOURNEY_CONF).")
  File conf;

  @Option(names = "--spark-conf", paramLabel = "KEY=VALUE", description = "A Spark or Hadoop setting, repeatable.")
  Map<String, String> sparkConf = new LinkedHashMap<>();

  private Map<String, String> env = Map.of();
  private PrintStream stdout = System.out;
  private PrintStream stderr = System.err;

  public static void main(String[] args) {
    System.exit(run(args, System.getenv(), System.out, System.err));
  }

  /** Runs the command; returns the exit status. */
  public static int run(String[] args, Map<String, String> env, PrintStream stdout, PrintStream stderr) {
    ReportCommand command = new ReportCommand();
    command.env = env;
    command.stdout = stdout;
    command.stderr = stderr;
    return Cli.execute(command, args, stdout, stderr);
  }

  @Override
  public Integer call() throws IOException {
    Map<String, String> overrides = new HashMap<>();
    String wh = warehouse != null ? warehouse : env.get("JOURNEY_WAREHOUSE");
    if (wh != null) {
      overrides.put("journey.warehouse", wh);
    }
    File confFile = conf != null ? conf : env.get("JOURNEY_CONF") == null ? null : new File(env.get("JOURNEY_CONF"));
    JobConfig config;
    try {
      config = JobConfig.load(confFile, overrides);
    } catch (InvalidConfigException e) {
      stderr.println("report.sh: " + e.getMessage());
      return 2;
    }
    Map<String, String> settings = new HashMap<>(config.sparkConf());
    settings.putAll(sparkConf);
    settings.put("spark.ui.enabled", "false");
    SparkSession spark = SparkSessions.getOrCreate(new SessionSettings("journey-report",
        System.getProperty("spark.master") == null ? "local[2]" : null, TableStore.qualifyLocal(config.warehouse()),
        config.metastoreUris(), config.derbyMetastorePath(), settings));
    TableStore tables = new TableStore(spark, config.warehouse(), config.storeDatabase());
    Optional<String> runId = RunReport.findRun(tables, Optional.ofNullable(runDate));
    if (runId.isEmpty()) {
      stderr.println("report.sh: no run " + (runDate == null ? "" : "for " + runDate + " ") + "in " + tables.warehouse());
      return 1;
    }
    ReportData data = RunReport.gather(spark, config, tables, runId.get(), null);
    Path path = out != null ? new Path(TableStore.qualifyLocal(out))
        : RunReport.reportPath(tables.warehouse(), data.run().runDate());
    RunReport.write(spark.sparkContext().hadoopConfiguration(), path, ReportHtml.render(data));
    stdout.println(path);
    return 0;
  }
}
