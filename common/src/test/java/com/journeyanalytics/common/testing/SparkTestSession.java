package com.journeyanalytics.common.testing;

import com.journeyanalytics.common.spark.SparkSessions;
import com.journeyanalytics.common.spark.SparkSessions.SessionSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.SparkSession;

/**
 * The one SparkSession of the test JVM: local[2], two shuffle partitions, no UI, no code generation, a throw-away
 * Derby metastore. Tests isolate themselves with their own database name and warehouse folder.
 */
public final class SparkTestSession {

  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static SparkSession session;

  private SparkTestSession() {}

  public static synchronized SparkSession get() {
    if (session == null) {
      try {
        Path root = Files.createTempDirectory("journey-test-spark");
        session = SparkSessions.getOrCreate(new SessionSettings(
            "journey-tests",
            "local[2]",
            root.resolve("warehouse").toString(),
            null,
            root.resolve("metastore").toString(),
            Map.of(
                "spark.sql.shuffle.partitions", "2",
                "spark.default.parallelism", "2",
                "spark.ui.enabled", "false",
                "spark.sql.adaptive.enabled", "true",
                // Tiny fixtures: compiling generated code for every new plan costs more than running
                // it interpreted (about a sixth of a small pipeline run's time).
                "spark.sql.codegen.wholeStage", "false",
                "spark.sql.codegen.factoryMode", "NO_CODEGEN",
                "spark.databricks.delta.snapshotPartitions", "2",
                "spark.sql.sources.parallelPartitionDiscovery.parallelism", "2",
                "spark.driver.host", "127.0.0.1",
                "spark.driver.bindAddress", "127.0.0.1")));
        session.sparkContext().setLogLevel("WARN");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return session;
  }

  /** A database name no other test in this JVM uses. */
  public static String uniqueDatabase(String prefix) {
    return prefix + "_" + DATABASES.incrementAndGet();
  }
}
