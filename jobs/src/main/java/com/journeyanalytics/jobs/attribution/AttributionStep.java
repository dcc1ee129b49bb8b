package com.journeyanalytics.jobs.attribution;

import com.journeyanalytics.common.config.AttributionSettings;
import com.journeyanalytics.common.delta.TableStore.WriteResult;
import com.journeyanalytics.common.quality.QualityCheck;
import com.journeyanalytics.common.schema.Silver;
import com.journeyanalytics.common.schema.Touchpoints;
import com.journeyanalytics.jobs.journeys.PayingIntervals;
import com.journeyanalytics.jobs.pipeline.RunContext;
import com.journeyanalytics.jobs.pipeline.Step;
import com.journeyanalytics.jobs.pipeline.StepResult;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * Marketing attribution: channel_paths, attribution (seven models, intervals, spend, ROAS) and
 * markov_transitions. Paths and rule-based credit are SQL; the driver works on small aggregates
 * only: the Markov chain's transition matrix (see {@link MarkovChain}), the subjects grouped by
 * their paths and credit, from which it builds the Shapley game of channel sets
 * ({@link ShapleyGame}) and draws the bootstrap resamples ({@link AttributionBootstrap}).
 */
public final class AttributionStep implements Step {

  public static final List<String> MODELS =
      List.of("first_touch", "last_touch", "linear", "time_decay", "position_based", "markov",
          "shapley");

  /** Half a unit of the written scale per channel row: the most rounding can move a sum. */
  private static final BigDecimal CONVERSIONS_TOLERANCE_PER_ROW = new BigDecimal("0.0000005");
  private static final BigDecimal REVENUE_TOLERANCE_PER_ROW = new BigDecimal("0.00005");

  @Override
  public String name() {
    return "attribution";
  }

  @Override
  public StepResult run(RunContext ctx) {
    AttributionSettings settings = ctx.config().attribution();
    Instant runEnd = ctx.runDate().plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    AttributionTransforms.Window window = AttributionTransforms.Window.endingAt(runEnd, settings.windowDays());
    Dataset<Row> touchpoints = ctx.tables().read(Touchpoints.SPEC.name());
    Dataset<Row> invoices = ctx.staging().readOrEmpty(Silver.INVOICES);

    Dataset<Row> intervals = PayingIntervals.intervals(PayingIntervals.milestoneRoles(
        ctx.staging().readOrEmpty(Silver.ACCOUNT_MILESTONES), Timestamp.from(runEnd)));

    Dataset<Row> conversions = AttributionTransforms.conversions(intervals, invoices, window,
        settings.revenueWindowDays());
    Dataset<Row> pathTouches = AttributionTransforms
        .pathTouches(touchpoints, conversions, intervals, window, settings.lookbackDays(), settings.collapseRepeats())
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      List<WriteResult> writes = new ArrayList<>();
      writes.add(ctx.tables().replace(AttributionTables.CHANNEL_PATHS,
          AttributionTransforms.channelPaths(pathTouches, ctx.runDate(), ctx.runId())));

      Dataset<Row> transitions = AttributionTransforms.markovTransitions(
          pathTouches, settings.markovOrder(), ctx.runDate(), ctx.runId());
      writes.add(ctx.tables().replace(AttributionTables.MARKOV_TRANSITIONS, transitions));
      MarkovChain chain = MarkovChain.of(AttributionTransforms.transitions(
          ctx.tables().read(AttributionTables.MARKOV_TRANSITIONS.name()).collectAsList()));

      Row totals = AttributionTransforms.convertedTotals(pathTouches).first();
      long convertedWithTouch = totals.getLong(0);
      BigDecimal revenueWithTouch = AttributionTransforms.decimalOrZero(totals, "revenue");

      Dataset<Row> ruleWeights = AttributionTransforms.ruleWeights(pathTouches, settings.halfLifeDays(),
          settings.positionFirstPercent(), settings.positionLastPercent(), settings.positionMiddlePercent());
      List<AttributionBootstrap.SubjectGroup> groups = AttributionBootstrap.groups(
          AttributionTransforms.subjectGroups(pathTouches, ruleWeights).collectAsList());
      ShapleyGame game = ShapleyGame.of(AttributionBootstrap.channelSets(groups));

      Dataset<Row> credit = AttributionTransforms.ruleBasedCredit(ruleWeights)
          .unionByName(AttributionTransforms.markovCredit(ctx.spark(),
              chain.credit(BigDecimal.valueOf(convertedWithTouch), revenueWithTouch)))
          .unionByName(AttributionTransforms.shapleyCredit(ctx.spark(),
              game.credit(BigDecimal.valueOf(convertedWithTouch), revenueWithTouch)));
      Dataset<Row> conversionIntervals = AttributionTransforms.intervals(ctx.spark(),
          AttributionBootstrap.intervals(groups, settings.markovOrder(), game, settings.bootstrap()));
      Dataset<Row> spend = settings.spendSource() == AttributionSettings.SpendSource.TOUCH_COST
          ? AttributionTransforms.touchCostSpend(touchpoints, window)
          : AttributionTransforms.campaignSpend(ctx.staging().readOrEmpty(Silver.CAMPAIGNS), window);
      writes.add(ctx.tables().replace(AttributionTables.ATTRIBUTION,
          AttributionTransforms.attribution(credit, conversionIntervals, spend, ctx.runDate(), ctx.runId())));

      List<QualityCheck> checks = conservationChecks(
          AttributionTransforms.modelTotals(ctx.tables().read(AttributionTables.ATTRIBUTION.name())).collectAsList(),
          convertedWithTouch, revenueWithTouch);
      return StepResult.of(writes, checks);
    } finally {
      pathTouches.unpersist();
    }
  }

  /** Per model: channel-level conversions and revenue add up to those of the conversions with a touch. */
  static List<QualityCheck> conservationChecks(List<Row> modelTotals, long conversions, BigDecimal revenue) {
    Map<String, Row> byModel = new HashMap<>();
    modelTotals.forEach(row -> byModel.put(row.getAs("model"), row));
    List<QualityCheck> checks = new ArrayList<>();
    for (String model : MODELS) {
      Row row = byModel.get(model);
      long rows = row == null ? 0 : row.<Long>getAs("channel_rows");
      BigDecimal rowCount = BigDecimal.valueOf(rows);
      checks.add(conserved(model, "conversions",
          row == null ? BigDecimal.ZERO : AttributionTransforms.decimalOrZero(row, "conversions"),
          BigDecimal.valueOf(conversions), CONVERSIONS_TOLERANCE_PER_ROW.multiply(rowCount)));
      checks.add(conserved(model, "revenue",
          row == null ? BigDecimal.ZERO : AttributionTransforms.decimalOrZero(row, "revenue"),
          revenue, REVENUE_TOLERANCE_PER_ROW.multiply(rowCount)));
    }
    return checks;
  }

  private static QualityCheck conserved(String model, String what, BigDecimal actual, BigDecimal expected, BigDecimal tolerance) {
    BigDecimal difference = actual.subtract(expected).abs();
    boolean ok = difference.compareTo(tolerance) <= 0;
    String message = model + ": " + what + " credited over channels " + actual.toPlainString()
        + (ok ? " = " : " != ") + expected.toPlainString() + " of the conversions with at least one touch"
        + " (tolerance " + tolerance.toPlainString() + " for rounding)";
    return new QualityCheck("attribution", "attribution_" + what + "_conserved_" + model,
        ok ? QualityCheck.Status.PASS : QualityCheck.Status.FAIL,
        actual.doubleValue(), expected.doubleValue(), message);
  }
}
