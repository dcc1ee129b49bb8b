package com.journeyanalytics.jobs.sample;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes realistic, correlated, slightly dirty sample exports in the input contract's layout
 * (docs/sample-data.md): {@code <out>/<source>/<dataset>/export_date=YYYY-MM-DD/part-NNNNN.*}
 * for --days export days ending at --end-date. Same options, same bytes.
 */
public final class SampleDataGenerator {

  static final String USAGE = String.join("\n",
      "Usage: scripts/generate-sample-data.sh --out DIR [--accounts N] [--days N] [--end-date YYYY-MM-DD]",
      "                                       [--seed N] [--dirt-rate R]",
      "",
      "Writes sample CRM, marketing, support and usage exports in the input contract's layout:",
      "  DIR/<source>/<dataset>/export_date=YYYY-MM-DD/part-NNNNN.<ext>",
      "",
      "  --out DIR              output folder (created; must not already hold exports you want to keep)",
      "  --accounts N           number of customer accounts (default 2000)",
      "  --days N               number of export days ending at --end-date (default 30)",
      "  --end-date YYYY-MM-DD  last export day (default 2026-11-20)",
      "  --seed N               random seed; the same options give the same bytes (default 42)",
      "  --dirt-rate R          share of rows made deliberately dirty, 0 to 1 (default 0.005; 0 disables)",
      "  --help                 print this text");

  /** Rows per part file: several files per day for the big datasets. */
  private static final long ROWS_PER_PART = 1_000_000;

  public record Options(Path out, int accounts, int days, LocalDate endDate, long seed, double dirtRate) {

    public static Options parse(String[] args) {
      Path out = null;
      int accounts = 2000;
      int days = 30;
      LocalDate endDate = LocalDate.of(2026, 11, 20);
      long seed = 42;
      double dirtRate = 0.005;
      for (int i = 0; i < args.length; i++) {
        String name = args[i];
        if (!name.startsWith("--") || name.equals("--help")) {
          throw new IllegalArgumentException("unknown argument " + name);
        }
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(name + " needs a value");
        }
        String value = args[++i];
        try {
          switch (name) {
            case "--out" -> out = Path.of(value);
            case "--accounts" -> accounts = Integer.parseInt(value);
            case "--days" -> days = Integer.parseInt(value);
            case "--end-date" -> endDate = LocalDate.parse(value);
            case "--seed" -> seed = Long.parseLong(value);
            case "--dirt-rate" -> dirtRate = Double.parseDouble(value);
            default -> throw new IllegalArgumentException("unknown option " + name);
          }
        } catch (NumberFormatException | DateTimeParseException e) {
          throw new IllegalArgumentException(name + " has an invalid value: " + value);
        }
      }
      if (out == null) {
        throw new IllegalArgumentException("--out is required");
      }
      if (accounts < 1) {
        throw new IllegalArgumentException("--accounts must be at least 1, got " + accounts);
      }
      if (days < 1 || days > 3650) {
        throw new IllegalArgumentException("--days must be between 1 and 3650, got " + days);
      }
      if (!(dirtRate >= 0 && dirtRate <= 1)) {
        throw new IllegalArgumentException("--dirt-rate must be between 0 and 1, got " + dirtRate);
      }
      return new Options(out, accounts, days, endDate, seed, dirtRate);
    }
  }

  /** What was written: rows per dataset and the dirt injected. */
  public record Summary(Map<SampleDataset, Long> rows, DirtCounts dirt) {}

  private SampleDataGenerator() {}

  public static void main(String[] args) {
    if (args.length == 0 || List.of(args).contains("--help")) {
      System.out.println(USAGE);
      System.exit(args.length == 0 ? 2 : 0);
    }
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("generate-sample-data: " + e.getMessage() + " (see --help)");
      System.exit(2);
      return;
    }
    try {
      long started = System.nanoTime();
      Summary summary = generate(options, System.err);
      printSummary(summary, System.err);
      System.err.printf(Locale.ROOT, "generate-sample-data: done in %.1f s, exports in %s%n",
          (System.nanoTime() - started) / 1e9, options.out());
    } catch (UncheckedIOException e) {
      System.err.println("generate-sample-data: cannot write the exports: " + e.getCause().getMessage());
      System.exit(1);
    } catch (RuntimeException e) {
      System.err.println("generate-sample-data: failed: " + e);
      System.exit(1);
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
        log.printf(Locale.ROOT, "generate-sample-data: export_date=%s written (%d of %d)%n",
            Times.date(day), day - firstDay + 1, o.days());
      }
    }
    return new Summary(rows, dirt);
  }

  static void printSummary(Summary s, PrintStream out) {
    out.println("generate-sample-data: rows written per dataset (all export days):");
    s.rows().forEach((d, n) -> out.printf(Locale.ROOT, "  %-28s %,d%n", d.source() + "/" + d.datasetName(), n));
    out.println("generate-sample-data: deliberate dirt injected (rows):");
    for (DirtKind kind : DirtKind.values()) {
      long n = s.dirt().total(kind);
      out.printf(Locale.ROOT, "  %-22s %,8d  %s%s%n", kind.name().toLowerCase(Locale.ROOT), n, kind.description,
          n == 0 ? "" : " (" + s.dirt().breakdown(kind) + ")");
    }
    out.printf(Locale.ROOT, "  %-22s %,8d%n", "total", s.dirt().total());
  }
}
