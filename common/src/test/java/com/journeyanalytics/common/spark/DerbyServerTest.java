package com.journeyanalytics.common.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DerbyServerTest {

  @Test
  void networkClientsNeedTheAnnouncedPasswordWhileThisJvmOpensInMemoryDatabasesWithHiveDefaults(@TempDir Path dir)
      throws Exception {
    Path metastore = dir.resolve("_metastore");
    try (DerbyServer server = DerbyServer.start(metastore)) {
      DerbyServer.Connection announced = DerbyServer.running(metastore).orElseThrow();
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(DerbyServer.serverFile(metastore))))
          .isEqualTo("rw-------");
      try (Connection connection = DriverManager.getConnection(announced.url(), announced.user(), announced.password())) {
        assertThat(connection.isValid(5)).isTrue();
      }
      assertThatThrownBy(() -> DriverManager.getConnection(announced.url(), announced.user(), "mine"))
          .isInstanceOf(SQLException.class).hasMessageContaining("authentication");
      // What the Thrift server does for every JDBC session: Hive's default user and password ("mine").
      try (Connection connection = DriverManager.getConnection(
          "jdbc:derby:memory:;databaseName=" + dir.resolve("session") + ";create=true", "APP", "mine")) {
        assertThat(connection.isValid(5)).isTrue();
      }
    }
    assertThat(DerbyServer.running(metastore)).isEmpty();
  }
}
