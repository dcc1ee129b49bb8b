package com.journeyanalytics.common.transforms;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lead;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.to_date;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/** Positions of touchpoints in their customer's timeline. */
public final class Timeline {

  private Timeline() {}

  /**
   * Adds touch_seq (1-based position in the customer's timeline), activity_occurrence (1 for the
   * customer's first of this activity), activity_repeated_at (the next occurrence) and
   * event_date. Order: occurred_at, then touchpoint_id, so ties are broken the same on every run.
   * Both windows cluster by customer_key, so Spark shuffles the data once.
   */
  public static Dataset<Row> withSequence(Dataset<Row> touchpoints) {
    WindowSpec byCustomer = Window.partitionBy("customer_key").orderBy("occurred_at", "touchpoint_id");
    WindowSpec byActivity = Window.partitionBy("customer_key", "activity").orderBy("occurred_at", "touchpoint_id");
    return touchpoints
        .withColumn("touch_seq", row_number().over(byCustomer).cast("long"))
        .withColumn("activity_occurrence", row_number().over(byActivity))
        .withColumn("activity_repeated_at", lead(col("occurred_at"), 1).over(byActivity))
        .withColumn("event_date", to_date(col("occurred_at")));
  }
}
