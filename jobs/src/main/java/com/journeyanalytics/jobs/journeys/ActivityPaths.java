package com.journeyanalytics.jobs.journeys;

import com.journeyanalytics.common.config.JourneySettings;
import com.journeyanalytics.jobs.sql.SqlFiles;
import java.time.LocalDate;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** activity_paths: what subjects did, step by step (sql/journeys/activity_paths.sql). */
final class ActivityPaths {

  private ActivityPaths() {}

  /**
   * The {@code topPaths} most common activity paths plus one (other) row, over every subject of
   * {@code journeys} (customer_key, is_converted, days_to_convert); {@code timeline} holds their
   * touchpoints (customer_key, activity, occurred_at, touchpoint_id).
   */
  static Dataset<Row> topActivityPaths(Dataset<Row> timeline, Dataset<Row> journeys, int topPaths,
      JourneySettings.ActivityPaths paths, LocalDate runDate) {
    return SqlFiles.run(timeline.sparkSession(), "journeys/activity_paths.sql",
        Map.of("timeline", timeline, "journeys", journeys),
        Map.of("run_date", runDate, "top_paths", topPaths, "path_length", paths.length(),
            "ignore_activities", paths.ignoreActivities().toArray(new String[0])));
  }
}
