package com.journeyanalytics.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class AttributionSettingsTest {

  @Test
  void bootstrapDefaultsAreTwoHundredResamplesAtNinetyPercentWithAFixedSeed() {
    AttributionSettings.Bootstrap bootstrap = JobConfig.load(null, Map.of()).attribution().bootstrap();

    assertThat(bootstrap).isEqualTo(new AttributionSettings.Bootstrap(200, 16, 90));
  }

  @Test
  void bootstrapOverridesAreBound() {
    AttributionSettings.Bootstrap bootstrap = JobConfig.load(null, Map.of(
        "journey.attribution.bootstrap.resamples", "1000",
        "journey.attribution.bootstrap.seed", "-7",
        "journey.attribution.bootstrap.confidence", "95")).attribution().bootstrap();

    assertThat(bootstrap).isEqualTo(new AttributionSettings.Bootstrap(1000, -7, 95));
  }

  @Test
  void tooFewResamplesFailNamingTheKey() {
    assertThatThrownBy(() -> JobConfig.load(null, Map.of("journey.attribution.bootstrap.resamples", "5")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("journey.attribution.bootstrap.resamples")
        .hasMessageContaining("10..10000");
  }

  @Test
  void aConfidenceOfAHundredPercentFailsNamingTheKey() {
    assertThatThrownBy(() -> JobConfig.load(null, Map.of("journey.attribution.bootstrap.confidence", "100")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("journey.attribution.bootstrap.confidence");
  }
}
