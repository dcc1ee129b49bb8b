package com.journeyanalytics.jobs.report;

import com.journeyanalytics.common.cli.Cli;
import com.journeyanalytics.common.cli.WarehouseOptions;
import com.journeyanalytics.common.config.InvalidConfigException;
import com.journeyanalytics.common.config.JobConfig;
import com.journeyanalytics.common.delta.MovedWarehouse;
import com.journeyanalytics.common.delta.TableStore;
import com.journeyanalytics.common.spark.SparkSessions;
import java.io.IOException;
import java.io.PrintStream;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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

  @Mixin
  private WarehouseOptions store;

  @Option(names = "--run-date", paramLabel = "YYYY-MM-DD", converter = Cli.DateConverter.class, description = "The run date (default: the date of the last run).")
  LocalDate runDate;

  @Option(names = "--out", paramLabel = "FILE", description = "Where to write it, a path or URI (default: <warehouse>/_reports/<run_date>.html).")
  String out;

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
    Map<String, String> sparkConf = store.sparkConf();
    Map<String, String> overrides = new HashMap<>();
    if (store.warehouse(env) != null) {
      overrides.put("journey.warehouse", store.warehouse(env));
    }
    JobConfig config;
    try {
      config = JobConfig.load(store.conf(env), overrides);
    } catch (InvalidConfigException e) {
      stderr.println("report.sh: " + e.getMessage());
      return 2;
    }
    SparkSession spark = SparkSessions.forReading("journey-report", config, sparkConf);
    // A copied or moved warehouse: the views a failed run's report reads would name the old folder.
    MovedWarehouse.adoptForReading(spark, config);
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
