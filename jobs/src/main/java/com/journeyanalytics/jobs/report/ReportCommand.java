package com.journeyanalytics.jobs.report;

import com.journeyanalytics.common.config.InvalidConfigException;
import com.journeyanalytics.common.config.JobConfig;
import com.journeyanalytics.common.delta.TableStore;
import com.journeyanalytics.common.spark.SparkSessions;
import com.journeyanalytics.common.spark.SparkSessions.SessionSettings;
import java.io.File;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * scripts/report.sh: (re)writes the report of a run date, by default the last run's, to
 * {@code <warehouse>/_reports/<run_date>.html} or {@code --out}, and prints where on stdout.
 * Exit status 0 written, 1 no such run or a failure, 2 bad usage or configuration.
 */
@Command(name = "report.sh", mixinStandardHelpOptions = true, version = "journey-analytics report",
    sortOptions = false, usageHelpAutoWidth = true,
    description = "Writes the night's report of a run date (default: the last run) as one self-contained HTML "
        + "page, by default <warehouse>/_reports/<run_date>.html.")
public final class ReportCommand implements Callable<Integer> {

  @Option(names = "--warehouse", paramLabel = "URI", description = "The warehouse (default: configured, env JOURNEY_WAREHOUSE).")
  String warehouse;

  @Option(names = "--run-date", paramLabel = "YYYY-MM-DD", description = "The run date (default: the date of the last run).")
  LocalDate runDate;

  @Option(names = "--out", paramLabel = "FILE", description = "Where to write it, a path or URI (default: <warehouse>/_reports/<run_date>.html).")
  String out;

  @Option(names = "--conf", paramLabel = "FILE", description = "A HOCON file layered over the defaults (env JOURNEY_CONF).")
  File conf;

  @Option(names = "--spark-conf", paramLabel = "KEY=VALUE", description = "A Spark or Hadoop setting, repeatable.")
  Map<String, String> sparkConf = new LinkedHashMap<>();

  private Map<String, String> env = Map.of();
  private PrintStream stdout = System.out;

  public static void main(String[] args) {
    System.exit(run(args, System.getenv(), System.out, System.err));
  }

  /** Runs the command; returns the exit status. */
  public static int run(String[] args, Map<String, String> env, PrintStream stdout, PrintStream stderr) {
    ReportCommand command = new ReportCommand();
    command.env = env;
    command.stdout = stdout;
    CommandLine cli = new CommandLine(command);
    cli.setOut(new PrintWriter(stdout, true));
    cli.setErr(new PrintWriter(stderr, true));
    cli.setParameterExceptionHandler((e, ignored) -> {
      stderr.println("report.sh: " + e.getMessage().lines().findFirst().orElse("bad usage") + " (see --help)");
      return 2;
    });
    cli.setExecutionExceptionHandler((e, ignored, parsed) -> {
      String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      stderr.println("report.sh: " + message.lines().findFirst().orElse(message));
      return e instanceof InvalidConfigException ? 2 : 1;
    });
    return cli.execute(args);
  }

  @Override
  public Integer call() throws Exception {
    Map<String, String> overrides = new HashMap<>();
    String wh = warehouse != null ? warehouse : env.get("JOURNEY_WAREHOUSE");
    if (wh != null) {
      overrides.put("journey.warehouse", wh);
    }
    File confFile = conf != null ? conf : env.get("JOURNEY_CONF") == null ? null : new File(env.get("JOURNEY_CONF"));
    JobConfig config = JobConfig.load(confFile, overrides);
    Map<String, String> settings = new HashMap<>(config.sparkConf());
    settings.putAll(sparkConf);
    settings.put("spark.ui.enabled", "false");
    SparkSession spark = SparkSessions.getOrCreate(new SessionSettings("journey-report",
        System.getProperty("spark.master") == null ? "local[2]" : null, TableStore.qualifyLocal(config.warehouse()),
        config.metastoreUris(), config.derbyMetastorePath(), settings));
    TableStore tables = new TableStore(spark, config.warehouse(), config.storeDatabase());
    String runId = RunReport.findRun(tables, Optional.ofNullable(runDate)).orElseThrow(() -> new IllegalStateException(
        "no run " + (runDate == null ? "" : "for " + runDate + " ") + "in " + tables.warehouse()));
    ReportData data = RunReport.gather(spark, config, tables, runId, null);
    Path path = out != null ? new Path(TableStore.qualifyLocal(out))
        : RunReport.reportPath(tables.warehouse(), data.run().runDate());
    RunReport.write(spark.sparkContext().hadoopConfiguration(), path, ReportHtml.render(data));
    stdout.println(path);
    return 0;
  }
}
