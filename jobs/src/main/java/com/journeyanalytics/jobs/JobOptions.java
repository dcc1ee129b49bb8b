package com.journeyanalytics.jobs;

import com.journeyanalytics.jobs.pipeline.RunMode;
import java.io.File;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
    String hashKey,
    boolean help) {

  public static final String USAGE = String.join("\n",
      "Usage: JourneyJob [options]",
      "  --run-date YYYY-MM-DD       export day to process (default: yesterday, UTC)",
      "  --mode MODE                 nightly (default) | backfill | full_refresh | maintenance",
      "  --from YYYY-MM-DD --to YYYY-MM-DD",
      "                              days of a backfill, run in order",
      "  --exports URI               exports root (env JOURNEY_EXPORTS; config journey.exports)",
      "  --warehouse URI             warehouse root (env JOURNEY_WAREHOUSE; config journey.warehouse)",
      "  --conf FILE                 HOCON file layered over the defaults (env JOURNEY_CONF)",
      "  --spark-conf KEY=VALUE      Spark or Hadoop setting for the session (repeatable)",
      "  --help                      this text",
      "Environment: JOURNEY_HASH_KEY, the key of the address hashes (journey.privacy.hash-key).",
      "Exit status: 0 success, 1 the run failed (see pipeline_runs), 2 bad usage or configuration,",
      "             3 another run holds the lock (<warehouse>/_journey_run.lock).");

  /** The environment variable holding journey.privacy.hash-key (a key is never written in a file). */
  public static final String HASH_KEY_ENV = "JOURNEY_HASH_KEY";

  /** Thrown for bad usage; exit status 2. */
  public static final class UsageException extends RuntimeException {
    public UsageException(String message) {
      super(message);
    }
  }

  public static JobOptions parse(List<String> args, Map<String, String> env) {
    RunMode mode = RunMode.NIGHTLY;
    LocalDate runDate = null;
    LocalDate from = null;
    LocalDate to = null;
    String exports = env.get("JOURNEY_EXPORTS");
    String warehouse = env.get("JOURNEY_WAREHOUSE");
    String conf = env.get("JOURNEY_CONF");
    Map<String, String> sparkConf = new LinkedHashMap<>();
    boolean help = false;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      switch (arg) {
        case "--help", "-h" -> help = true;
        case "--run-date" -> runDate = date(arg, value(args, ++i, arg));
        case "--from" -> from = date(arg, value(args, ++i, arg));
        case "--to" -> to = date(arg, value(args, ++i, arg));
        case "--exports" -> exports = value(args, ++i, arg);
        case "--warehouse" -> warehouse = value(args, ++i, arg);
        case "--conf" -> conf = value(args, ++i, arg);
        case "--mode" -> {
          try {
            mode = RunMode.parse(value(args, ++i, arg));
          } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
          }
        }
        case "--spark-conf" -> {
          String pair = value(args, ++i, arg);
          int eq = pair.indexOf('=');
          if (eq <= 0) {
            throw new UsageException("--spark-conf expects KEY=VALUE, got '" + pair + "'");
          }
          sparkConf.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        default -> throw new UsageException("unknown option '" + arg + "'");
      }
    }
    if (mode == RunMode.BACKFILL) {
      if (from == null || to == null) {
        throw new UsageException("--mode backfill needs --from and --to");
      }
      if (to.isBefore(from)) {
        throw new UsageException("--to " + to + " is before --from " + from);
      }
    } else if (from != null || to != null) {
      throw new UsageException("--from and --to go with --mode backfill");
    }
    if (runDate == null) {
      runDate = mode == RunMode.BACKFILL ? to : LocalDate.now(ZoneOffset.UTC).minusDays(1);
    }
    return new JobOptions(mode, runDate, from, to, exports, warehouse, conf == null ? null : new File(conf),
        Map.copyOf(sparkConf), env.get(HASH_KEY_ENV), help);
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
        + ", hashKey=" + (hashKey == null ? "none" : "set") + ", help=" + help + "]";
  }

  /** The run dates, in order: each day of a backfill, else the one run date. */
  public List<LocalDate> runDates() {
    if (mode != RunMode.BACKFILL) {
      return List.of(runDate);
    }
    return from.datesUntil(to.plusDays(1)).toList();
  }

  private static String value(List<String> args, int index, String option) {
    if (index >= args.size()) {
      throw new UsageException(option + " needs a value");
    }
    return args.get(index);
  }

  private static LocalDate date(String option, String text) {
    try {
      return LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      throw new UsageException(option + ": '" + text + "' is not a date YYYY-MM-DD");
    }
  }
}
