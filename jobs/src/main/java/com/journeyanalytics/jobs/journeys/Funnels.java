package com.journeyanalytics.jobs.journeys;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_compact;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.StringType;

import com.journeyanalytics.common.config.JourneySettings.Funnel;
import com.journeyanalytics.common.config.JourneySettings.FunnelStep;
import com.journeyanalytics.common.transforms.TouchpointConditions;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/** The configured funnels as data: which touchpoints satisfy which step, and the definitions. */
final class Funnels {

  static final StructType DEFINITIONS = new StructType()
      .add("funnel", StringType).add("mode", StringType).add("window_days", IntegerType).add("steps", IntegerType);
  static final StructType STEPS = new StructType()
      .add("funnel", StringType).add("step", IntegerType).add("step_name", StringType);

  private Funnels() {}

  /**
   * One row per (funnel, touchpoint) that satisfies a step or is an exclusion: funnel,
   * customer_key, seq, occurred_at, matches (the step numbers it satisfies), is_exclusion. The
   * explode keeps the timeline's partitioning by customer, so walking the funnels needs no shuffle.
   */
  static Dataset<Row> funnelTouches(Dataset<Row> timeline, List<Funnel> funnels) {
    List<Column> perFunnel = new ArrayList<>();
    for (Funnel funnel : funnels) {
      List<Column> steps = new ArrayList<>();
      for (int i = 0; i < funnel.steps().size(); i++) {
        steps.add(when(holds(funnel.steps().get(i)), lit(i + 1)));
      }
      Column exclusion = funnel.exclusions().isEmpty()
          ? lit(false)
          : col("activity").isin(funnel.exclusions().toArray());
      perFunnel.add(struct(
          lit(funnel.name()).as("funnel"),
          array_compact(array(steps.toArray(new Column[0]))).as("matches"),
          exclusion.as("is_exclusion")));
    }
    Dataset<Row> exploded = timeline.select(
        col("customer_key"), col("seq"), col("occurred_at"),
        explode(perFunnel.isEmpty() ? array().cast("array<struct<funnel:string,matches:array<int>,is_exclusion:boolean>>")
            : array(perFunnel.toArray(new Column[0]))).as("f"));
    return exploded
        .select(col("f.funnel").as("funnel"), col("customer_key"), col("seq"), col("occurred_at"),
            col("f.matches").as("matches"), col("f.is_exclusion").as("is_exclusion"))
        .where(size(col("matches")).gt(0).or(col("is_exclusion")));
  }

  /**
   * funnel_customers.sql's rows (funnel, customer_key, reached_steps, step_reached_at, is_excluded)
   * back from the subjects' facts, which hold them per subject.
   */
  static Dataset<Row> customers(Dataset<Row> facts) {
    return facts.select(col("customer_key"), explode(col("funnels")).as("f"))
        .select(col("f.funnel").as("funnel"), col("customer_key"), col("f.reached_steps").as("reached_steps"),
            col("f.step_reached_at").as("step_reached_at"), col("f.is_excluded").as("is_excluded"));
  }

  /** Whether a touchpoint satisfies step {@code step} (1-based) of {@code funnel}. */
  static Column holdsStep(Funnel funnel, int step) {
    return holds(funnel.steps().get(step - 1));
  }

  static Dataset<Row> definitions(SparkSession spark, List<Funnel> funnels) {
    List<Row> rows = new ArrayList<>();
    for (Funnel funnel : funnels) {
      rows.add(RowFactory.create(funnel.name(), funnel.mode(), funnel.windowDays(), funnel.steps().size()));
    }
    return spark.createDataFrame(rows, DEFINITIONS);
  }

  static Dataset<Row> stepNames(SparkSession spark, List<Funnel> funnels) {
    List<Row> rows = new ArrayList<>();
    for (Funnel funnel : funnels) {
      for (int i = 0; i < funnel.steps().size(); i++) {
        rows.add(RowFactory.create(funnel.name(), i + 1, funnel.steps().get(i).name()));
      }
    }
    return spark.createDataFrame(rows, STEPS);
  }

  private static Column holds(FunnelStep step) {
    Column match = TouchpointConditions.activityFrom(List.of(step.activity()), step.source());
    if (step.channel() != null) {
      match = match.and(col("channel").eqNullSafe(lit(step.channel())));
    }
    if (step.condition() != null) {
      match = match.and(TouchpointConditions.holds(step.condition()));
    }
    return match;
  }
}
