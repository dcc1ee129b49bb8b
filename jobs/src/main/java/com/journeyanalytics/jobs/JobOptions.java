package com.journeyanalytics.jobs;

import com.journeyanalytics.common.cli.Cli;
import com.journeyanalytics.common.cli.WarehouseOptions;
import com.journeyanalytics.jobs.pipeline.RunMode;
import java.io.File;
import java.io.PrintStream;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.ToIntFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** The job's command line (see README, "Running the job"), with environment fallbacks. */
public record JobOptions(
    RunMode mode,
    LocalDate runDate,
    LocalDate from,
    LocalDate to,
    String exports,
    String warehouse,
    File confFile,
    Map<String, String> sparkConf,
    String hashKey) {

  /** The environment variable holding journey.privacy.hash-key (a key is never written in a file). */
  public static final String HASH_KEY_ENV = "JOURNEY_HASH_KEY";

  /**
   * Parses {@code args} (environment fallbacks from {@code env}) and hands the options to {@code job},
   * whose result is the exit status; --help and usage errors never reach it (status 0 and 2).
   */
  static int execute(String[] args, Map<String, String> env, PrintStream out, PrintStream err,
      ToIntFunction<JobOptions> job) {
    return Cli.execute(new JobCommand(env, job), args, out, err);
  }

  @Command(name = "journey", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
      sortOptions = false,
      description = {"The customer-journey job: runs the pipeline for export days into the warehouse.",
          "Locally with scripts/run-local.sh (embedded Spark); on a cluster with spark-submit",
          "(scripts/submit.sh)."},
      footer = {"Environment: JOURNEY_EXPORTS, JOURNEY_WAREHOUSE, JOURNEY_CONF (options win);",
          "  JOURNEY_HASH_KEY, the key of the address hashes (journey.privacy.hash-key);",
          "  JOURNEY_DRIVER_MEMORY, the driver heap of scripts/run-local.sh (default 6g).",
          "Exit status: 0 success, 1 the run failed (see pipeline_runs), 2 bad usage or configuration,",
          "  3 another run holds the lock (<warehouse>/_journey_run.lock)."})
  static final class JobCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    private final Map<String, String> env;
    private final ToIntFunction<JobOptions> job;

    @Option(names = "--run-date", paramLabel = "YYYY-MM-DD", converter = Cli.DateConverter.class,
        description = "export day to process (default: yesterday, UTC; a backfill: --to)")
    private LocalDate runDate;

    @Option(names = "--mode", paramLabel = "MODE", converter = ModeConverter.class, defaultValue = "nightly",
        description = "nightly (default) | backfill | full_refresh | maintenance")
    private RunMode mode;

    @Option(names = "--from", paramLabel = "YYYY-MM-DD", converter = Cli.DateConverter.class,
        description = "first day of a backfill (with --to; days run in order)")
    private LocalDate from;

    @Option(names = "--to", paramLabel = "YYYY-MM-DD", converter = Cli.DateConverter.class,
        description = "last day of a backfill")
    private LocalDate to;

    @Option(names = "--exports", paramLabel = "URI",
        description = "exports root (env JOURNEY_EXPORTS; config journey.exports)")
    private String exports;

    @Mixin
    private WarehouseOptions store;

    JobCommand(Map<String, String> env, ToIntFunction<JobOptions> job) {
      this.env = env;
      this.job = job;
    }

    @Override
    public Integer call() {
      return job.applyAsInt(options());
    }

    /** The checks picocli cannot make alone, and the environment fallbacks. */
    private JobOptions options() {
      if (mode == RunMode.BACKFILL) {
        if (from == null || to == null) {
          throw new ParameterException(spec.commandLine(), "--mode backfill needs --from and --to");
        }
        if (to.isBefore(from)) {
          throw new ParameterException(spec.commandLine(), "--to " + to + " is before --from " + from);
        }
      } else if (from != null || to != null) {
        throw new ParameterException(spec.commandLine(), "--from and --to go with --mode backfill");
      }
      Map<String, String> sparkConf = store.sparkConf();
      LocalDate date = runDate != null ? runDate
          : mode == RunMode.BACKFILL ? to : LocalDate.now(ZoneOffset.UTC).minusDays(1);
      return new JobOptions(mode, date, from, to, exports != null ? exports : env.get("JOURNEY_EXPORTS"),
          store.warehouse(env), store.conf(env), sparkConf, env.get(HASH_KEY_ENV));
    }
  }

  /** --mode by its label (RunMode.parse's message names the valid ones). */
  static final class ModeConverter implements ITypeConverter<RunMode> {
    @Override
    public RunMode convert(String value) {
      try {
        return RunMode.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  /** Command-line and environment values as configuration overrides (they win over --conf). */
  public Map<String, String> configOverrides() {
    Map<String, String> overrides = new LinkedHashMap<>();
    if (exports != null) {
      overrides.put("journey.exports", exports);
    }
    if (warehouse != null) {
      overrides.put("journey.warehouse", warehouse);
    }
    if (hashKey != null) {
      overrides.put("journey.privacy.hash-key", hashKey);
    }
    return overrides;
  }

  /** Never prints the hash key. */
  @Override
  public String toString() {
    return "JobOptions[mode=" + mode + ", runDate=" + runDate + ", from=" + from + ", to=" + to + ", exports=" + exports
        + ", warehouse=" + warehouse + ", confFile=" + confFile + ", sparkConf=" + sparkConf
        + ", hashKey=" + (hashKey == null ? "none" : "set") + "]";
  }

  /** The run dates, in order: each day of a backfill, else the one run date. */
  public List<LocalDate> runDates() {
    if (mode != RunMode.BACKFILL) {
      return List.of(runDate);
    }
    return from.datesUntil(to.plusDays(1)).toList();
  }
}
