package com.journeyanalytics.jobs.sql;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Loads the SQL files of the steps from the classpath (jobs/src/main/resources/sql/). */
public final class SqlFiles {

  private SqlFiles() {}

  /** The text of {@code sql/<path>}, e.g. {@code load("attribution/conversions.sql")}. */
  public static String load(String path) {
    String resource = "sql/" + path;
    try (InputStream in = SqlFiles.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no SQL file " + resource + " on the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }
}
