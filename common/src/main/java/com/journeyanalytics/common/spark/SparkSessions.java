package com.journeyanalytics.common.spark;

import com.journeyanalytics.common.Hashing;
import java.net.URI;
import java.nio.file.Path;
import java.nio.file.Paths;
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
      String derby = settings.derbyMetastorePath() != null && !settings.derbyMetastorePath().isBlank()
          ? settings.derbyMetastorePath()
          : defaultDerbyPath(settings.warehouse()).toString();
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
    settings.sparkConf().forEach(builder::config);
    return builder.enableHiveSupport().getOrCreate();
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
