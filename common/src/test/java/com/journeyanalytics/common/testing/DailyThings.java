package com.journeyanalytics.common.testing;

import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;

import com.journeyanalytics.common.schema.TableSpec;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/** A table partitioned by day, keyed and with deletion vectors, like touchpoints: what merges and maintenance do to it. */
public final class DailyThings {

  public static final TableSpec SPEC = TableSpec.table("daily_things", "Things by day")
      .column("thing", StringType, "The thing")
      .column("day", StringType, "The day")
      .column("amount", LongType, "How many")
      .column("run_id", StringType, "Run")
      .partitionedBy("day")
      .key("thing")
      .property("delta.enableDeletionVectors", "true")
      .build();

  private DailyThings() {}

  /** Rows written by {@code runId}, from (thing, day, amount) triples. */
  public static Dataset<Row> rows(String runId, Object... thingDayAmount) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < thingDayAmount.length; i += 3) {
      rows.add(RowFactory.create(thingDayAmount[i], thingDayAmount[i + 1], thingDayAmount[i + 2], runId));
    }
    return SparkTestSession.get().createDataFrame(rows, SPEC.schema());
  }
}
