package com.journeyanalytics.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KpiSettingsTest {

  @Test
  void defaultsAreTheDocumentedOnes() {
    KpiSettings kpis = JobConfig.load(null, Map.of()).kpis();

    assertThat(kpis.trialToPaidWindowDays()).isEqualTo(30);
    assertThat(kpis.leadToCustomerWindowDays()).isEqualTo(90);
    assertThat(kpis.onboardingWindowDays()).isEqualTo(14);
    assertThat(kpis.firstResponseSlaHours()).containsExactlyInAnyOrderEntriesOf(
        Map.of("urgent", 1, "high", 4, "normal", 24, "low", 48));
    assertThat(kpis.clvCapMonths()).isEqualTo(60);
    assertThat(kpis.journeyScoreWeights()).hasSize(7)
        .containsEntry("customer_retention_rate", new BigDecimal("2"))
        .containsEntry("nps", new BigDecimal("1"));
  }

  @Test
  void overridesAreBound() {
    KpiSettings kpis = JobConfig.load(null, Map.of(
        "journey.kpis.trial-to-paid-window-days", "14",
        "journey.kpis.first-response-sla-hours.urgent", "2")).kpis();

    assertThat(kpis.trialToPaidWindowDays()).isEqualTo(14);
    assertThat(kpis.slaHours("urgent")).isEqualTo(2);
  }

  @Test
  void aWeightForAnUnknownKpiFailsNamingTheKey() {
    assertThatThrownBy(() -> JobConfig.load(null, Map.of("journey.kpis.journey-score-weights.mau", "1")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("journey.kpis.journey-score-weights.mau");
  }

  @Test
  void aWindowOfZeroDaysFailsNamingTheKey() {
    assertThatThrownBy(() -> JobConfig.load(null, Map.of("journey.kpis.onboarding-window-days", "0")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("journey.kpis.onboarding-window-days");
  }
}
