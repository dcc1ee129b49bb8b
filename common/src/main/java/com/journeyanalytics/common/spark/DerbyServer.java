package com.journeyanalytics.common.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.derby.authentication.UserAuthenticator;
import org.apache.derby.drda.NetworkServerControl;

/**
 * The local default metastore shared by two JVMs: an embedded Derby database admits one JVM, so
 * the SQL endpoint (the long-running process) serves its metastore database to the others, e.g.
 * a nightly run, with a Derby network server on loopback. It writes
 * {@code <metastore folder>.server} (owner-only: port, user, password) while it runs; a session
 * that finds that file and the server answering connects through Derby's client driver instead of
 * opening the database itself. The server requires that user and password (random per start).
 */
public final class DerbyServer implements AutoCloseable {

  /**
   * Derby puts a user's tables in the schema named after the user; an embedded session (no user)
   * uses APP. The same name here, so a run through the server and a run without it (no endpoint
   * up) see the same metastore tables.
   */
  static final String USER = "APP";
  private static final String LOOPBACK = "127.0.0.1";

  private final NetworkServerControl control;
  private final Path serverFile;
  private final Connection connection;

  /** How to reach a running server; {@link #sessionSettings} are the Spark settings for it. */
  public record Connection(Path database, int port, String user, String password) {

    public String url() {
      return "jdbc:derby://" + LOOPBACK + ":" + port + "/" + database.toAbsolutePath() + ";create=true";
    }

    public Map<String, String> sessionSettings() {
      return Map.of(
          "spark.hadoop.javax.jdo.option.ConnectionURL", url(),
          "spark.hadoop.javax.jdo.option.ConnectionDriverName", "org.apache.derby.jdbc.ClientDriver",
          "spark.hadoop.javax.jdo.option.ConnectionUserName", user,
          "spark.hadoop.javax.jdo.option.ConnectionPassword", password);
    }
  }

  private DerbyServer(NetworkServerControl control, Path serverFile, Connection connection) {
    this.control = control;
    this.serverFile = serverFile;
    this.connection = connection;
  }

  public Connection connection() {
    return connection;
  }

  /** {@code <database>.server}: where a running server for {@code database} announces itself. */
  public static Path serverFile(Path database) {
    Path absolute = database.toAbsolutePath().normalize();
    return absolute.resolveSibling(absolute.getFileName() + ".server");
  }

  /** The server for {@code database} if one announced itself and answers on its port. */
  public static Optional<Connection> running(Path database) {
    Path file = serverFile(database);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    Properties properties = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      properties.load(in);
      int port = Integer.parseInt(properties.getProperty("port"));
      if (!answers(port)) {
        return Optional.empty();
      }
      return Optional.of(new Connection(database, port, properties.getProperty("user"), properties.getProperty("password")));
    } catch (IOException | RuntimeException e) {
      // A half-written or foreign file: as if no server ran; the embedded database then reports any conflict.
      return Optional.empty();
    }
  }

  /**
   * Starts a network server for {@code database} on a free loopback port, in this JVM, and
   * announces it. Fails if another process already serves it.
   */
  public static DerbyServer start(Path database) {
    if (running(database).isPresent()) {
      throw new IllegalStateException("the metastore " + database + " is already served by another process ("
          + serverFile(database) + "): is another SQL endpoint running on this warehouse?");
    }
    String password = HexFormat.of().formatHex(randomBytes());
    // Authentication is a property of the whole Derby engine of this JVM: every connection, to the
    // metastore or not, goes through Authenticator.
    Authenticator.password = password;
    System.setProperty("derby.connection.requireAuthentication", "true");
    System.setProperty("derby.authentication.provider", Authenticator.class.getName());
    try {
      Files.createDirectories(database.toAbsolutePath().getParent());
      int port = freePort();
      NetworkServerControl control = new NetworkServerControl(InetAddress.getByName(LOOPBACK), port, USER, password);
      control.start(new PrintWriter(Writer.nullWriter()));
      awaitPing(control);
      Connection connection = new Connection(database, port, USER, password);
      announce(serverFile(database), connection);
      return new DerbyServer(control, serverFile(database), connection);
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the Derby network server for the metastore " + database + ": " + e.getMessage(), e);
    }
  }

  /**
   * Asks a connection that comes through the network server for the server's user and password,
   * and admits an embedded one, opened by code of this JVM, which could read the files anyway.
   * Derby's built-in users would hold for every database of the engine, and the Thrift server
   * opens its private in-memory Hive metastore, for every JDBC session, with Hive's fixed default
   * credentials: each session then logged a failed initialisation.
   */
  public static final class Authenticator implements UserAuthenticator {

    /** Derby serves each network client on a thread of this class. */
    private static final String NETWORK_THREAD = "org.apache.derby.impl.drda.DRDAConnThread";
    private static volatile String password;

    @Override
    public boolean authenticateUser(String userName, String userPassword, String databaseName, Properties info) {
      if (!Thread.currentThread().getClass().getName().equals(NETWORK_THREAD)) {
        return true;
      }
      String expected = password;
      return expected != null && USER.equals(userName) && expected.equals(userPassword);
    }
  }

  /** Stops the server and withdraws the announcement; sessions connected through it lose the metastore. */
  @Override
  public void close() {
    try {
      Files.deleteIfExists(serverFile);
    } catch (IOException e) {
      // The server stops anyway; a leftover file is ignored by running() once the port is closed.
    }
    try {
      control.shutdown();
    } catch (Exception e) {
      // Already stopping with the JVM.
    }
  }

  private static void announce(Path file, Connection connection) throws IOException {
    Properties properties = new Properties();
    properties.setProperty("port", Integer.toString(connection.port()));
    properties.setProperty("user", connection.user());
    properties.setProperty("password", connection.password());
    properties.setProperty("pid", Long.toString(ProcessHandle.current().pid()));
    Path temp = Files.createTempFile(file.getParent(), ".metastore", ".tmp",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try (OutputStream out = Files.newOutputStream(temp)) {
      properties.store(out, "Derby network server of the SQL endpoint (pid " + ProcessHandle.current().pid() + ")");
    }
    Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static void awaitPing(NetworkServerControl control) throws Exception {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (true) {
      try {
        control.ping();
        return;
      } catch (Exception e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }

  private static boolean answers(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(LOOPBACK, port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
      return socket.getLocalPort();
    }
  }

  private static byte[] randomBytes() {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    return bytes;
  }
}
