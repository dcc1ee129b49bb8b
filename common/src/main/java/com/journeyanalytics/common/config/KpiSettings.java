package com.journeyanalytics.common.config;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Settings of the KPI step: the windows of the conversion KPIs, the first-response SLA per ticket
 * priority, the CLV cap and the journey_score weights (see docs/kpis.md).
 */
public record KpiSettings(
    int trialToPaidWindowDays,
    int leadToCustomerWindowDays,
    int onboardingWindowDays,
    Map<String, Integer> firstResponseSlaHours,
    int clvCapMonths,
    Map<String, BigDecimal> journeyScoreWeights) {

  /** Ticket priorities with an SLA; a ticket of any other priority gets the normal SLA. */
  public static final List<String> PRIORITIES = List.of("urgent", "high", "normal", "low");

  /** The KPIs journey_score may weigh (nps enters as (nps + 100) / 2). */
  public static final List<String> JOURNEY_SCORE_COMPONENTS = List.of(
      "lead_to_customer_rate", "trial_to_paid_rate", "onboarding_completion_rate", "customer_retention_rate",
      "nps", "csat", "first_response_sla_rate");

  public int slaHours(String priority) {
    return firstResponseSlaHours.get(priority);
  }

  static KpiSettings from(ConfigReader k) {
    Map<String, Integer> sla = new TreeMap<>();
    ConfigReader slaSection = k.section("first-response-sla-hours");
    for (String priority : PRIORITIES) {
      sla.put(priority, slaSection.intBetween(priority, 1, 24 * 365));
    }
    Map<String, BigDecimal> weights = k.decimalMap("journey-score-weights");
    weights.forEach((kpi, weight) -> {
      if (!JOURNEY_SCORE_COMPONENTS.contains(kpi)) {
        throw k.bad("journey-score-weights." + kpi, "is not one of " + JOURNEY_SCORE_COMPONENTS);
      }
      if (weight.signum() < 0 || weight.compareTo(BigDecimal.valueOf(1000)) > 0) {
        throw k.bad("journey-score-weights." + kpi, weight + " is outside 0..1000");
      }
    });
    if (weights.values().stream().noneMatch(w -> w.signum() > 0)) {
      throw k.bad("journey-score-weights", "needs at least one positive weight");
    }
    return new KpiSettings(
        k.intBetween("trial-to-paid-window-days", 1, 3650),
        k.intBetween("lead-to-customer-window-days", 1, 3650),
        k.intBetween("onboarding-window-days", 1, 3650),
        Map.copyOf(sla),
        k.intBetween("clv-cap-months", 1, 1200),
        Map.copyOf(weights));
  }
}
