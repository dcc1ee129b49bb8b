package com.journeyanalytics.jobs.notebooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.journeyanalytics.common.testing.SparkTestSession;
import com.journeyanalytics.jobs.fixtures.MiniWarehouse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * Every SQL statement of every notebook (the triple-quoted strings passed to spark.sql) runs
 * against a warehouse the real job built from MiniWorld, with the notebooks' current database, so
 * the notebooks stay valid as the schema evolves.
 */
class NotebookSqlTest {

  private static final Path NOTEBOOKS = Paths.get("..", "notebooks");
  private static final Pattern SPARK_SQL = Pattern.compile("spark\\.sql\\(\\s*\"\"\"(.*?)\"\"\"", Pattern.DOTALL);

  record Statement(String notebook, String sql) {}

  @Test
  void everyNotebookStatementRunsAgainstAWarehouseTheJobBuilt() throws IOException {
    String database = MiniWarehouse.database();
    // Its own current database without touching the shared session's.
    SparkSession notebook = SparkTestSession.get().newSession();
    notebook.catalog().setCurrentDatabase(database);

    List<String> failures = new ArrayList<>();
    int ran = 0;
    for (Statement statement : statements()) {
      try {
        notebook.sql(statement.sql()).collectAsList();
        ran++;
      } catch (Exception e) {
        failures.add(statement.notebook() + ":\n" + statement.sql() + "\n  -> " + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
      }
    }

    assertThat(failures).as("notebook statements that fail").isEmpty();
    assertThat(ran).isEqualTo(statements().size());
  }

  @Test
  void everyNotebookIsNbformat4AndOpensADeltaSessionOnTheWarehouseMetastore() throws IOException {
    List<Path> files = notebookFiles();
    assertThat(files).hasSizeGreaterThanOrEqualTo(4);
    ObjectMapper json = new ObjectMapper();
    for (Path file : files) {
      JsonNode notebook = json.readTree(file.toFile());
      assertThat(notebook.path("nbformat").asInt()).as(file + " nbformat").isEqualTo(4);
      JsonNode firstCode = null;
      int statements = 0;
      for (JsonNode cell : notebook.path("cells")) {
        if (cell.path("cell_type").asText().equals("code")) {
          firstCode = firstCode == null ? cell : firstCode;
          statements += sqlOf(source(cell)).size();
        }
      }
      assertThat(firstCode).as(file + " has code").isNotNull();
      assertThat(source(firstCode)).as(file + " first code cell")
          .contains("DeltaSparkSessionExtension", "DeltaCatalog", "_metastore", "enableHiveSupport", "setCurrentDatabase");
      assertThat(statements).as(file + " SQL statements").isGreaterThanOrEqualTo(4);
    }
  }

  private static List<Statement> statements() throws IOException {
    ObjectMapper json = new ObjectMapper();
    List<Statement> statements = new ArrayList<>();
    for (Path file : notebookFiles()) {
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

  private static List<Path> notebookFiles() throws IOException {
    try (Stream<Path> files = Files.list(NOTEBOOKS)) {
      return files.filter(f -> f.toString().endsWith(".ipynb")).sorted().toList();
    }
  }

  private static String source(JsonNode cell) {
    JsonNode source = cell.path("source");
    if (source.isTextual()) {
      return source.asText();
    }
    StringBuilder text = new StringBuilder();
    source.forEach(line -> text.append(line.asText()));
    return text.toString();
  }

  private static List<String> sqlOf(String code) {
    List<String> sql = new ArrayList<>();
    Matcher matcher = SPARK_SQL.matcher(code);
    while (matcher.find()) {
      sql.add(matcher.group(1).strip());
    }
    return sql;
  }
}
