package com.journeyanalytics.jobs;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spark settings for a local run whose exports and warehouse are small (the hand-made test size, the
 * demo sample): at that size a night is hundreds of small Spark jobs and Delta commits, and their
 * fixed costs dominate. Expressions run interpreted (compiling generated code for each new plan
 * costs more than running it), each shuffle and Delta's table state in one partition (fewer, larger
 * tasks). Above {@link #MAX_BYTES} the session keeps Spark's defaults: interpreted evaluation was
 * slower on 20,000 accounts (2 M touchpoints; see docs/operations.md).
 */
final class SmallInputSettings {

  private static final Logger LOG = LoggerFactory.getLogger(SmallInputSettings.class);

  /** Exports and warehouse together below this many bytes make a small run. */
  static final long MAX_BYTES = 128L << 20;

  private SmallInputSettings() {}

  /** The settings for a run reading {@code inputBytes}: empty unless the input is small. */
  static Map<String, String> forInput(long inputBytes) {
    if (inputBytes >= MAX_BYTES) {
      return Map.of();
    }
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("spark.sql.codegen.wholeStage", "false");
    settings.put("spark.sql.codegen.factoryMode", "NO_CODEGEN");
    settings.put("spark.sql.shuffle.partitions", "1");
    settings.put("spark.databricks.delta.snapshotPartitions", "1");
    return settings;
  }

  /**
   * The bytes under each location (a folder's files, recursively); a location that does not exist
   * counts 0. Long.MAX_VALUE (Spark's defaults) when one cannot be measured: the run goes on.
   */
  static long bytesUnder(List<String> locations, Configuration hadoop) {
    long total = 0;
    for (String location : locations) {
      Path path = new Path(location);
      // A file system of its own, closed after: the session's cached one is made from the session's settings.
      try (FileSystem fs = FileSystem.newInstance(path.toUri(), hadoop)) {
        total += fs.getContentSummary(path).getLength();
      } catch (FileNotFoundException e) {
        // Nothing there yet (a first run's warehouse).
      } catch (IOException | RuntimeException e) {
        LOG.warn("cannot measure the size of {} ({}): Spark's default settings apply", location, e.toString());
        return Long.MAX_VALUE;
      }
    }
    return total;
  }
}
