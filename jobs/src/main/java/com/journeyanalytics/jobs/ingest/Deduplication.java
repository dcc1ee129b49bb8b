package com.journeyanalytics.jobs.ingest;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.xxhash64;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import scala.collection.JavaConverters;
import scala.collection.Seq;

/** Re-exported records: keep one row per key. */
public final class Deduplication {

  private Deduplication() {}

  /**
   * Keeps, per {@code key}, the row with the greatest updated_at (when the dataset has one), then
   * the latest export_date; remaining ties go to the later file, then the hash of the whole row,
   * so the choice never depends on partitioning. {@code repeated} is {@link #repeatedKeys}(rows,
   * key): rows whose key occurs once pass through, and only the others go through the window,
   * which shuffles and sorts whole rows.
   */
  public static Dataset<Row> keepLatestPerKey(Dataset<Row> rows, Dataset<Row> repeated, String key, boolean hasUpdatedAt) {
    List<Column> order = new ArrayList<>();
    if (hasUpdatedAt) {
      order.add(col("updated_at").desc_nulls_last());
    }
    order.add(col(RawExport.EXPORT_DATE).desc_nulls_last());
    order.add(col(RawExport.SOURCE_FILE).desc_nulls_last());
    order.add(xxhash64(Arrays.stream(rows.columns()).map(c -> col("`" + c + "`")).toArray(Column[]::new)).desc());
    // Repeated keys are few next to the rows (re-exports of changed records): broadcast, no shuffle of the rows.
    Dataset<Row> keys = broadcast(repeated.select(col(key)));
    Seq<String> on = JavaConverters.asScalaBuffer(List.of(key)).toSeq();
    Dataset<Row> latestOfRepeated = rows.join(keys, on, "left_semi")
        .withColumn("_rank", row_number().over(Window.partitionBy(col(key)).orderBy(order.toArray(new Column[0]))))
        .where(col("_rank").equalTo(1))
        .drop("_rank");
    return rows.join(keys, on, "left_anti").unionByName(latestOfRepeated);
  }

  /** The keys that occur more than once in {@code rows}, with their {@code count}; counting shuffles only the key. */
  public static Dataset<Row> repeatedKeys(Dataset<Row> rows, String key) {
    return rows.groupBy(col(key)).count().where(col("count").gt(1));
  }

  /** How many rows deduplication removes: for each repeated key, all but one. */
  public static long surplusRows(Dataset<Row> repeated) {
    Row total = repeated.agg(sum(col("count").minus(1))).first();
    return total.isNullAt(0) ? 0L : total.getLong(0);
  }
}
