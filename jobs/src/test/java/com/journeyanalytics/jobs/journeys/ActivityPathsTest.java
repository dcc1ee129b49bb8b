package com.journeyanalytics.jobs.journeys;

import static com.journeyanalytics.common.testing.DataFrameAssert.assertThatDataFrame;
import static com.journeyanalytics.common.testing.DataFrameAssert.row;

import com.journeyanalytics.common.config.JourneySettings;
import com.journeyanalytics.common.testing.SparkTestSession;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * activity_paths on hand-made timelines (days are January 2026 at 10:00 UTC; impression and
 * email_sent are the ignored activities unless a test says otherwise):
 * <pre>
 *   s1  web_visit, web_visit, impression, signup         repeats collapse: web_visit > signup
 *   s2  web_visit, email_sent, web_visit, signup         ignored first, then collapsed: web_visit > signup
 *   s3  web_visit, signup, login, feature_used, login    cut at 3: web_visit > signup > login
 *   s4  signup, login, login, feature_used, login        collapsed before the cut: signup > login > feature_used
 *   s5  impression, email_sent                           nothing kept: (only ignored activities)
 *   s6  signup (id b), web_visit (id a), same instant    ties by touchpoint_id: web_visit > signup
 * </pre>
 * s3's touchpoint ids run against its time order, so time decides before the id does.
 * Converted (days_to_convert): s1 4, s2 10, s3 2.5, s4 7; s5 and s6 not converted.
 */
class ActivityPathsTest {

  private static final LocalDate RUN_DATE = LocalDate.parse("2026-03-15");
  private static final List<String> IGNORED = List.of("impression", "email_sent");
  private static final StructType TIMELINE = new StructType()
      .add("touchpoint_id", DataTypes.StringType).add("customer_key", DataTypes.StringType)
      .add("activity", DataTypes.StringType).add("occurred_at", DataTypes.TimestampType);
  private static final StructType JOURNEYS = new StructType()
      .add("customer_key", DataTypes.StringType).add("is_converted", DataTypes.BooleanType)
      .add("days_to_convert", JourneyTables.DURATION);

  private final List<Row> touches = new ArrayList<>();
  private final List<Row> subjects = new ArrayList<>();

  @Test
  void topPathsAndOtherSumToAllSubjectsWithConversionsPerPath() {
    fullFixture();

    // top-paths 2 over 6 subjects. web_visit > signup: s1, s2, s6 (3). Ties of 1 by path text:
    // "(only ignored activities)" sorts before letters, so it is rank 2 and (other) holds s3, s4.
    // web_visit > signup: 2 of 3 converted = 66.6667%, median of 4 and 10 = 7; share 3/6 = 50.
    // (only ignored activities): s5, 1/6 = 16.6667, no conversion (rate 0, no median).
    // (other): s3 and s4, both converted: 100%, median (2.5 + 7) / 2 = 4.75; share 2/6 = 33.3333.
    // customers 3 + 1 + 2 = 6 = all subjects.
    assertThatDataFrame(paths(2, 3, IGNORED)).containsExactlyRowsInAnyOrder(
        List.of("snapshot_date", "path", "path_length", "customers", "share_of_customers", "converted_customers",
            "conversion_rate", "median_days_to_convert", "rank"),
        List.of(
            row("2026-03-15", "web_visit > signup", 2, 3, "50", 2, "66.6667", "7", 1),
            row("2026-03-15", "(only ignored activities)", 0, 1, "16.6667", 0, "0", null, 2),
            row("2026-03-15", "(other)", null, 2, "33.3333", 2, "100", "4.75", 3)));
  }

  @Test
  void pathsAreCutAtTheConfiguredLengthAfterCollapsingRepeats() {
    fullFixture();

    // top-paths 10 keeps every path. s3 and s4 are cut at 3 activities (s4 after login, login
    // became one step); (other) is left with nobody: 0 customers, share 0, no rate, no median.
    // Shares of 6: 3/6 = 50, 1/6 = 16.6667. Ranks: 3 first, then the ties of 1 by path text.
    assertThatDataFrame(paths(10, 3, IGNORED)).containsExactlyRowsInAnyOrder(
        List.of("path", "path_length", "customers", "share_of_customers", "converted_customers", "conversion_rate",
            "median_days_to_convert", "rank"),
        List.of(
            row("web_visit > signup", 2, 3, "50", 2, "66.6667", "7", 1),
            row("(only ignored activities)", 0, 1, "16.6667", 0, "0", null, 2),
            row("signup > login > feature_used", 3, 1, "16.6667", 1, "100", "7", 3),
            row("web_visit > signup > login", 3, 1, "16.6667", 1, "100", "2.5", 4),
            row("(other)", null, 0, "0", 0, null, null, 11)));
  }

  @Test
  void anEmptyIgnoreListKeepsEveryActivity() {
    // s1: web_visit, web_visit, impression, signup; s5: impression, email_sent. Nothing ignored,
    // so the impression stays between the collapsed web_visits and signup; path length 2 cuts s1.
    subject("s1", true, "4", touch("s1-1", 1, "web_visit"), touch("s1-2", 2, "web_visit"),
        touch("s1-3", 3, "impression"), touch("s1-4", 4, "signup"));
    subject("s5", false, null, touch("s5-1", 1, "impression"), touch("s5-2", 2, "email_sent"));

    // 1 each of 2: 50%; ties by path text: "impression > ..." before "web_visit > ...".
    assertThatDataFrame(paths(10, 2, List.of())).containsExactlyRowsInAnyOrder(
        List.of("path", "path_length", "customers", "share_of_customers", "converted_customers", "conversion_rate",
            "median_days_to_convert", "rank"),
        List.of(
            row("impression > email_sent", 2, 1, "50", 0, "0", null, 1),
            row("web_visit > impression", 2, 1, "50", 1, "100", "4", 2),
            row("(other)", null, 0, "0", 0, null, null, 11)));
  }

  private void fullFixture() {
    subject("s1", true, "4", touch("s1-1", 1, "web_visit"), touch("s1-2", 2, "web_visit"),
        touch("s1-3", 3, "impression"), touch("s1-4", 4, "signup"));
    subject("s2", true, "10", touch("s2-1", 1, "web_visit"), touch("s2-2", 2, "email_sent"),
        touch("s2-3", 3, "web_visit"), touch("s2-4", 4, "signup"));
    subject("s3", true, "2.5", touch("s3-5", 1, "web_visit"), touch("s3-4", 2, "signup"), touch("s3-3", 3, "login"),
        touch("s3-2", 4, "feature_used"), touch("s3-1", 5, "login"));
    subject("s4", true, "7", touch("s4-1", 1, "signup"), touch("s4-2", 2, "login"), touch("s4-3", 3, "login"),
        touch("s4-4", 4, "feature_used"), touch("s4-5", 5, "login"));
    subject("s5", false, null, touch("s5-1", 1, "impression"), touch("s5-2", 2, "email_sent"));
    subject("s6", false, null, touch("s6-b", 1, "signup"), touch("s6-a", 1, "web_visit"));
  }

  private Dataset<Row> paths(int topPaths, int length, List<String> ignored) {
    var spark = SparkTestSession.get();
    Dataset<Row> facts = SubjectFactsFixture.facts(spark.createDataFrame(touches, TIMELINE),
        new JourneySettings.ActivityPaths(length, ignored));
    return TopPaths.activityPaths(facts, spark.createDataFrame(subjects, JOURNEYS), topPaths, RUN_DATE);
  }

  /** A subject's customer_journeys row and its touchpoints (each given as {id, day, activity}). */
  private void subject(String key, boolean converted, String daysToConvert, String[]... touchpoints) {
    subjects.add(RowFactory.create(key, converted, daysToConvert == null ? null : new BigDecimal(daysToConvert)));
    for (String[] t : touchpoints) {
      touches.add(RowFactory.create(t[0], key, t[2],
          Timestamp.from(Instant.parse(String.format("2026-01-%02dT10:00:00Z", Integer.parseInt(t[1]))))));
    }
  }

  private static String[] touch(String id, int day, String activity) {
    return new String[] {id, String.valueOf(day), activity};
  }
}
