package com.journeyanalytics.jobs.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.journeyanalytics.common.testing.SparkTestSession;
import com.journeyanalytics.jobs.SqlQuery;
import com.journeyanalytics.jobs.fixtures.MiniWarehouse;
import com.journeyanalytics.jobs.fixtures.SqlShRuns;
import com.journeyanalytics.jobs.notebooks.NotebookStatements;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The SQL endpoint over the wire, as BI tools use it: one read-only Thrift server on a free
 * loopback port over a warehouse the real job built from MiniWorld (so the product's own table
 * specs, comments and views are what is served), queried with the Hive JDBC driver.
 */
class SqlServerTest {

  private static final SparkSession SPARK = SparkTestSession.get();
  private static SqlServer server;
  private static String database;
  private static int port;
  @TempDir
  static Path scratch;

  @BeforeAll
  static void start() throws IOException {
    database = MiniWarehouse.database();
    port = freePort();
    server = SqlServer.start(SPARK, "127.0.0.1", port, database, SqlServer.Security.none());
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static Connection connect() throws SQLException {
    return DriverManager.getConnection("jdbc:hive2://127.0.0.1:" + port + "/" + database);
  }

  private static List<List<Object>> query(String sql) throws SQLException {
    try (Connection connection = connect(); Statement statement = connection.createStatement();
         ResultSet rs = statement.executeQuery(sql)) {
      List<List<Object>> rows = new ArrayList<>();
      int columns = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<Object> row = new ArrayList<>();
        for (int i = 1; i <= columns; i++) {
          row.add(rs.getObject(i));
        }
        rows.add(row);
      }
      return rows;
    }
  }

  private static void execute(String sql) throws SQLException {
    try (Connection connection = connect(); Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  /**
   * The error message a client gets for {@code sql}, which must fail. Spark's Thrift server marks a failed
   * statement ERROR before it attaches the exception (SparkExecuteStatementOperation.execute sets
   * the state, then the background thread stores the exception it throws), so a status poll whose
   * long-polling wait (5 s) ends between the two reports the error without a message (it failed
   * CI once). Such an error is asked for once more: a refusal does not depend on timing.
   */
  private static String errorMessage(String sql) {
    String first = thrownBy(sql).getMessage();
    return first != null ? first : thrownBy(sql).getMessage();
  }

  private static Throwable thrownBy(String sql) {
    Throwable thrown = catchThrowable(() -> execute(sql));
    assertThat(thrown).as(sql).isInstanceOf(SQLException.class);
    return thrown;
  }

  /** Every table and view of the database, as the catalog lists them. */
  private static List<String> relations() {
    // SHOW TABLES also lists this session's temporary views (the steps' own): not relations of the database.
    return SPARK.sql("SHOW TABLES IN " + database).where("NOT isTemporary").collectAsList().stream()
        .map(r -> r.getString(1)).sorted().toList();
  }

  /**
   * JDBC navigators (DBeaver, DataGrip) and dashboard tools browse with getTables / getColumns:
   * every relation of the journey database is a view, and shows its columns with their comments.
   */
  @Test
  void jdbcMetadataListsEveryRelationWithItsColumnsAndTheirComments() throws SQLException {
    try (Connection connection = connect()) {
      DatabaseMetaData metadata = connection.getMetaData();
      List<String> relations = new ArrayList<>();
      try (ResultSet tables = metadata.getTables(null, database, "%", null)) {
        while (tables.next()) {
          relations.add(tables.getString("TABLE_NAME"));
        }
      }
      assertThat(relations).contains("touchpoints", "kpis", "pipeline_runs", "v_kpi_monthly");
      for (String relation : relations) {
        List<String> remarks = new ArrayList<>();
        try (ResultSet columns = metadata.getColumns(null, database, relation, "%")) {
          while (columns.next()) {
            remarks.add(columns.getString("REMARKS"));
          }
        }
        assertThat(remarks).as(relation + " columns").isNotEmpty().allMatch(r -> r != null && !r.isBlank());
      }
      try (ResultSet columns = metadata.getColumns(null, database, "touchpoints", "customer_key")) {
        assertThat(columns.next()).isTrue();
        assertThat(columns.getString("REMARKS"))
            .isEqualTo("Journey subject: account_id, email:<sha256> for a prospect, anon:<id> for an anonymous visitor");
      }
    }
  }

  @Test
  void theEndpointNamesItsJdbcUrlWithTheDatabase() {
    assertThat(server.jdbcUrl()).isEqualTo("jdbc:hive2://127.0.0.1:" + port + "/" + database);
  }

  @Test
  void aKpiValueIsReadOverJdbcFromTheDatabaseInTheUrl() throws SQLException {
    // MiniWorld: a1 became a customer on 2026-11-10, a2 never did: one new customer in November.
    List<List<Object>> rows = query("SELECT value FROM kpis WHERE kpi = 'new_customers' AND dimension = 'all'"
        + " AND period_grain = 'month' AND period_start = DATE'2026-11-01'");
    assertThat(rows).hasSize(1);
    assertThat((BigDecimal) rows.get(0).get(0)).isEqualByComparingTo("1");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "DROP TABLE touchpoints",
      "DROP VIEW v_kpi_monthly",
      "DELETE FROM touchpoints WHERE customer_key = 'a1'",
      "UPDATE touchpoints SET stage = 'x' WHERE customer_key = 'a1'",
      "INSERT INTO kpis SELECT * FROM kpis",
      "MERGE INTO kpis t USING kpis s ON t.kpi = s.kpi WHEN MATCHED THEN DELETE",
      "TRUNCATE TABLE kpis",
      "CREATE TABLE intruder (a INT) USING delta",
      "CREATE TABLE intruder AS SELECT * FROM kpis",
      "CREATE VIEW intruder AS SELECT 1 AS a",
      "CREATE TEMPORARY VIEW intruder AS SELECT 1 AS a",
      "ALTER TABLE kpis SET TBLPROPERTIES ('x' = 'y')",
      "CREATE DATABASE intruder",
      "CACHE TABLE kpis",
      "REFRESH TABLE kpis",
      "ANALYZE TABLE kpis COMPUTE STATISTICS",
      "ADD JAR /tmp/intruder.jar",
      "ADD FILE /etc/hostname",
      "CREATE FUNCTION intruder AS 'com.example.Evil' USING JAR '/tmp/intruder.jar'",
      "SET spark.sql.runSQLOnFiles=true",
      "RESET",
      "SELECT reflect('java.lang.System', 'getProperty', 'user.home')",
      "SELECT TRANSFORM(kpi) USING 'cat' FROM kpis"})
  void statementsThatChangeDataOrMetadataOrRunCodeAreRefused(String sql) {
    assertThat(errorMessage(sql)).contains("refused by the read-only SQL endpoint");
  }

  @Test
  void refusedStatementsLeaveTheTablesAsTheyWere() throws SQLException {
    assertThatThrownBy(() -> execute("DROP TABLE touchpoints")).isInstanceOf(SQLException.class);
    assertThatThrownBy(() -> execute("DELETE FROM touchpoints WHERE customer_key = 'a1'")).isInstanceOf(SQLException.class);
    assertThatThrownBy(() -> execute("CREATE TABLE intruder (a INT) USING delta")).isInstanceOf(SQLException.class);

    // MiniWorld after both days: a1 has 10 touchpoints (touch_seq 1 to 10, see NightlyRunTest).
    assertThat(query("SELECT count(*) FROM touchpoints WHERE customer_key = 'a1'")).containsExactly(List.of(10L));
    assertThat(relations()).doesNotContain("intruder");
  }

  @Test
  void filesAreNotReadByPathWhateverTheFormat() throws IOException {
    Path export = scratch.resolve("contacts.csv");
    Files.writeString(export, "contact_id,email\nc1,ann@a1.com\n");
    String location = SPARK.sql("DESCRIBE DETAIL " + database + "_store.touchpoints").first().getAs("location");
    for (String sql : List.of(
        "SELECT * FROM text.`" + export + "`",
        "SELECT * FROM csv.`" + export + "`",
        "SELECT * FROM parquet.`" + scratch + "`",
        "SELECT * FROM delta.`" + location + "`",
        "SELECT * FROM kpis WHERE kpi IN (SELECT value FROM text.`" + export + "`)")) {
      assertThat(errorMessage(sql)).as(sql).contains("refused by the read-only SQL endpoint");
    }
  }

  @Test
  void everyViewIsReadInFullOverJdbc() throws SQLException {
    assertThat(relations()).containsAll(BiViews.VIEWS);
    for (String view : BiViews.VIEWS) {
      long expected = SPARK.table(database + "." + view).count();
      assertThat(query("SELECT * FROM " + view)).as(view).hasSize((int) expected);
    }
  }

  /**
   * max() of a date column is what Delta's metadata-only shortcut answers, and it failed with the
   * Java 8 date API the endpoint's clients use (delta-io/delta#4201): every date column of every
   * relation, compared with the same maximum computed in the local session.
   */
  @Test
  void everyNotebookStatementRunsThroughTheEndpoint() throws IOException, SQLException {
    List<String> failures = new ArrayList<>();
    List<NotebookStatements.Statement> statements = NotebookStatements.all();
    try (Connection connection = connect()) {
      for (NotebookStatements.Statement statement : statements) {
        try (Statement jdbc = connection.createStatement(); ResultSet rs = jdbc.executeQuery(statement.sql())) {
          while (rs.next()) {
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
              rs.getObject(i);
            }
          }
        } catch (SQLException e) {
          failures.add(statement.notebook() + ":\n" + statement.sql() + "\n  -> " + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
        }
      }
    }
    assertThat(statements).hasSizeGreaterThan(20);
    assertThat(failures).as("notebook statements that fail through the endpoint").isEmpty();
  }

  /** The ready-made Superset datasets of docs/serving.md (table rows "| `name` | `SQL` |"), as SQL Lab runs them. */
  @Test
  void everyReadyMadeSupersetDatasetQueryOfTheDocsRunsThroughTheEndpoint() throws IOException, SQLException {
    Matcher row = Pattern.compile("^\\| `([a-z_]+)` \\| `(SELECT .*)` \\|$", Pattern.MULTILINE)
        .matcher(Files.readString(Paths.get("..", "docs", "serving.md")));
    Map<String, Integer> columns = new TreeMap<>();
    while (row.find()) {
      try (Connection connection = connect(); Statement statement = connection.createStatement();
           ResultSet rs = statement.executeQuery(row.group(2))) {
        columns.put(row.group(1), rs.getMetaData().getColumnCount());
      }
    }
    assertThat(columns).containsKeys("kpi_monthly", "stage_funnel", "stage_sankey", "retention_heatmap", "attribution_by_model",
        "kpi_changes_last_night", "conversion_drivers", "activity_paths", "attribution_intervals");
  }

  @Test
  void aNonLoopbackHostWithoutAuthenticationOrTlsIsRefusedBeforeAnythingStarts(@TempDir Path dir) {
    assertThatThrownBy(() -> SqlServer.start(SPARK, "0.0.0.0", port, database, SqlServer.Security.none()))
        .isInstanceOf(SqlServer.UsageException.class)
        .hasMessageContaining("without authentication");
    UsersFile users = new UsersFile(dir.resolve("users"));
    users.put("ann", "correct horse".toCharArray());
    assertThatThrownBy(() -> SqlServer.start(SPARK, "0.0.0.0", port, database,
        new SqlServer.Security(users, null, null, false, false)))
        .isInstanceOf(SqlServer.UsageException.class)
        .hasMessageContaining("without TLS");
  }

  /**
   * scripts/sql.sh through the endpoint prints the lines a local session prints for the same
   * statement: nested values as JSON, timestamps, dates and decimals as Spark prints them, NULL as
   * an empty cell, quoting where needed.
   */
  @Test
  void sqlShThroughTheEndpointPrintsWhatALocalSessionPrints() {
    String statement = "SELECT 'a,b' AS name, CAST(NULL AS STRING) AS empty, array('x', 'y') AS path,"
        + " map('score', '9') AS features, named_struct('n', 1) AS s, TIMESTAMP'2026-11-20 08:00:00' AS at,"
        + " TIMESTAMP'2026-11-20 08:00:00.120' AS at_ms,"
        + " DATE'2026-11-20' AS day, CAST(12.5 AS DECIMAL(10, 2)) AS amount, 7L AS count, 'say \"hi\"' AS quote";
    ByteArrayOutputStream local = new ByteArrayOutputStream();
    SqlQuery.printCsv(SPARK.sql(statement), new PrintStream(local, true, StandardCharsets.UTF_8));

    SqlShRuns.Result run = SqlShRuns.run("--endpoint", server.jdbcUrl(), statement);

    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.out()).isEqualTo(local.toString(StandardCharsets.UTF_8)).isEqualTo(
        "name,empty,path,features,s,at,at_ms,day,amount,count,quote\n"
            + "\"a,b\",,\"[\"\"x\"\",\"\"y\"\"]\",\"{\"\"score\"\":\"\"9\"\"}\",\"{\"\"n\"\":1}\","
            + "2026-11-20 08:00:00,2026-11-20 08:00:00.12,2026-11-20,12.50,7,\"say \"\"hi\"\"\"\n");
  }

  /**
   * Without --endpoint, sql.sh answers through the endpoint its warehouse's metastore announces
   * (serve-sql.sh writes the announcement; EndpointWithNightlyRunTest runs that for real), and not
   * through one whose port no longer answers.
   */
  @Test
  void sqlShAnswersThroughTheEndpointItsWarehouseAnnouncesWhileThatEndpointAnswers(@TempDir Path warehouse)
      throws IOException {
    Path metastore = warehouse.resolve("_metastore");
    EndpointAnnouncement.write(metastore, server.jdbcUrl());

    // MiniWorld, both days: a1's 8 touchpoints of day 1 and the 2 of v1's back-stitched on day 2.
    SqlShRuns.Result run = SqlShRuns.run("--warehouse", warehouse.toString(),
        "SELECT count(*) AS touchpoints FROM touchpoints WHERE customer_key = 'a1'");

    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.out()).isEqualTo("touchpoints\n10\n");
    assertThat(run.err()).contains("through the running SQL endpoint " + server.jdbcUrl());
    EndpointAnnouncement.remove(metastore);
    assertThat(EndpointAnnouncement.running(metastore)).isEmpty();
    EndpointAnnouncement.write(metastore, "jdbc:hive2://127.0.0.1:" + freePort() + "/" + database);
    assertThat(EndpointAnnouncement.running(metastore)).isEmpty();
  }

  @Test
  void aStatementTheEndpointRefusesExitsOneWithItsReasonOnOneLine() {
    SqlShRuns.Result missing = SqlShRuns.run("--endpoint", server.jdbcUrl(), "SELECT * FROM no_such_relation");
    SqlShRuns.Result write = SqlShRuns.run("--endpoint", server.jdbcUrl(), "DELETE FROM touchpoints");

    assertThat(missing.status()).isEqualTo(1);
    assertThat(missing.err()).startsWith("sql.sh: " + server.jdbcUrl() + ": ").contains("no_such_relation")
        .hasLineCount(1);
    assertThat(write.status()).isEqualTo(1);
    assertThat(write.err()).startsWith("sql.sh: " + server.jdbcUrl() + ": ").hasLineCount(1);
    assertThat(missing.out() + write.out()).isEmpty();
  }
}
