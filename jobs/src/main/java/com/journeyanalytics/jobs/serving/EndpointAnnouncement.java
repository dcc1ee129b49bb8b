package com.journeyanalytics.jobs.serving;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Properties;

/**
 * How scripts/sql.sh finds a running SQL endpoint of the same warehouse: the endpoint writes
 * {@code <metastore>.endpoint} beside the local metastore's Derby database (as it announces the
 * metastore itself in {@code <metastore>.server}) once it is ready, and removes it when it stops.
 * Only an endpoint that takes clients without a password or TLS announces itself: sql.sh has
 * nothing else to connect with.
 */
public final class EndpointAnnouncement {

  private static final int CONNECT_TIMEOUT_MILLIS = 1000;

  private EndpointAnnouncement() {}

  static Path file(Path metastore) {
    Path absolute = metastore.toAbsolutePath().normalize();
    return absolute.resolveSibling(absolute.getFileName() + ".endpoint");
  }

  /** Announces {@code jdbcUrl} for the warehouse whose metastore is {@code metastore} (owner-only file). */
  static void write(Path metastore, String jdbcUrl) {
    Path file = file(metastore);
    Properties properties = new Properties();
    properties.setProperty("url", jdbcUrl);
    properties.setProperty("pid", Long.toString(ProcessHandle.current().pid()));
    try {
      Path temp = Files.createTempFile(file.getParent(), ".endpoint", ".tmp",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      try (OutputStream out = Files.newOutputStream(temp)) {
        properties.store(out, "SQL endpoint of this warehouse, for scripts/sql.sh");
      }
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot announce the SQL endpoint in " + file, e);
    }
  }

  /** Removes the announcement if this process wrote it (a later endpoint may have replaced it). */
  static void remove(Path metastore) {
    Path file = file(metastore);
    Optional<Properties> announced = read(file);
    if (announced.isPresent() && Long.toString(ProcessHandle.current().pid()).equals(announced.get().getProperty("pid"))) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        // Stopping anyway; running() ignores an announcement whose port no longer answers.
      }
    }
  }

  /** The announced JDBC URL for {@code metastore}, if an endpoint announced one and its port answers. */
  public static Optional<String> running(Path metastore) {
    return read(file(metastore)).map(p -> p.getProperty("url")).filter(EndpointAnnouncement::answers);
  }

  private static Optional<Properties> read(Path file) {
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    Properties properties = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      properties.load(in);
      return Optional.of(properties);
    } catch (IOException | IllegalArgumentException e) {
      // Half-written or foreign: as if none were announced.
      return Optional.empty();
    }
  }

  /** Whether something listens on the URL's host and port (jdbc:hive2://HOST:PORT/...). */
  private static boolean answers(String jdbcUrl) {
    if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:")) {
      return false;
    }
    try (Socket socket = new Socket()) {
      URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
      socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), CONNECT_TIMEOUT_MILLIS);
      return true;
    } catch (IOException | IllegalArgumentException e) {
      return false;
    }
  }
}
