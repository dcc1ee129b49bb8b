package com.journeyanalytics.jobs.ops;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;

import com.journeyanalytics.common.delta.TableStore;
import com.journeyanalytics.jobs.JourneyJob;
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
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

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
          all.put((store == staging ? "staging." : "") + table, jsonLines(store.read(table).drop(TableStore.RUN_ID)));
        }
      }
    }
    return all;
  }

  /**
   * Every relation BI clients read in {@code database} (the pinned views and the BI views; the
   * run log left out, it is not pinned), every column, as sorted JSON lines.
   */
  static Map<String, List<String>> published(SparkSession spark, String database) {
    Map<String, List<String>> all = new TreeMap<>();
    for (Row view : spark.sql("SHOW VIEWS IN `" + database + "`").where("NOT isTemporary").collectAsList()) {
      String name = view.getString(view.fieldIndex("viewName"));
      if (!name.equals("pipeline_runs") && !name.equals("data_quality")) {
        all.put(name, jsonLines(spark.table("`" + database + "`.`" + name + "`")));
      }
    }
    return all;
  }

  static List<String> jsonLines(Dataset<Row> rows) {
    return rows.select(to_json(struct(col("*"))).as("j")).collectAsList().stream()
        .map(r -> r.getString(0)).sorted().collect(Collectors.toList());
  }
}
