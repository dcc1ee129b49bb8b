package com.journeyanalytics.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TouchpointSettingsTest {

  private static final String KEY = "journey.touchpoints.find-changed-customers-above";

  @Test
  void findChangedCustomersAboveDefaultsTo64MebibytesAndTakesAnySize() {
    // 64 MiB = 64 x 1,024 x 1,024 = 67,108,864 bytes; 512k = 512 x 1,024 = 524,288.
    assertThat(JobConfig.load(null, Map.of()).touchpoints().findChangedCustomersAboveBytes()).isEqualTo(67_108_864L);
    assertThat(JobConfig.load(null, Map.of(KEY, "512k")).touchpoints().findChangedCustomersAboveBytes())
        .isEqualTo(524_288L);
    assertThat(JobConfig.load(null, Map.of(KEY, "0")).touchpoints().findChangedCustomersAboveBytes()).isZero();
  }

  @Test
  void aSizeThatIsNoSizeFailsNamingTheKey() {
    assertThatThrownBy(() -> JobConfig.load(null, Map.of(KEY, "lots")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining(KEY)
        .hasMessageContaining("size");
  }

  @Test
  void aNegativeSizeFailsNamingTheKey() {
    assertThatThrownBy(() -> JobConfig.load(null, Map.of(KEY, "-1")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining(KEY);
  }
}
