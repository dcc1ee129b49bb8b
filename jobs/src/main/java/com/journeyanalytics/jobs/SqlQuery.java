package com.journeyanalytics.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.to_json;

import com.journeyanalytics.common.cli.Cli;
import com.journeyanalytics.common.cli.WarehouseOptions;
import com.journeyanalytics.common.config.InvalidConfigException;
import com.journeyanalytics.common.config.JobConfig;
import com.journeyanalytics.common.spark.SparkSessions;
import java.io.File;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * scripts/sql.sh: runs one Spark SQL statement against the warehouse's metastore (current
 * database: the journey database) and prints the result as CSV with a header, nothing else on
 * stdout. Arrays, maps and structs are printed as JSON.
 */
public final class SqlQuery {

  private SqlQuery() {}

  public static void main(String[] args) {
    System.exit(run(args, System.getenv(), System.out, System.err));
  }

  static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    return Cli.execute(new Command(env, out, err), args, out, err);
  }

  @CommandLine.Command(name = "sql.sh", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
      sortOptions = false,
      description = {"Runs one Spark SQL statement against the warehouse (current database: journey) and prints",
          "the result as CSV with a header on stdout; arrays, maps and structs as JSON.",
          "e.g.  scripts/sql.sh \"SELECT * FROM kpis LIMIT 10\""},
      footer = {"Environment: JOURNEY_WAREHOUSE, JOURNEY_CONF (options win), JOURNEY_DRIVER_MEMORY (default 2g).",
          "Exit status: 0 success, 1 the statement failed, 2 bad usage or configuration."})
  private static final class Command implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    private final Map<String, String> env;
    private final PrintStream out;
    private final PrintStream err;

    @Mixin
    private WarehouseOptions store;

    @Parameters(paramLabel = "STATEMENT", description = "the SQL statement")
    private String statement;

    Command(Map<String, String> env, PrintStream out, PrintStream err) {
      this.env = env;
      this.out = out;
      this.err = err;
    }

    @Override
    public Integer call() {
      if (statement.isBlank()) {
        throw new ParameterException(spec.commandLine(), "no SQL statement given");
      }
      return query(statement, store.warehouse(env), store.conf(env), store.sparkConf(), out, err);
    }
  }

  private static int query(String statement, String warehouse, File conf, Map<String, String> sparkConf,
      PrintStream out, PrintStream err) {
    JobConfig config;
    try {
      Map<String, String> overrides = new HashMap<>();
      if (warehouse != null) {
        overrides.put("journey.warehouse", warehouse);
      }
      config = JobConfig.load(conf, overrides);
    } catch (InvalidConfigException e) {
      err.println("sql.sh: " + e.getMessage());
      return 2;
    }
    SparkSession spark = SparkSessions.forReading("journey-sql", config, sparkConf);
    try {
      if (spark.catalog().databaseExists(config.database())) {
        spark.catalog().setCurrentDatabase(config.database());
      }
      printCsv(spark.sql(statement), out);
      return 0;
    } catch (Exception e) {
      err.println("sql.sh: " + e.getMessage().lines().findFirst().orElse(e.toString()));
      return 1;
    }
  }

  static void printCsv(Dataset<Row> result, PrintStream out) {
    StructType schema = result.schema();
    List<Column> asText = new ArrayList<>();
    for (StructField field : schema.fields()) {
      Column c = col("`" + field.name().replace("`", "``") + "`");
      boolean nested = field.dataType() instanceof ArrayType || field.dataType() instanceof MapType
          || field.dataType() instanceof StructType;
      asText.add((nested ? to_json(c) : c.cast(DataTypes.StringType)).as(field.name()));
    }
    List<String> header = new ArrayList<>();
    for (String name : schema.fieldNames()) {
      header.add(csv(name));
    }
    out.println(String.join(",", header));
    for (Row row : result.select(asText.toArray(new Column[0])).collectAsList()) {
      List<String> cells = new ArrayList<>();
      for (int i = 0; i < row.length(); i++) {
        cells.add(row.isNullAt(i) ? "" : csv(row.getString(i)));
      }
      out.println(String.join(",", cells));
    }
    out.flush();
  }

  static String csv(String value) {
    boolean quote = value.contains(",") || value.contains("\"") || value.contains("\n") || value.contains("\r");
    return quote ? "\"" + value.replace("\"", "\"\"") + "\"" : value;
  }
}
