package com.journeyanalytics.jobs.sql;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Loads the SQL files under src/main/resources/sql/ from the classpath. */
public final class SqlFiles {

  private SqlFiles() {}

  /** The text of {@code sql/<path>}, e.g. {@code load("journeys/stage_history.sql")}. */
  public static String load(String path) {
    String resource = "sql/" + path;
    try (InputStream in = SqlFiles.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("SQL file " + resource + " is not on the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }
}
