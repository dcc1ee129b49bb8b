package com.journeyanalytics.jobs.journeys;

import static org.apache.spark.sql.functions.lit;

import com.journeyanalytics.common.config.JourneySettings;
import com.journeyanalytics.common.schema.Touchpoints;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;

/** Subject facts of hand-made touchpoints that name only the columns a test is about. */
public final class SubjectFactsFixture {

  private SubjectFactsFixture() {}

  /**
   * The facts of {@code touchpoints} (any subset of the touchpoints columns; the others null), with
   * no funnels and the given activity path settings.
   */
  public static Dataset<Row> facts(Dataset<Row> touchpoints, JourneySettings.ActivityPaths paths) {
    Dataset<Row> wide = touchpoints;
    List<String> present = Arrays.asList(touchpoints.columns());
    for (StructField field : Touchpoints.SPEC.schema().fields()) {
      if (!present.contains(field.name())) {
        wide = wide.withColumn(field.name(), lit(null).cast(field.dataType()));
      }
    }
    return SubjectFacts.of(JourneyStep.timeline(wide), List.of(), paths);
  }
}
