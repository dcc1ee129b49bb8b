package com.journeyanalytics.common.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The lifecycle-stage model: stages in order, which stages need an active purchase, and the
 * ordered rules that map an activity (optionally under a condition) to a stage or to "inherit".
 * The first matching rule wins; an activity no rule matches inherits.
 */
public record StageModel(
    List<String> order, String purchaseStage, String churnStage, Set<String> requiresPurchase, List<Rule> rules) {

  public static final String INHERIT = "inherit";

  /** {@code field} is source, channel, dataset, campaign_id or a key of the features map. */
  public record Condition(String field, String op, String value) {
    public static final List<String> OPS = List.of("=", "!=", ">", ">=", "<", "<=");
  }

  public record Rule(String stage, List<String> activities, String source, Condition condition) {}

  /** 1-based position of a stage in the order. */
  public int orderOf(String stage) {
    int index = order.indexOf(stage);
    if (index < 0) {
      throw new IllegalArgumentException("unknown stage " + stage);
    }
    return index + 1;
  }

  static StageModel from(ConfigReader s) {
    List<String> order = s.stringList("order");
    if (order.isEmpty() || Set.copyOf(order).size() != order.size()) {
      throw s.bad("order", "must list each stage once");
    }
    String purchase = s.nonBlank("purchase-stage");
    String churn = s.nonBlank("churn-stage");
    if (!order.contains(purchase)) {
      throw s.bad("purchase-stage", "'" + purchase + "' is not in order " + order);
    }
    if (!order.get(order.size() - 1).equals(churn)) {
      throw s.bad("churn-stage", "'" + churn + "' must be the last stage of order " + order);
    }
    List<String> requires = s.stringList("requires-purchase");
    for (String stage : requires) {
      if (!order.contains(stage) || order.indexOf(stage) <= order.indexOf(purchase) || stage.equals(churn)) {
        throw s.bad("requires-purchase", "'" + stage + "' must be a stage between " + purchase + " and " + churn);
      }
    }
    List<Rule> rules = new ArrayList<>();
    for (ConfigReader r : s.sections("rules")) {
      String stage = r.nonBlank("stage");
      if (!stage.equals(INHERIT) && !order.contains(stage)) {
        throw r.bad("stage", "'" + stage + "' is not a stage of " + order + " nor " + INHERIT);
      }
      List<String> activities = r.stringList("activities");
      if (activities.isEmpty()) {
        throw r.bad("activities", "must name at least one activity");
      }
      Condition condition = null;
      if (r.has("condition")) {
        ConfigReader c = r.section("condition");
        condition = new Condition(c.nonBlank("field"), c.oneOf("op", Condition.OPS), c.string("value"));
      }
      rules.add(new Rule(stage, activities, r.optionalString("source"), condition));
    }
    return new StageModel(List.copyOf(order), purchase, churn, Set.copyOf(requires), List.copyOf(rules));
  }
}
