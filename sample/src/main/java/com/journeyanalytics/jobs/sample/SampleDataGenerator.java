package com.journeyanalytics.jobs.sample;

import com.journeyanalytics.common.cli.Cli;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.ToIntFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Writes realistic, correlated, slightly dirty sample exports in the input contract's layout
 * (docs/sample-data.md): {@code <out>/<source>/<dataset>/export_date=YYYY-MM-DD/part-NNNNN.*}
 * for --days export days ending at --end-date. Same options, same bytes.
 */
public final class SampleDataGenerator {

  /** Rows per part file: several files per day for the big datasets. */
  private static final long ROWS_PER_PART = 1_000_000;

  /** What to generate. */
  public record Options(Path out, int accounts, int days, LocalDate endDate, long seed, double dirtRate) {}

  @Command(name = "generate-sample-data.sh", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
      sortOptions = false,
      description = {"Writes sample CRM, marketing, support and usage exports in the input contract's layout:",
          "  DIR/<source>/<dataset>/export_date=YYYY-MM-DD/part-NNNNN.<ext>",
          "The same options give the same bytes. See docs/sample-data.md."},
      footer = "Exit status: 0 written, 1 the exports could not be written, 2 bad usage.")
  private static final class GenerateCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    private final ToIntFunction<Options> generator;

    @Option(names = "--out", paramLabel = "DIR", required = true,
        description = "output folder (created; part files of the days written are replaced)")
    private Path out;

    @Option(names = "--accounts", paramLabel = "N", defaultValue = "2000",
        description = "number of customer accounts (default ${DEFAULT-VALUE})")
    private int accounts;

    @Option(names = "--days", paramLabel = "N", defaultValue = "30",
        description = "number of export days ending at --end-date, 1 to 3650 (default ${DEFAULT-VALUE})")
    private int days;

    @Option(names = "--end-date", paramLabel = "YYYY-MM-DD", defaultValue = "2026-11-20",
        converter = Cli.DateConverter.class, description = "last export day (default ${DEFAULT-VALUE})")
    private LocalDate endDate;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42",
        description = "random seed; the same options give the same bytes (default ${DEFAULT-VALUE})")
    private long seed;

    @Option(names = "--dirt-rate", paramLabel = "R", defaultValue = "0.005",
        description = "share of rows made deliberately dirty, 0 to 1 (default ${DEFAULT-VALUE}; 0 disables)")
    private double dirtRate;

    GenerateCommand(ToIntFunction<Options> generator) {
      this.generator = generator;
    }

    @Override
    public Integer call() {
      return generator.applyAsInt(options());
    }

    /** The ranges picocli cannot check alone. */
    private Options options() {
      if (accounts < 1) {
        throw usage("--accounts must be at least 1, got " + accounts);
      }
      if (days < 1 || days > 3650) {
        throw usage("--days must be between 1 and 3650, got " + days);
      }
      if (!(dirtRate >= 0 && dirtRate <= 1)) {
        throw usage("--dirt-rate must be between 0 and 1, got " + dirtRate);
      }
      return new Options(out, accounts, days, endDate, seed, dirtRate);
    }

    private ParameterException usage(String message) {
      return new ParameterException(spec.commandLine(), message);
    }
  }

  /** What was written: rows per dataset and the dirt injected. */
  public record Summary(Map<SampleDataset, Long> rows, DirtCounts dirt) {}

  private SampleDataGenerator() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Usage on {@code out}; progress, the summary and errors on {@code err}. Returns the exit status. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    return execute(args, out, err, options -> write(options, err));
  }

  /** Parses {@code args} and hands the options to {@code generator}; --help and usage errors never reach it. */
  static int execute(String[] args, PrintStream out, PrintStream err, ToIntFunction<Options> generator) {
    return Cli.execute(new GenerateCommand(generator), args, out, err);
  }

  private static int write(Options options, PrintStream err) {
    try {
      long started = System.nanoTime();
      Summary summary = generate(options, err);
      printSummary(summary, err);
      err.printf(Locale.ROOT, "generate-sample-data.sh: done in %.1f s, exports in %s%n",
          (System.nanoTime() - started) / 1e9, options.out());
      return 0;
    } catch (UncheckedIOException e) {
      err.println("generate-sample-data.sh: cannot write the exports: " + e.getCause().getMessage());
      return 1;
    } catch (RuntimeException e) {
      err.println("generate-sample-data.sh: failed: " + e);
      return 1;
    }
  }

  /** Generates every export day in order; progress lines go to {@code log} (null for none). */
  public static Summary generate(Options o, PrintStream log) {
    long endDay = o.endDate().toEpochDay();
    long firstDay = endDay - o.days() + 1;
    SampleWorld world = new SampleWorld(o.seed(), o.accounts(), firstDay, endDay);
    DirtCounts dirt = new DirtCounts();
    Map<SampleDataset, Long> rows = new EnumMap<>(SampleDataset.class);
    Map<SampleDataset, List<String[]>> duplicates = new EnumMap<>(SampleDataset.class);
    for (long day = firstDay; day <= endDay; day++) {
      ExportSink[] sinks = new ExportSink[SampleDataset.values().length];
      for (SampleDataset d : SampleDataset.values()) {
        sinks[d.ordinal()] = new ExportSink(o.out(), d, day, o.seed(), o.dirtRate(), dirt, ROWS_PER_PART);
        sinks[d.ordinal()].writeDuplicates(duplicates.getOrDefault(d, List.of()));
      }
      world.writeDay(day, (dataset, row) -> sinks[dataset.ordinal()].write(row));
      for (SampleDataset d : SampleDataset.values()) {
        ExportSink sink = sinks[d.ordinal()];
        sink.close();
        rows.merge(d, sink.rows(), Long::sum);
        duplicates.put(d, new ArrayList<>(sink.heldDuplicates()));
      }
      if (log != null && (day == firstDay || day == endDay || (day - firstDay) % 30 == 0)) {
        log.printf(Locale.ROOT, "generate-sample-data.sh: export_date=%s written (%d of %d)%n",
            Times.date(day), day - firstDay + 1, o.days());
      }
    }
    return new Summary(rows, dirt);
  }

  static void printSummary(Summary s, PrintStream out) {
    out.println("generate-sample-data.sh: rows written per dataset (all export days):");
    s.rows().forEach((d, n) -> out.printf(Locale.ROOT, "  %-28s %,d%n", d.source() + "/" + d.datasetName(), n));
    out.println("generate-sample-data.sh: deliberate dirt injected (rows):");
    for (DirtKind kind : DirtKind.values()) {
      long n = s.dirt().total(kind);
      out.printf(Locale.ROOT, "  %-22s %,8d  %s%s%n", kind.name().toLowerCase(Locale.ROOT), n, kind.description,
          n == 0 ? "" : " (" + s.dirt().breakdown(kind) + ")");
    }
    out.printf(Locale.ROOT, "  %-22s %,8d%n", "total", s.dirt().total());
  }
}
