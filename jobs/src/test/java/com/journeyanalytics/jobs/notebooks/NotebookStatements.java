package com.journeyanalytics.jobs.notebooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The notebooks in notebooks/ and the SQL statements of their code cells (the triple-quoted strings passed to spark.sql). */
public final class NotebookStatements {

  static final Path NOTEBOOKS = Paths.get("..", "notebooks");
  private static final Pattern SPARK_SQL = Pattern.compile("spark\\.sql\\(\\s*\"\"\"(.*?)\"\"\"", Pattern.DOTALL);

  /** One statement and the notebook file it comes from. */
  public record Statement(String notebook, String sql) {}

  private NotebookStatements() {}

  public static List<Statement> all() throws IOException {
    ObjectMapper json = new ObjectMapper();
    List<Statement> statements = new ArrayList<>();
    for (Path file : files()) {
      for (JsonNode cell : json.readTree(file.toFile()).path("cells")) {
        if (cell.path("cell_type").asText().equals("code")) {
          for (String sql : sqlOf(source(cell))) {
            statements.add(new Statement(file.getFileName().toString(), sql));
          }
        }
      }
    }
    return statements;
  }

  static List<Path> files() throws IOException {
    try (Stream<Path> files = Files.list(NOTEBOOKS)) {
      return files.filter(f -> f.toString().endsWith(".ipynb")).sorted().toList();
    }
  }

  static String source(JsonNode cell) {
    JsonNode source = cell.path("source");
    if (source.isTextual()) {
      return source.asText();
    }
    StringBuilder text = new StringBuilder();
    source.forEach(line -> text.append(line.asText()));
    return text.toString();
  }

  static List<String> sqlOf(String code) {
    List<String> sql = new ArrayList<>();
    Matcher matcher = SPARK_SQL.matcher(code);
    while (matcher.find()) {
      sql.add(matcher.group(1).strip());
    }
    return sql;
  }
}
