package com.journeyanalytics.common.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Settings of the journey step (section journey.journeys): path table size, the funnels, how
 * activity paths are built and conversion drivers.
 */
public record JourneySettings(int topPaths, List<Funnel> funnels, ActivityPaths activityPaths, Drivers drivers) {

  public static final List<String> MODES = List.of("ordered", "strict", "any");
  public static final List<String> SOURCES = List.of("crm", "marketing", "support", "usage");

  /** A funnel: ordered steps, an order mode, a conversion window from step 1, exclusion activities. */
  public record Funnel(String name, List<FunnelStep> steps, String mode, int windowDays, List<String> exclusions) {}

  /**
   * One step: an activity, optionally only from a source, a channel, and under a condition
   * (same fields and operators as the stage rules). {@code name} is what funnel_steps shows.
   */
  public record FunnelStep(String name, String activity, String source, String channel, StageModel.Condition condition) {}

  /**
   * activity_paths (section paths): a subject's first {@code length} activities, once the
   * {@code ignoreActivities} are left out and consecutive repeats collapsed.
   */
  public record ActivityPaths(int length, List<String> ignoreActivities) {}

  /** conversion_drivers: factors held by fewer than {@code minSubjects} identified subjects are left out. */
  public record Drivers(int minSubjects) {}

  public static JourneySettings from(ConfigReader s) {
    int topPaths = s.intBetween("top-paths", 1, 100_000);
    List<Funnel> funnels = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (ConfigReader f : s.sections("funnels")) {
      String name = f.nonBlank("name");
      if (!names.add(name)) {
        throw f.bad("name", "'" + name + "' names two funnels");
      }
      List<FunnelStep> steps = new ArrayList<>();
      for (ConfigReader step : f.sections("steps")) {
        steps.add(step(step));
      }
      if (steps.isEmpty()) {
        throw f.bad("steps", "must list at least one step");
      }
      funnels.add(new Funnel(name, List.copyOf(steps), f.oneOf("mode", MODES), f.intBetween("window-days", 1, 3650),
          f.stringList("exclusions")));
    }
    Drivers drivers = new Drivers(s.section("drivers").intBetween("min-subjects", 1, 1_000_000_000));
    return new JourneySettings(topPaths, List.copyOf(funnels), activityPaths(s.section("paths")), drivers);
  }

  private static ActivityPaths activityPaths(ConfigReader p) {
    List<String> ignored = p.stringList("ignore-activities");
    for (String activity : ignored) {
      if (activity.isBlank()) {
        throw p.bad("ignore-activities", "must not contain an empty activity");
      }
    }
    return new ActivityPaths(p.intBetween("length", 1, 50), ignored);
  }

  private static FunnelStep step(ConfigReader step) {
    String activity = step.nonBlank("activity");
    String source = step.has("source") ? step.oneOf("source", SOURCES) : null;
    StageModel.Condition condition = null;
    if (step.has("condition")) {
      ConfigReader c = step.section("condition");
      condition = new StageModel.Condition(c.nonBlank("field"), c.oneOf("op", StageModel.Condition.OPS), c.string("value"));
    }
    String name = step.has("name") ? step.nonBlank("name") : activity;
    return new FunnelStep(name, activity, source, step.has("channel") ? step.nonBlank("channel") : null, condition);
  }
}
