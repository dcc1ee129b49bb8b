package com.journeyanalytics.jobs.sql;

import static com.journeyanalytics.common.testing.DataFrameAssert.assertThatDataFrame;
import static com.journeyanalytics.common.testing.DataFrameAssert.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.journeyanalytics.common.testing.SparkTestSession;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class SqlFilesTest {

  private final SparkSession spark = SparkTestSession.get();

  @Test
  void aFileReadsTheRelationsAndValuesItDeclaresAndLeavesNoViewBehind() {
    Dataset<Row> ids = spark.sql("SELECT id FROM VALUES (1), (2), (3) AS t(id)");
    Dataset<Row> labels = spark.sql("SELECT * FROM VALUES (2, 'two'), (3, 'three'), (4, 'four') AS t(id, label)").cache();
    List<String> viewsBefore = viewNames();

    Dataset<Row> result = SqlFiles.run(spark, "testing/labelled_ids.sql", Map.of("ids", ids, "labels", labels),
        Map.of("min_id", 3));

    // ids 1..3 joined with labels 2..4 gives 2 and 3; min_id = 3 keeps 3.
    assertThatDataFrame(result).containsExactlyRowsInAnyOrder(List.of("id", "label"), List.of(row(3, "three")));
    assertThat(viewNames()).isEqualTo(viewsBefore);
    // The caller's cached input stays cached: its view was dropped without uncaching it.
    assertThat(spark.sharedState().cacheManager().lookupCachedData(labels).isDefined()).isTrue();
    labels.unpersist();
  }

  @Test
  void aNameGivenAsARelationAndAsAValueIsRefused() {
    Dataset<Row> ids = spark.sql("SELECT 1 AS id");
    assertThatThrownBy(() -> SqlFiles.run(spark, "testing/labelled_ids.sql", Map.of("ids", ids, "labels", ids),
        Map.of("ids", 1, "min_id", 0)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'ids' is given as an input and as a value");
  }

  private List<String> viewNames() {
    return spark.sql("SHOW VIEWS").where("isTemporary").collectAsList().stream()
        .map(r -> r.getString(r.fieldIndex("viewName"))).sorted().toList();
  }
}
