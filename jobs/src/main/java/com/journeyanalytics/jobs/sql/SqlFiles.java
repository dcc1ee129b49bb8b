package com.journeyanalytics.jobs.sql;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The one runner of the SQL files under src/main/resources/sql/&lt;step&gt;/. A file is a single
 * query that declares what it reads as parameters: a relation as {@code IDENTIFIER(:name)}, a
 * value as {@code :name}. Values are bound, never concatenated.
 */
public final class SqlFiles {

  private static final AtomicLong VIEWS = new AtomicLong();

  private SqlFiles() {}

  public static String load(String resource) {
    try (InputStream in = SqlFiles.class.getResourceAsStream("/sql/" + resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no SQL file sql/" + resource + " on the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Runs {@code resource} with each of {@code inputs} as its {@code IDENTIFIER(:name)} and each of
   * {@code values} as its {@code :name}. An input is a temporary view under a name of its own only
   * while the query is analysed: the result holds the inputs' plans, and no view outlives the call
   * (so no other query can read it by a name it did not declare).
   */
  public static Dataset<Row> run(SparkSession spark, String resource, Map<String, Dataset<Row>> inputs,
      Map<String, Object> values) {
    Map<String, Object> parameters = new HashMap<>(values);
    List<String> views = new ArrayList<>();
    try {
      inputs.forEach((name, rows) -> {
        String view = "sql_input_" + name + "_" + VIEWS.incrementAndGet();
        rows.createOrReplaceTempView(view);
        views.add(view);
        if (parameters.put(name, view) != null) {
          throw new IllegalArgumentException("sql/" + resource + ": '" + name + "' is given as an input and as a value");
        }
      });
      return spark.sql(load(resource), parameters);
    } finally {
      // The session catalog's drop, not Catalog.dropTempView: that one would also uncache an input
      // persisted by the caller, whose plan the view shares.
      views.forEach(view -> spark.sessionState().catalog().dropTempView(view));
    }
  }
}
