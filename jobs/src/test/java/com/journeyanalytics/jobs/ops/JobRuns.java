package com.journeyanalytics.jobs.ops;

import com.journeyanalytics.common.delta.TableStore;
import com.journeyanalytics.jobs.JourneyJob;
import com.journeyanalytics.jobs.fixtures.PublishedRelations;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Runs JourneyJob in-process (the shared test session) and compares table contents. */
final class JobRuns {

  private JobRuns() {}

  /** Exit status and what the job printed on stderr. */
  record Result(int status, String err) {}

  /** A --conf file naming the databases; min-rows 1000 keeps rate checks of the tiny fixture at "skipped". */
  static Path conf(Path dir, String database, String... extraHocon) {
    try {
      Path file = Files.createTempFile(dir, database, ".conf");
      Files.writeString(file, "journey { database = " + database + ", staging-database = " + database
          + "_staging, quality.min-rows = 1000 }\n" + String.join("\n", extraHocon) + "\n");
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Result run(String... args) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = JourneyJob.run(args, Map.of(), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(status, err.toString(StandardCharsets.UTF_8));
  }

  static Result run(String exports, String warehouse, Path conf, String... extra) {
    List<String> args = new ArrayList<>(List.of("--exports", exports, "--warehouse", warehouse, "--conf", conf.toString()));
    args.addAll(Arrays.asList(extra));
    return run(args.toArray(new String[0]));
  }

  /** Every row of every table of both stores but pipeline_runs, run_id left out, as sorted JSON lines. */
  static Map<String, List<String>> contentsIgnoringRunId(TableStore tables, TableStore staging) {
    Map<String, List<String>> all = new TreeMap<>();
    for (TableStore store : List.of(tables, staging)) {
      for (String table : store.tableNames()) {
        if (!table.equals("pipeline_runs")) {
          all.put((store == staging ? "staging." : "") + table, PublishedRelations.jsonLines(store.read(table).drop(TableStore.RUN_ID)));
        }
      }
    }
    return all;
  }
}
