package com.journeyanalytics.jobs.sql;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Loads the SQL files of the steps from the classpath ({@code sql/<step>/<file>.sql}). */
public final class SqlFiles {

  private SqlFiles() {}

  /** The text of {@code sql/<relativePath>}, e.g. {@code load("kpis/periods.sql")}. */
  public static String load(String relativePath) {
    String resource = "sql/" + relativePath;
    try (InputStream in = SqlFiles.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("SQL file not on the classpath: " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }
}
