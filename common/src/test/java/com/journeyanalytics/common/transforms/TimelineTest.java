package com.journeyanalytics.common.transforms;

import static com.journeyanalytics.common.testing.DataFrameAssert.assertThatDataFrame;
import static com.journeyanalytics.common.testing.DataFrameAssert.row;

import com.journeyanalytics.common.testing.SparkTestSession;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class TimelineTest {

  private static Row touch(String id, String customer, String activity, String at) {
    return RowFactory.create(id, customer, activity, Timestamp.from(Instant.parse(at)));
  }

  @Test
  void numbersEachCustomersTouchpointsAndEachActivitysRepeats() {
    StructType schema = new StructType().add("touchpoint_id", DataTypes.StringType).add("customer_key", DataTypes.StringType)
        .add("activity", DataTypes.StringType).add("occurred_at", DataTypes.TimestampType);
    Dataset<Row> timeline = SparkTestSession.get().createDataFrame(List.of(
        touch("x3", "a1", "login", "2026-11-03T23:30:00Z"),
        touch("x1", "a1", "login", "2026-11-01T10:00:00Z"),
        touch("x2", "a1", "feature_used", "2026-11-02T10:00:00Z"),
        // Same instant as x1: the touchpoint id breaks the tie, so x0 comes first.
        touch("x0", "a1", "login", "2026-11-01T10:00:00Z"),
        touch("y1", "a2", "login", "2026-11-01T10:00:00Z")), schema);

    assertThatDataFrame(Timeline.withSequence(timeline)).containsExactlyRowsInAnyOrder(
        List.of("touchpoint_id", "touch_seq", "activity_occurrence", "activity_repeated_at", "event_date"),
        List.of(
            row("x0", 1, 1, "2026-11-01T10:00:00Z", "2026-11-01"),
            row("x1", 2, 2, "2026-11-03T23:30:00Z", "2026-11-01"),
            row("x2", 3, 1, null, "2026-11-02"),
            row("x3", 4, 3, null, "2026-11-03"),
            row("y1", 1, 1, null, "2026-11-01")));
  }
}
