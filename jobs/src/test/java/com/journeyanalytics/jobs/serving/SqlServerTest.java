package com.journeyanalytics.jobs.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.journeyanalytics.common.config.JobConfig;
import com.journeyanalytics.common.delta.TableStore;
import com.journeyanalytics.common.testing.SparkTestSession;
import com.journeyanalytics.jobs.fixtures.MiniWarehouse;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SQL endpoint over the wire: one Thrift server on a free loopback port over the shared test
 * session, queried with the Hive JDBC driver as a BI tool would.
 */
class SqlServerTest {

  private static final SparkSession SPARK = SparkTestSession.get();
  private static SqlServer server;
  private static String database;
  private static int port;

  @BeforeAll
  static void start(@TempDir Path warehouse) throws IOException {
    JobConfig config = JobConfig.load(null, Map.of());
    database = SparkTestSession.uniqueDatabase("served");
    TableStore tables = new TableStore(SPARK, warehouse.toString(), database);
    ServingFixture.writeKpis(tables);
    BiViewsStep.createViews(SPARK, database, config.stages().churnStage(), config.stages().order());
    port = freePort();
    server = SqlServer.start(SPARK, "127.0.0.1", port, database, false);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    // Leave the shared session's settings as they were.
    for (String key : List.of("hive.server2.thrift.bind.host", "hive.server2.thrift.port", "hive.server2.transport.mode")) {
      SPARK.conf().unset(key);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static Connection connect(String db) throws SQLException {
    return DriverManager.getConnection("jdbc:hive2://127.0.0.1:" + port + "/" + db);
  }

  @Test
  void theEndpointNamesItsJdbcUrlWithTheDatabase() {
    assertThat(server.jdbcUrl()).isEqualTo("jdbc:hive2://127.0.0.1:" + port + "/" + database);
  }

  @Test
  void aKpiValueIsReadOverJdbcFromTheDatabaseInTheUrl() throws SQLException {
    try (Connection connection = connect(database); Statement statement = connection.createStatement();
         ResultSet rs = statement.executeQuery("SELECT value FROM kpis WHERE kpi = 'new_customers' AND dimension = 'all'"
             + " AND period_grain = 'month' AND period_start = DATE'2026-11-01'")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getBigDecimal(1)).isEqualByComparingTo(new BigDecimal("12"));
      assertThat(rs.next()).isFalse();
    }
  }

  @Test
  void aBiViewIsQueryableOverJdbc() throws SQLException {
    // churn_rate 4 -> 5: (5 - 4) / 4 x 100 = 25.
    try (Connection connection = connect(database); Statement statement = connection.createStatement();
         ResultSet rs = statement.executeQuery("SELECT previous_value, relative_change_pct FROM v_kpi_latest_month"
             + " WHERE kpi = 'churn_rate' AND dimension = 'all'")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getBigDecimal(1)).isEqualByComparingTo(new BigDecimal("4"));
      assertThat(rs.getBigDecimal(2)).isEqualByComparingTo(new BigDecimal("25"));
    }
  }

  @Test
  void describeOverJdbcShowsTheColumnCommentsOfTablesAndViews() throws SQLException {
    try (Connection connection = connect(database)) {
      assertThat(columnComments(connection, "kpis")).containsEntry("value", "KPI value; null when the denominator is 0");
      assertThat(columnComments(connection, "v_kpi_latest_month"))
          .containsEntry("absolute_change", "value - previous_value in the unit of the KPI (percentage points for percent KPIs)");
    }
  }

  @Test
  void everyTableTheJobWritesIsListedWithItsTableAndColumnComments() throws SQLException {
    String mini = MiniWarehouse.database();
    try (Connection connection = connect(mini)) {
      List<String> tables = new ArrayList<>();
      try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery("SHOW TABLES")) {
        while (rs.next()) {
          tables.add(rs.getString("tableName"));
        }
      }
      assertThat(tables).contains("touchpoints", "pipeline_runs", "data_quality", "quarantine", "attribution",
          "channel_paths", "markov_transitions", "v_attribution_by_model");
      for (String table : tables) {
        Map<String, String> comments = columnComments(connection, table);
        assertThat(comments).as(table + " columns").isNotEmpty();
        comments.forEach((column, comment) -> assertThat(comment).as(table + "." + column + " comment").isNotBlank());
        assertThat(tableComment(connection, table)).as(table + " table comment").isNotBlank();
      }
    }
  }

  @Test
  void aNonLoopbackHostWithoutAuthenticationIsRefusedBeforeAnythingStarts() {
    assertThatThrownBy(() -> SqlServer.start(SPARK, "0.0.0.0", port, database, false))
        .isInstanceOf(SqlServer.UsageException.class)
        .hasMessageContaining("without authentication");
  }

  @Test
  void optionsDefaultToLoopbackPort10000AndRejectABadPort() {
    SqlServer.Options options = SqlServer.Options.parse(new String[] {"--warehouse", "/w"}, Map.of());
    assertThat(options.host()).isEqualTo("127.0.0.1");
    assertThat(options.port()).isEqualTo(10000);
    assertThat(options.warehouse()).isEqualTo("/w");
    assertThatThrownBy(() -> SqlServer.Options.parse(new String[] {"--port", "70000"}, Map.of()))
        .isInstanceOf(SqlServer.UsageException.class);
  }

  /** DESCRIBE's column rows (up to the first blank or # line): name -> comment. */
  private static Map<String, String> columnComments(Connection connection, String table) throws SQLException {
    Map<String, String> comments = new LinkedHashMap<>();
    try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery("DESCRIBE TABLE " + table)) {
      while (rs.next()) {
        String column = rs.getString("col_name").trim();
        if (column.isEmpty() || column.startsWith("#")) {
          break;
        }
        comments.put(column, rs.getString("comment"));
      }
    }
    return comments;
  }

  /** The "Comment" row of DESCRIBE TABLE EXTENDED's detailed section. */
  private static String tableComment(Connection connection, String table) throws SQLException {
    try (Statement statement = connection.createStatement();
         ResultSet rs = statement.executeQuery("DESCRIBE TABLE EXTENDED " + table)) {
      while (rs.next()) {
        if (rs.getString("col_name").trim().equals("Comment")) {
          return rs.getString("data_type");
        }
      }
    }
    return null;
  }
}
