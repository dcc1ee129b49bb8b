package com.journeyanalytics.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JourneySettingsTest {

  @TempDir
  Path dir;

  @Test
  void activityPathsDefaultToFiveActivitiesWithoutImpressionsAndSentEmails() {
    JourneySettings journeys = JobConfig.load(null, Map.of()).journeys();

    assertThat(journeys.activityPaths().length()).isEqualTo(5);
    assertThat(journeys.activityPaths().ignoreActivities()).containsExactly("impression", "email_sent");
    assertThat(journeys.topPaths()).isEqualTo(100);
  }

  @Test
  void activityPathSettingsAreBoundFromAConfigurationFile() throws IOException {
    JourneySettings journeys = load("journey.journeys.paths { length = 3, ignore-activities = [] }").journeys();

    assertThat(journeys.activityPaths()).isEqualTo(new JourneySettings.ActivityPaths(3, List.of()));
  }

  @Test
  void aPathLengthOfZeroFailsNamingTheKey() {
    assertThatThrownBy(() -> JobConfig.load(null, Map.of("journey.journeys.paths.length", "0")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("journey.journeys.paths.length");
  }

  @Test
  void anEmptyIgnoredActivityOrANonListFailsNamingTheKey() {
    assertThatThrownBy(() -> load("journey.journeys.paths.ignore-activities = [impression, \" \"]"))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("journey.journeys.paths.ignore-activities");
    assertThatThrownBy(() -> JobConfig.load(null, Map.of("journey.journeys.paths.ignore-activities", "impression")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("journey.journeys.paths.ignore-activities");
  }

  private JobConfig load(String hocon) throws IOException {
    return JobConfig.load(Files.writeString(dir.resolve("job.conf"), hocon).toFile(), Map.of());
  }
}
