package com.journeyanalytics.jobs.notebooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.journeyanalytics.common.testing.SparkTestSession;
import com.journeyanalytics.jobs.fixtures.MiniWarehouse;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * Every SQL statement of every notebook runs in a local session against a warehouse the real job
 * built from MiniWorld, with the notebooks' current database, so the notebooks stay valid as the
 * schema evolves (SqlServerTest runs them through the SQL endpoint as well).
 */
class NotebookSqlTest {

  @Test
  void everyNotebookStatementRunsAgainstAWarehouseTheJobBuilt() throws IOException {
    String database = MiniWarehouse.database();
    // Its own current database without touching the shared session's.
    SparkSession notebook = SparkTestSession.get().newSession();
    notebook.catalog().setCurrentDatabase(database);

    List<String> failures = new ArrayList<>();
    int ran = 0;
    for (NotebookStatements.Statement statement : NotebookStatements.all()) {
      try {
        notebook.sql(statement.sql()).collectAsList();
        ran++;
      } catch (Exception e) {
        failures.add(statement.notebook() + ":\n" + statement.sql() + "\n  -> " + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
      }
    }

    assertThat(failures).as("notebook statements that fail").isEmpty();
    assertThat(ran).isEqualTo(NotebookStatements.all().size());
  }

  @Test
  void everyNotebookIsNbformat4AndOpensADeltaSessionOnTheWarehouseMetastore() throws IOException {
    List<Path> files = NotebookStatements.files();
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
          statements += NotebookStatements.sqlOf(NotebookStatements.source(cell)).size();
        }
      }
      assertThat(firstCode).as(file + " has code").isNotNull();
      assertThat(NotebookStatements.source(firstCode)).as(file + " first code cell")
          .contains("DeltaSparkSessionExtension", "DeltaCatalog", "_metastore", "enableHiveSupport", "setCurrentDatabase");
      assertThat(statements).as(file + " SQL statements").isGreaterThanOrEqualTo(4);
    }
  }
}
