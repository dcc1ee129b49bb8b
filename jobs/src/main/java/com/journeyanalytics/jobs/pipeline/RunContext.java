package com.journeyanalytics.jobs.pipeline;

import com.journeyanalytics.common.config.JobConfig;
import com.journeyanalytics.common.delta.TableStore;
import com.journeyanalytics.common.privacy.EmailMasking;
import java.time.LocalDate;
import org.apache.spark.sql.SparkSession;

/**
 * What a step gets: the session, the bound configuration, the run's identity, and the two table
 * stores (BI-facing {@code tables}, and {@code staging} for the cleaned silver tables).
 */
public record RunContext(
    SparkSession spark,
    JobConfig config,
    String runId,
    LocalDate runDate,
    RunMode mode,
    TableStore tables,
    TableStore staging) {

  /**
   * A table's key in pipeline_runs.table_versions (and in a maintenance run's output_rows): its name
   * for the store readers see, {@link #stagingKey} for staging.
   */
  public String versionKey(TableStore store, String table) {
    return store == staging ? stagingKey(staging, table) : table;
  }

  /** A staging table's key in pipeline_runs.table_versions: {@code <staging database>.<table>}. */
  public static String stagingKey(TableStore staging, String table) {
    return staging.database() + "." + table;
  }

  /** The one masking of addresses (and email hashing) for everything the run writes. */
  public EmailMasking masking() {
    return config.privacy().masking();
  }
}
