package com.journeyanalytics.jobs.ingest;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A dataset's export files as read: one string column per canonical column (null where the file
 * lacks an optional one), plus {@code _raw_record}, {@code _is_malformed}, {@code source_file} and
 * {@code export_date}. {@code extraColumns} are file columns no canonical column maps to.
 */
public record RawExport(Dataset<Row> rows, List<String> extraColumns) {

  public static final String RAW_RECORD = "_raw_record";
  public static final String IS_MALFORMED = "_is_malformed";
  public static final String SOURCE_FILE = "source_file";
  public static final String EXPORT_DATE = "export_date";
}
