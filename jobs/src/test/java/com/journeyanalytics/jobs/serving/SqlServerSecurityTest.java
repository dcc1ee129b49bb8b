package com.journeyanalytics.jobs.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.journeyanalytics.common.delta.TableStore;
import com.journeyanalytics.common.testing.SparkTestSession;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An endpoint with a users file and TLS (a self-signed keystore made by keytool here), reached
 * with the Hive JDBC driver: the right password over TLS gets in, a wrong one or plain TCP does not.
 */
class SqlServerSecurityTest {

  private static final SparkSession SPARK = SparkTestSession.get();
  private static final String KEYSTORE_PASSWORD = "keystore-pw-1";
  @TempDir
  static Path dir;
  private static SqlServer server;
  private static String database;
  private static int port;
  private static Path truststore;

  @BeforeAll
  static void start() throws Exception {
    database = SparkTestSession.uniqueDatabase("secured");
    TableStore tables = new TableStore(SPARK, dir.resolve("warehouse").toString(), database);
    tables.ensureDatabase();
    SPARK.sql("CREATE TABLE " + database + ".answers USING delta AS SELECT 42 AS answer");

    Path keystore = dir.resolve("endpoint.p12");
    truststore = dir.resolve("clients.p12");
    keytool("-genkeypair", "-alias", "endpoint", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
        "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-storetype", "PKCS12",
        "-keystore", keystore.toString(), "-storepass", KEYSTORE_PASSWORD, "-keypass", KEYSTORE_PASSWORD);
    Path certificate = dir.resolve("endpoint.crt");
    keytool("-exportcert", "-alias", "endpoint", "-keystore", keystore.toString(), "-storepass", KEYSTORE_PASSWORD,
        "-file", certificate.toString());
    keytool("-importcert", "-noprompt", "-alias", "endpoint", "-file", certificate.toString(), "-storetype", "PKCS12",
        "-keystore", truststore.toString(), "-storepass", "truststore-pw");

    // Added the way an operator does, through scripts/sql-user.sh's entry point, password on stdin.
    Path usersFile = dir.resolve("users");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    assertThat(UsersFile.run(new String[] {usersFile.toString(), "ann"}, null,
        new ByteArrayInputStream("correct horse battery\n".getBytes(StandardCharsets.UTF_8)), new PrintStream(err),
        new PrintStream(err))).isZero();

    port = SqlServerTest.freePort();
    server = SqlServer.start(SPARK, "127.0.0.1", port, database,
        new SqlServer.Security(new UsersFile(usersFile), keystore, KEYSTORE_PASSWORD, false, false));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static void keytool(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "keytool").toString()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).as("keytool " + String.join(" ", args) + ": " + output).isZero();
  }

  private static String tlsUrl() {
    return "jdbc:hive2://127.0.0.1:" + port + "/" + database + ";ssl=true;sslTrustStore=" + truststore
        + ";trustStorePassword=truststore-pw";
  }

  private static int answer(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery("SELECT answer FROM answers")) {
      assertThat(rs.next()).isTrue();
      return rs.getInt(1);
    }
  }

  @Test
  void theRightPasswordOverTlsIsAccepted() throws SQLException {
    try (Connection connection = DriverManager.getConnection(tlsUrl(), "ann", "correct horse battery")) {
      assertThat(answer(connection)).isEqualTo(42);
    }
  }

  @Test
  void aWrongPasswordOrAnUnknownUserIsRefused() {
    assertThatThrownBy(() -> DriverManager.getConnection(tlsUrl(), "ann", "wrong horse battery").close())
        .isInstanceOf(SQLException.class);
    assertThatThrownBy(() -> DriverManager.getConnection(tlsUrl(), "bob", "correct horse battery").close())
        .isInstanceOf(SQLException.class);
  }

  @Test
  void aClientWithoutTlsIsRefused() {
    assertThatThrownBy(() -> DriverManager.getConnection("jdbc:hive2://127.0.0.1:" + port + "/" + database
        + ";loginTimeout=10", "ann", "correct horse battery").close())
        .isInstanceOf(SQLException.class);
  }

  @Test
  void theUsersFileHoldsSaltedSlowHashesOnlyItsOwnerCanRead() throws IOException {
    Path usersFile = dir.resolve("users");
    String line = Files.readAllLines(usersFile).get(0);
    assertThat(line).startsWith("ann:pbkdf2-sha256:600000:").doesNotContain("correct horse");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(usersFile))).isEqualTo("rw-------");

    // The same password for a second user gets another salt, hence another hash.
    UsersFile users = new UsersFile(usersFile);
    users.put("bea", "correct horse battery".toCharArray());
    List<String> lines = Files.readAllLines(usersFile);
    assertThat(lines).hasSize(2);
    assertThat(lines.get(1).substring(lines.get(1).indexOf(":600000:"))).isNotEqualTo(line.substring(line.indexOf(":600000:")));
    assertThat(users.verify("bea", "correct horse battery")).isTrue();
    assertThat(users.verify("bea", "correct horse batterY")).isFalse();
    users.put("bea", "another password".toCharArray());
    assertThat(Files.readAllLines(usersFile)).hasSize(2);
    assertThat(users.verify("bea", "another password")).isTrue();
  }

  @Test
  void aShortPasswordOrAMalformedUsersFileIsRefused() throws IOException {
    UsersFile users = new UsersFile(dir.resolve("other-users"));
    assertThatThrownBy(() -> users.put("cat", "short".toCharArray())).hasMessageContaining("at least 8 characters");
    Files.writeString(users.path(), "cat:plain:secret\n");
    assertThatThrownBy(users::validate).hasMessageContaining("line 1");
  }
}
