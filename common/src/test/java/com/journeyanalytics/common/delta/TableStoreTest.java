package com.journeyanalytics.common.delta;

import static com.journeyanalytics.common.testing.DataFrameAssert.assertThatDataFrame;
import static com.journeyanalytics.common.testing.DataFrameAssert.row;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.assertj.core.api.Assertions.assertThat;

import com.journeyanalytics.common.delta.TableStore.WriteResult;
import com.journeyanalytics.common.schema.TableSpec;
import com.journeyanalytics.common.testing.SparkTestSession;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TableStoreTest {

  private static final TableSpec SPEC = TableSpec.table("things", "Things for the test")
      .column("thing", StringType, "The thing")
      .column("amount", LongType, "How many")
      .column("run_id", StringType, "Run")
      .key("thing")
      .build();

  private final SparkSession spark = SparkTestSession.get();

  private Dataset<Row> things(String runId, Object... thingAmountPairs) {
    List<Row> rows = new java.util.ArrayList<>();
    for (int i = 0; i < thingAmountPairs.length; i += 2) {
      rows.add(RowFactory.create(thingAmountPairs[i], thingAmountPairs[i + 1], runId));
    }
    return spark.createDataFrame(rows, SPEC.schema());
  }

  @Test
  void replacingWithTheSameContentKeepsTheTableAndItsRunIds(@TempDir Path warehouse) {
    TableStore store = new TableStore(spark, warehouse.toString(), SparkTestSession.uniqueDatabase("store"));

    WriteResult first = store.replace(SPEC, things("run-1", "a", 1L, "b", 2L));
    WriteResult second = store.replace(SPEC, things("run-2", "b", 2L, "a", 1L));

    assertThat(first.changed()).isTrue();
    assertThat(second.changed()).isFalse();
    assertThat(second.version()).isEqualTo(first.version());
    assertThatDataFrame(store.read("things"))
        .containsExactlyRowsInAnyOrder(List.of("thing", "amount", "run_id"), List.of(row("a", 1, "run-1"), row("b", 2, "run-1")));
  }

  @Test
  void replacingWithNewContentWritesANewVersion(@TempDir Path warehouse) {
    TableStore store = new TableStore(spark, warehouse.toString(), SparkTestSession.uniqueDatabase("store"));

    WriteResult first = store.replace(SPEC, things("run-1", "a", 1L));
    WriteResult second = store.replace(SPEC, things("run-2", "a", 5L));

    assertThat(second.changed()).isTrue();
    assertThat(second.version()).isEqualTo(first.version() + 1);
    assertThatDataFrame(store.read("things"))
        .containsExactlyRowsInAnyOrder(List.of("thing", "amount", "run_id"), List.of(row("a", 5, "run-2")));
  }

  @Test
  void registeredTablesCarryTableAndColumnComments(@TempDir Path warehouse) {
    String database = SparkTestSession.uniqueDatabase("store");
    TableStore store = new TableStore(spark, warehouse.toString(), database);

    store.replace(SPEC, things("run-1", "a", 1L));

    List<String> described = spark.sql("DESCRIBE TABLE EXTENDED " + database + ".things").collectAsList().stream()
        .map(r -> r.getString(0) + "|" + (r.getString(0).equals("Comment") ? r.getString(1) : r.getString(2)))
        .collect(Collectors.toList());
    assertThat(described).contains("thing|The thing", "amount|How many");
    assertThat(described).contains("Comment|Things for the test");
  }

  @Test
  void replacingASliceLeavesOtherSlicesAlone(@TempDir Path warehouse) {
    TableStore store = new TableStore(spark, warehouse.toString(), SparkTestSession.uniqueDatabase("store"));
    store.replace(SPEC, things("run-1", "a", 1L, "b", 2L));

    store.replaceSlice(SPEC, things("run-2", "b", 3L), java.util.Map.of("thing", "b"));

    assertThatDataFrame(store.read("things"))
        .containsExactlyRowsInAnyOrder(List.of("thing", "amount", "run_id"), List.of(row("a", 1, "run-1"), row("b", 3, "run-2")));
  }
}
