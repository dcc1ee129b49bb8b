package com.journeyanalytics.jobs.ingest;

import static com.journeyanalytics.common.testing.DataFrameAssert.assertThatDataFrame;
import static com.journeyanalytics.common.testing.DataFrameAssert.row;
import static org.assertj.core.api.Assertions.assertThat;

import com.journeyanalytics.common.testing.SparkTestSession;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class DeduplicationTest {

  private static final StructType SCHEMA = new StructType()
      .add("ticket_id", DataTypes.StringType)
      .add("status", DataTypes.StringType)
      .add("updated_at", DataTypes.TimestampType)
      .add(RawExport.EXPORT_DATE, DataTypes.DateType)
      .add(RawExport.SOURCE_FILE, DataTypes.StringType)
      .add(RawExport.RAW_RECORD, DataTypes.StringType);

  private static Row ticket(String id, String status, String updatedAt, String exportDate, String file) {
    return RowFactory.create(id, status, Timestamp.from(java.time.Instant.parse(updatedAt)), Date.valueOf(exportDate), file,
        id + "," + status + "," + updatedAt);
  }

  @Test
  void keepsTheGreatestUpdatedAtThenTheLatestExportDayAndPassesSingleRowsThrough() {
    Dataset<Row> rows = SparkTestSession.get().createDataFrame(List.of(
        ticket("t1", "open", "2026-11-20T09:00:00Z", "2026-11-20", "a.csv"),
        ticket("t1", "solved", "2026-11-21T09:00:00Z", "2026-11-20", "a.csv"),
        ticket("t1", "pending", "2026-11-20T12:00:00Z", "2026-11-22", "b.csv"),
        ticket("t2", "open", "2026-11-20T09:00:00Z", "2026-11-20", "a.csv"),
        ticket("t2", "closed", "2026-11-20T09:00:00Z", "2026-11-21", "b.csv"),
        ticket("t3", "new", "2026-11-19T09:00:00Z", "2026-11-20", "a.csv")), SCHEMA);

    assertThatDataFrame(keepLatestPerKey(rows, true)).containsExactlyRowsInAnyOrder(
        List.of("ticket_id", "status"), List.of(row("t1", "solved"), row("t2", "closed"), row("t3", "new")));
    assertThat(Deduplication.surplusRows(Deduplication.repeatedKeys(rows, "ticket_id"))).isEqualTo(3);
  }

  @Test
  void withoutUpdatedAtTheLatestExportDayWins() {
    Dataset<Row> rows = SparkTestSession.get().createDataFrame(List.of(
        ticket("t1", "open", "2026-11-22T09:00:00Z", "2026-11-20", "a.csv"),
        ticket("t1", "solved", "2026-11-20T09:00:00Z", "2026-11-21", "b.csv")), SCHEMA);

    assertThatDataFrame(keepLatestPerKey(rows, false))
        .containsExactlyRowsInAnyOrder(List.of("ticket_id", "status"), List.of(row("t1", "solved")));
  }

  private static Dataset<Row> keepLatestPerKey(Dataset<Row> rows, boolean hasUpdatedAt) {
    return Deduplication.keepLatestPerKey(rows, Deduplication.repeatedKeys(rows, "ticket_id"), "ticket_id", hasUpdatedAt);
  }
}
