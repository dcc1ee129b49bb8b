package com.journeyanalytics.common.schema;

import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;

import org.apache.spark.sql.types.DataTypes;

/** The operational tables every run writes: pipeline_runs, data_quality and quarantine. */
public final class PipelineTables {

  private PipelineTables() {}

  public static final TableSpec PIPELINE_RUNS = TableSpec.table(
          "pipeline_runs", "One row per run of the job: what it read, rejected and wrote, and how it ended.")
      .column("run_id", StringType, "Unique id of the run")
      .column("run_date", DateType, "Export day the run processed (the last day for a backfill)")
      .column("mode", StringType, "nightly | backfill | full_refresh | maintenance")
      .column("started_at", TimestampType, "Start (UTC)")
      .column("finished_at", TimestampType, "End (UTC); null while running")
      .column("published_at", TimestampType, "When the run's tables became what the journey database shows (UTC); null if it published nothing")
      .column("status", StringType, "running | succeeded | failed | aborted (a run found dead by a later run)")
      .column("error", StringType, "Why the run failed")
      .column("input_rows", DataTypes.createMapType(StringType, LongType), "Rows read per dataset")
      .column("quarantined_rows", DataTypes.createMapType(StringType, LongType), "Rows quarantined per dataset")
      .column("output_rows", DataTypes.createMapType(StringType, LongType), "Rows per table written (and per dataset: accepted, duplicates removed)")
      .column("table_versions", DataTypes.createMapType(StringType, LongType), "Delta version each table was left at (for a run at running: what it is publishing); read with VERSION AS OF")
      .column("config_sha256", StringType, "SHA-256 of the effective configuration")
      .column("app_version", StringType, "Version of the job")
      .key("run_id")
      .build();

  public static final TableSpec DATA_QUALITY = TableSpec.table(
          "data_quality", "Data-quality check results of every run; a fail fails the run.")
      .column("run_id", StringType, "Run that wrote the result")
      .column("run_date", DateType, "Export day of the run")
      .column("dataset", StringType, "Dataset or table checked")
      .column("check_name", StringType, "Check, e.g. completeness, key_uniqueness, quarantine_rate")
      .column("status", StringType, "pass | warn | fail | skipped (too little data to judge; never a pass)")
      .column("observed_value", DoubleType, "Measured value (rates in percent)")
      .column("threshold", DoubleType, "Threshold the value was compared with")
      .column("message", StringType, "What was checked and what was found")
      .key("run_date", "dataset", "check_name")
      .build();

  public static final TableSpec QUARANTINE = TableSpec.table(
          "quarantine", "Input rows that could not be used, with the reason; emails in raw_record are hashed.")
      .column("run_id", StringType, "Run that rejected the row")
      .column("run_date", DateType, "Export day of the run")
      .column("source", StringType, "crm | marketing | support | usage")
      .column("dataset", StringType, "Dataset")
      .column("source_file", StringType, "File the row came from")
      .column("raw_record", StringType, "The rejected line or record as read, emails replaced by email:<sha256>")
      .column("reason", StringType, "Why the row was rejected")
      .partitionedBy("run_date")
      .build();
}
