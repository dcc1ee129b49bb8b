package com.journeyanalytics.jobs.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.xxhash64;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/** Re-exported records: keep one row per key. */
public final class Deduplication {

  private Deduplication() {}

  /**
   * Keeps, per {@code key}, the row with the greatest updated_at (when the dataset has one), then
   * the latest export_date; remaining ties go to the later file, then the hash of the whole row,
   * so the choice never depends on partitioning.
   */
  public static Dataset<Row> keepLatestPerKey(Dataset<Row> rows, String key, boolean hasUpdatedAt) {
    List<Column> order = new ArrayList<>();
    if (hasUpdatedAt) {
      order.add(col("updated_at").desc_nulls_last());
    }
    order.add(col(RawExport.EXPORT_DATE).desc_nulls_last());
    order.add(col(RawExport.SOURCE_FILE).desc_nulls_last());
    order.add(xxhash64(Arrays.stream(rows.columns()).map(c -> col("`" + c + "`")).toArray(Column[]::new)).desc());
    return rows
        .withColumn("_rank", row_number().over(Window.partitionBy(col(key)).orderBy(order.toArray(new Column[0]))))
        .where(col("_rank").equalTo(1))
        .drop("_rank");
  }
}
