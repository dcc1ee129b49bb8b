package com.journeyanalytics.jobs.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;

import com.journeyanalytics.common.delta.TableStore;
import com.journeyanalytics.common.schema.PipelineTables;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import scala.collection.JavaConverters;

/** Earlier runs' input rows per dataset, the history the volume check compares a day against. */
public final class VolumeHistory {

  private VolumeHistory() {}

  /**
   * For each dataset, the input rows of the last {@code runs} run dates before {@code runDate}
   * (the latest succeeded nightly or backfill run of each date), newest first.
   */
  public static Map<String, List<Long>> inputRowsBefore(TableStore tables, LocalDate runDate, int runs) {
    Map<String, List<Long>> history = new HashMap<>();
    if (!tables.exists(PipelineTables.PIPELINE_RUNS.name())) {
      return history;
    }
    List<Row> rows = tables.read(PipelineTables.PIPELINE_RUNS.name())
        .where(col("status").equalTo("succeeded")
            .and(col("mode").isin("nightly", "backfill"))
            .and(col("run_date").lt(lit(Date.valueOf(runDate)))))
        .withColumn("_latest", row_number().over(Window.partitionBy("run_date").orderBy(col("started_at").desc())))
        .where(col("_latest").equalTo(1))
        .orderBy(col("run_date").desc())
        .limit(runs)
        .select("input_rows")
        .collectAsList();
    for (Row row : rows) {
      Map<String, Long> inputs = JavaConverters.mapAsJavaMap(row.getMap(0));
      inputs.forEach((dataset, count) -> history.computeIfAbsent(dataset, d -> new ArrayList<>()).add(count));
    }
    return history;
  }
}
