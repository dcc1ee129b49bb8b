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

  /** The one masking of addresses (and email hashing) for everything the run writes. */
  public EmailMasking masking() {
    return config.privacy().masking();
  }
}
