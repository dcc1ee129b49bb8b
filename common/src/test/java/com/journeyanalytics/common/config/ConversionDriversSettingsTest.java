package com.journeyanalytics.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ConversionDriversSettingsTest {

  @Test
  void minSubjectsDefaultsToThreeAndCanBeOverridden() {
    assertThat(JobConfig.load(null, Map.of()).journeys().drivers().minSubjects()).isEqualTo(3);
    assertThat(JobConfig.load(null, Map.of("journey.journeys.drivers.min-subjects", "25")).journeys().drivers()
        .minSubjects()).isEqualTo(25);
  }

  @Test
  void minSubjectsOfZeroFailsNamingTheKey() {
    assertThatThrownBy(() -> JobConfig.load(null, Map.of("journey.journeys.drivers.min-subjects", "0")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("journey.journeys.drivers.min-subjects");
  }

  @Test
  void minSubjectsThatIsNoWholeNumberFailsNamingTheKey() {
    assertThatThrownBy(() -> JobConfig.load(null, Map.of("journey.journeys.drivers.min-subjects", "few")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("journey.journeys.drivers.min-subjects")
        .hasMessageContaining("whole number");
  }
}
