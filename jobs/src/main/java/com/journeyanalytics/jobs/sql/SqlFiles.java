package com.journeyanalytics.jobs.sql;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** SQL files under src/main/resources/sql/&lt;step&gt;/, run with named parameters (:name). */
public final class SqlFiles {

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

  /** Runs the file's single query; values are bound as parameters, never concatenated. */
  public static Dataset<Row> run(SparkSession spark, String resource, Map<String, Object> parameters) {
    return spark.sql(load(resource), parameters);
  }
}
