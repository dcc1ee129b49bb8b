package com.journeyanalytics.jobs.attribution;

import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Hand-made path_touches rows (the schema path_touches.sql returns) for testing the credit
 * transforms without the step: a path is a subject's channels in time order, 7 days apart (one
 * time_decay half life), the last one at the conversion; campaign c_<channel>; a converted path
 * brings 100 of revenue.
 */
final class PathTouchesFixture {

  private static final StructType SCHEMA = new StructType()
      .add("customer_key", DataTypes.StringType)
      .add("is_converted", DataTypes.BooleanType)
      .add("converted_at", DataTypes.TimestampType)
      .add("revenue", DataTypes.createDecimalType(20, 4))
      .add("touchpoint_id", DataTypes.StringType)
      .add("channel", DataTypes.StringType)
      .add("campaign_id", DataTypes.StringType)
      .add("occurred_at", DataTypes.TimestampType)
      .add("touch_position", DataTypes.IntegerType)
      .add("touch_count", DataTypes.LongType);
  private static final Instant END = Instant.parse("2026-03-31T00:00:00Z");

  private final List<Row> rows = new ArrayList<>();

  static PathTouchesFixture paths() {
    return new PathTouchesFixture();
  }

  /** {@code count} subjects {@code prefix}1..{@code prefix}count, each with one path of these channels. */
  PathTouchesFixture add(int count, String prefix, boolean converted, String... channels) {
    for (int s = 1; s <= count; s++) {
      String subject = prefix + s;
      for (int i = 0; i < channels.length; i++) {
        Instant at = END.minus(Duration.ofDays(7L * (channels.length - 1 - i)));
        rows.add(RowFactory.create(subject, converted, converted ? Timestamp.from(END) : null,
            converted ? new BigDecimal("100") : null, subject + "-" + (i + 1), channels[i], "c_" + channels[i],
            Timestamp.from(at), i + 1, (long) channels.length));
      }
    }
    return this;
  }

  Dataset<Row> toDataFrame(SparkSession spark) {
    return spark.createDataFrame(rows, SCHEMA);
  }
}
