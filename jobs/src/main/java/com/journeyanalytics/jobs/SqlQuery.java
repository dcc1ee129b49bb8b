package com.journeyanalytics.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.to_json;

import com.journeyanalytics.common.cli.Cli;
import com.journeyanalytics.common.cli.WarehouseOptions;
import com.journeyanalytics.common.config.InvalidConfigException;
import com.journeyanalytics.common.config.JobConfig;
import com.journeyanalytics.common.delta.MovedWarehouse;
import com.journeyanalytics.common.delta.TableStore;
import com.journeyanalytics.common.spark.SparkSessions;
import com.journeyanalytics.jobs.serving.EndpointAnnouncement;
import java.io.File;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * scripts/sql.sh: runs one Spark SQL statement against the warehouse's metastore (current
 * database: the journey database) and prints the result as CSV with a header, nothing else on
 * stdout. Arrays, maps and structs are printed as JSON.
 *
 * <p>Through a running SQL endpoint when there is one (named by --endpoint or JOURNEY_SQL_ENDPOINT,
 * or announced by scripts/serve-sql.sh for this warehouse: {@link EndpointAnnouncement}), the
 * statement runs there over JDBC and no Spark session starts here: an answer in seconds instead of
 * a session's start-up. Otherwise (or with --local) in a local Spark session.
 */
public final class SqlQuery {

  private SqlQuery() {}

  public static void main(String[] args) {
    System.exit(run(args, System.getenv(), System.out, System.err));
  }

  public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    return Cli.execute(new Command(env, out, err), args, out, err);
  }

  @CommandLine.Command(name = "sql.sh", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
      sortOptions = false,
      description = {"Runs one Spark SQL statement against the warehouse (current database: journey) and prints",
          "the result as CSV with a header on stdout; arrays, maps and structs as JSON.",
          "e.g.  scripts/sql.sh \"SELECT * FROM kpis LIMIT 10\""},
      footer = {"Without --endpoint, --local or --spark-conf, a running scripts/serve-sql.sh of the same warehouse",
          "answers when it needs no password; otherwise a local Spark session does (slower to start).",
          "Environment: JOURNEY_WAREHOUSE, JOURNEY_CONF, JOURNEY_SQL_ENDPOINT, JOURNEY_SQL_USER (options win),",
          "  JOURNEY_SQL_PASSWORD (the endpoint user's password), JOURNEY_DRIVER_MEMORY (default 2g).",
          "Exit status: 0 success, 1 the statement failed, 2 bad usage or configuration."})
  private static final class Command implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    private final Map<String, String> env;
    private final PrintStream out;
    private final PrintStream err;

    @Mixin
    private WarehouseOptions store;

    @Option(names = "--endpoint", paramLabel = "JDBC_URL",
        description = "run the statement on this SQL endpoint, e.g. jdbc:hive2://127.0.0.1:10000/journey "
            + "(env JOURNEY_SQL_ENDPOINT)")
    private String endpoint;

    @Option(names = "--user", paramLabel = "NAME",
        description = "the endpoint's user (env JOURNEY_SQL_USER; password from JOURNEY_SQL_PASSWORD)")
    private String user;

    @Option(names = "--local", description = "always run in a local Spark session, even when an endpoint is up")
    private boolean local;

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
      String url = endpoint != null ? endpoint : env.get("JOURNEY_SQL_ENDPOINT");
      if (url != null && local) {
        throw new ParameterException(spec.commandLine(), "--local and an endpoint (--endpoint, JOURNEY_SQL_ENDPOINT) exclude each other");
      }
      if (url != null && !url.startsWith("jdbc:hive2://")) {
        throw new ParameterException(spec.commandLine(), "--endpoint must be a jdbc:hive2:// URL, got '" + url + "'");
      }
      if (url != null) {
        String name = user != null ? user : env.getOrDefault("JOURNEY_SQL_USER", "");
        return queryEndpoint(statement, url, name, env.getOrDefault("JOURNEY_SQL_PASSWORD", ""), out, err);
      }
      JobConfig config;
      try {
        config = config(store.warehouse(env), store.conf(env));
      } catch (InvalidConfigException e) {
        err.println("sql.sh: " + e.getMessage());
        return 2;
      }
      Map<String, String> sparkConf = store.sparkConf();
      // --spark-conf asks for settings of a session of our own: the endpoint's would ignore them.
      if (!local && sparkConf.isEmpty() && (config.metastoreUris() == null || config.metastoreUris().isBlank())) {
        Optional<String> announced = EndpointAnnouncement.running(
            SparkSessions.localMetastore(TableStore.qualifyLocal(config.warehouse()), config.derbyMetastorePath()));
        if (announced.isPresent()) {
          err.println("sql.sh: through the running SQL endpoint " + announced.get() + " (--local for a local session)");
          return queryEndpoint(statement, announced.get(), "", "", out, err);
        }
      }
      return query(statement, config, sparkConf, out, err);
    }
  }

  private static JobConfig config(String warehouse, File conf) {
    Map<String, String> overrides = new HashMap<>();
    if (warehouse != null) {
      overrides.put("journey.warehouse", warehouse);
    }
    return JobConfig.load(conf, overrides);
  }

  /** Runs {@code statement} on the endpoint at {@code url} over JDBC and prints what it returns as CSV. */
  private static int queryEndpoint(String statement, String url, String user, String password, PrintStream out,
      PrintStream err) {
    try (Connection connection = DriverManager.getConnection(url, user, password);
         Statement jdbc = connection.createStatement()) {
      if (jdbc.execute(statement)) {
        try (ResultSet rows = jdbc.getResultSet()) {
          printCsv(rows, out);
        }
      }
      return 0;
    } catch (SQLException e) {
      String message = e.getMessage() == null ? e.toString() : e.getMessage();
      err.println("sql.sh: " + url + ": " + message.lines().findFirst().orElse(e.toString()));
      return 1;
    }
  }

  private static int query(String statement, JobConfig config, Map<String, String> sparkConf, PrintStream out,
      PrintStream err) {
    SparkSession spark = SparkSessions.forReading("journey-sql", config, sparkConf);
    try {
      // A copied or moved warehouse: its views would read the old folder's tables.
      MovedWarehouse.adoptForReading(spark, config);
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

  public static void printCsv(Dataset<Row> result, PrintStream out) {
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

  /**
   * The same CSV from a JDBC result: the endpoint sends nested values as JSON text, and timestamps
   * lose the ".0" the JDBC driver adds, so both ways print the same lines.
   */
  static void printCsv(ResultSet rows, PrintStream out) throws SQLException {
    ResultSetMetaData meta = rows.getMetaData();
    List<String> header = new ArrayList<>();
    for (int i = 1; i <= meta.getColumnCount(); i++) {
      header.add(csv(meta.getColumnLabel(i)));
    }
    out.println(String.join(",", header));
    while (rows.next()) {
      List<String> cells = new ArrayList<>();
      for (int i = 1; i <= meta.getColumnCount(); i++) {
        String value = rows.getString(i);
        if (value != null && meta.getColumnType(i) == Types.TIMESTAMP) {
          value = withoutTrailingZeros(value);
        }
        cells.add(value == null ? "" : csv(value));
      }
      out.println(String.join(",", cells));
    }
    out.flush();
  }

  /** A JDBC timestamp ({@code 2026-11-20 08:00:00.0}) as Spark prints it: no trailing zeros of the fraction. */
  private static String withoutTrailingZeros(String timestamp) {
    int dot = timestamp.lastIndexOf('.');
    if (dot < 0) {
      return timestamp;
    }
    String fraction = timestamp.substring(dot + 1).replaceAll("0+$", "");
    return fraction.isEmpty() ? timestamp.substring(0, dot) : timestamp.substring(0, dot + 1) + fraction;
  }

  static String csv(String value) {
    boolean quote = value.contains(",") || value.contains("\"") || value.contains("\n") || value.contains("\r");
    return quote ? "\"" + value.replace("\"", "\"\"") + "\"" : value;
  }
}
