package com.journeyanalytics.jobs.journeys;

import com.journeyanalytics.jobs.sql.SqlFiles;
import java.time.LocalDate;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The two path tables, journey_paths (stage paths) and activity_paths (what subjects did): each
 * builds one path per subject its own way, then both are ranked alike (sql/journeys/top_paths.sql).
 */
final class TopPaths {

  private TopPaths() {}

  /** journey_paths: the stage paths of the subjects of {@code journeys} that entered a stage. */
  static Dataset<Row> stagePaths(Dataset<Row> journeys, int topPaths, LocalDate runDate) {
    return ranked(sql("subject_stage_paths.sql", Map.of("journeys", journeys), Map.of()), topPaths, runDate);
  }

  /**
   * activity_paths, over every subject of {@code journeys} (customer_key, is_converted,
   * days_to_convert); {@code facts} holds their activity paths (SubjectFacts).
   */
  static Dataset<Row> activityPaths(Dataset<Row> facts, Dataset<Row> journeys, int topPaths, LocalDate runDate) {
    return ranked(sql("subject_activity_paths.sql", Map.of("facts", facts, "journeys", journeys), Map.of()),
        topPaths, runDate);
  }

  /** The {@code topPaths} most common paths of {@code subjectPaths} plus one (other) row. */
  private static Dataset<Row> ranked(Dataset<Row> subjectPaths, int topPaths, LocalDate runDate) {
    return sql("top_paths.sql", Map.of("subject_paths", subjectPaths), Map.of("run_date", runDate, "top_paths", topPaths));
  }

  private static Dataset<Row> sql(String file, Map<String, Dataset<Row>> inputs, Map<String, Object> values) {
    return SqlFiles.run(inputs.values().iterator().next().sparkSession(), "journeys/" + file, inputs, values);
  }
}
