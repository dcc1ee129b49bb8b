package com.journeyanalytics.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.to_json;

import com.journeyanalytics.common.config.InvalidConfigException;
import com.journeyanalytics.common.config.JobConfig;
import com.journeyanalytics.common.delta.TableStore;
import com.journeyanalytics.common.spark.SparkSessions;
import com.journeyanalytics.common.spark.SparkSessions.SessionSettings;
import java.io.File;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * scripts/sql.sh: runs one Spark SQL statement against the warehouse's metastore (current
 * database: the journey database) and prints the result as CSV with a header, nothing else on
 * stdout. Arrays, maps and structs are printed as JSON.
 */
public final class SqlQuery {

  static final String USAGE = "Usage: sql.sh [--warehouse URI] [--conf FILE] [--spark-conf K=V ...] \"SELECT ...\"";

  private SqlQuery() {}

  public static void main(String[] args) {
    System.exit(run(args, System.getenv(), System.out, System.err));
  }

  static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    String warehouse = env.get("JOURNEY_WAREHOUSE");
    String conf = env.get("JOURNEY_CONF");
    Map<String, String> sparkConf = new LinkedHashMap<>();
    String statement = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--help", "-h" -> {
          out.println(USAGE);
          return 0;
        }
        case "--warehouse" -> warehouse = i + 1 < args.length ? args[++i] : null;
        case "--conf" -> conf = i + 1 < args.length ? args[++i] : null;
        case "--spark-conf" -> {
          String pair = i + 1 < args.length ? args[++i] : "";
          int eq = pair.indexOf('=');
          if (eq <= 0) {
            err.println("sql.sh: --spark-conf expects KEY=VALUE");
            return 2;
          }
          sparkConf.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        default -> {
          if (statement != null || args[i].startsWith("--")) {
            err.println("sql.sh: unexpected argument '" + args[i] + "'\n" + USAGE);
            return 2;
          }
          statement = args[i];
        }
      }
    }
    if (statement == null || statement.isBlank()) {
      err.println("sql.sh: no SQL statement given\n" + USAGE);
      return 2;
    }
    JobConfig config;
    try {
      Map<String, String> overrides = new HashMap<>();
      if (warehouse != null) {
        overrides.put("journey.warehouse", warehouse);
      }
      config = JobConfig.load(conf == null ? null : new File(conf), overrides);
    } catch (InvalidConfigException e) {
      err.println("sql.sh: " + e.getMessage());
      return 2;
    }
    Map<String, String> settings = new HashMap<>(config.sparkConf());
    settings.putAll(sparkConf);
    settings.put("spark.ui.enabled", "false");
    SparkSession spark = SparkSessions.getOrCreate(new SessionSettings("journey-sql",
        System.getProperty("spark.master") == null ? "local[2]" : null, TableStore.qualifyLocal(config.warehouse()),
        config.metastoreUris(), config.derbyMetastorePath(), settings));
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
