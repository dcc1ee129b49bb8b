package com.journeyanalytics.common.spark;

import com.journeyanalytics.common.Hashing;
import com.journeyanalytics.common.config.JobConfig;
import com.journeyanalytics.common.delta.TableStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;

/**
 * Builds the job's SparkSession: Delta's SQL extension and catalog, Hive metastore support, UTC.
 *
 * <p>On a cluster (spark-submit) the master and most settings come from the submitter; locally the
 * embedded Derby metastore is placed beside the warehouse so two warehouses never share tables,
 * and reached through the SQL endpoint's Derby network server while one serves it ({@link DerbyServer}).
 */
public final class SparkSessions {

  private SparkSessions() {}

  /** What a session needs to know; {@code master} null means "let spark-submit decide". */
  public record SessionSettings(
      String appName,
      String master,
      String warehouse,
      String metastoreUris,
      String derbyMetastorePath,
      Map<String, String> sparkConf) {}

  /**
   * The session of a command that reads a warehouse (sql.sh, report.sh): the job's settings plus
   * {@code sparkConf}, no web UI, and local[2] unless spark-submit chose the master.
   */
  public static SparkSession forReading(String appName, JobConfig config, Map<String, String> sparkConf) {
    Map<String, String> settings = new HashMap<>(config.sparkConf());
    settings.putAll(sparkConf);
    settings.put("spark.ui.enabled", "false");
    return getOrCreate(new SessionSettings(appName, System.getProperty("spark.master") == null ? "local[2]" : null,
        TableStore.qualifyLocal(config.warehouse()), config.metastoreUris(), config.derbyMetastorePath(), settings));
  }

  public static SparkSession getOrCreate(SessionSettings settings) {
    SparkSession.Builder builder = SparkSession.builder().appName(settings.appName());
    if (settings.master() != null && !settings.master().isBlank()) {
      builder.master(settings.master());
    }
    builder
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.warehouse.dir", settings.warehouse())
        // Delta tables are created at explicit locations; Hive's own schema checks only get in the way.
        .config("spark.hadoop.hive.metastore.schema.verification", "false")
        .config("spark.hadoop.datanucleus.schema.autoCreateAll", "true")
        .config("spark.sql.legacy.createHiveTableByDefault", "false");
    if (settings.metastoreUris() != null && !settings.metastoreUris().isBlank()) {
      builder.config("spark.hadoop.hive.metastore.uris", settings.metastoreUris());
    } else {
      String derby = localMetastore(settings.warehouse(), settings.derbyMetastorePath()).toString();
      Optional<DerbyServer.Connection> server = DerbyServer.running(Paths.get(derby));
      if (server.isPresent()) {
        // The SQL endpoint serves this metastore: share it through the network server.
        server.get().sessionSettings().forEach(builder::config);
      } else {
        builder.config(
            "spark.hadoop.javax.jdo.option.ConnectionURL",
            "jdbc:derby:;databaseName=" + derby + ";create=true");
      }
    }
    boolean local = settings.master() != null && settings.master().startsWith("local");
    localFiles(settings.warehouse(), local).forEach(builder::config);
    settings.sparkConf().forEach(builder::config);
    return builder.enableHiveSupport().getOrCreate();
  }

  /**
   * Keeps the session's local files out of the shared /tmp: Derby's log, Spark's scratch space and
   * Hive's scratch folders go under {@link #defaultLocalDir}, created owner-only (rwx------), and
   * Derby creates its files owner-only. Returns the Spark settings that place them; a setting the
   * caller gives (or a -Dderby.stream.error.file) wins. Spark's scratch space only for a local
   * master: on a cluster the executors' own local folders apply.
   */
  static Map<String, String> localFiles(String warehouse, boolean localMaster) {
    Path local = ownerOnlyFolder(defaultLocalDir(warehouse));
    if (System.getProperty("derby.stream.error.file") == null) {
      System.setProperty("derby.stream.error.file", local.resolve("derby.log").toString());
    }
    if (System.getProperty("derby.storage.useDefaultFilePermissions") == null) {
      System.setProperty("derby.storage.useDefaultFilePermissions", "false");
    }
    Map<String, String> conf = new HashMap<>(Map.of(
        "spark.hadoop.hive.exec.scratchdir", local.resolve("hive-scratch").toUri().toString(),
        "spark.hadoop.hive.exec.local.scratchdir", local.resolve("hive-local-scratch").toString(),
        "spark.hadoop.hive.downloaded.resources.dir", local.resolve("hive-resources").toString(),
        "spark.hadoop.hive.querylog.location", local.resolve("hive-querylog").toString()));
    if (localMaster) {
      conf.put("spark.local.dir", ownerOnlyFolder(local.resolve("spark")).toString());
    }
    return conf;
  }

  /** {@code <warehouse>/_local} for a local warehouse; for a remote one a local folder named after the URI's hash. */
  public static Path defaultLocalDir(String warehouse) {
    Path derby = defaultDerbyPath(warehouse);
    return isInsideWarehouse(derby)
        ? derby.resolveSibling("_local")
        : Paths.get(System.getProperty("user.home"), ".journey-analytics", "local", derby.getFileName().toString());
  }

  /** Whether a {@link #defaultDerbyPath} lies inside its (local) warehouse, rather than in the user's home. */
  public static boolean isInsideWarehouse(Path defaultDerbyPath) {
    return defaultDerbyPath.getFileName().toString().equals("_metastore");
  }

  private static Path ownerOnlyFolder(Path folder) {
    try {
      Files.createDirectories(folder);
      if (Files.getFileStore(folder).supportsFileAttributeView(PosixFileAttributeView.class)) {
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwx------"));
      }
      return folder;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the local folder " + folder, e);
    }
  }

  /**
   * The Derby database of the local default metastore: {@code derbyMetastorePath} when configured,
   * else {@link #defaultDerbyPath} of the (qualified) warehouse.
   */
  public static Path localMetastore(String warehouse, String derbyMetastorePath) {
    return derbyMetastorePath != null && !derbyMetastorePath.isBlank()
        ? Paths.get(derbyMetastorePath) : defaultDerbyPath(warehouse);
  }

  /**
   * The embedded metastore for a warehouse: {@code <warehouse>/_metastore} for a local warehouse;
   * for a remote one (s3a://) a local folder named after the URI's hash, since Derby needs a disk.
   */
  public static Path defaultDerbyPath(String warehouse) {
    URI uri = URI.create(warehouse.replace('\\', '/'));
    String scheme = uri.getScheme();
    if (scheme == null || scheme.equals("file")) {
      Path local = scheme == null ? Paths.get(warehouse) : Paths.get(uri);
      return local.toAbsolutePath().normalize().resolve("_metastore");
    }
    return Paths.get(System.getProperty("user.home"), ".journey-analytics", "metastore", Hashing.sha256Hex(warehouse).substring(0, 16));
  }

}
