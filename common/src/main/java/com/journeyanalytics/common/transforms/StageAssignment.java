package com.journeyanalytics.common.transforms;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.last;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import com.journeyanalytics.common.config.StageModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * Assigns each touchpoint the customer's lifecycle stage once it is applied (see the output
 * contract, "Lifecycle stages").
 *
 * <p>Set-based, with window functions over one partitioning by customer_key:
 * <ul>
 *   <li>the first matching rule gives the touchpoint's mapped stage order (null = inherit);</li>
 *   <li>paid_before: the last purchase-or-churn event strictly before the row is a purchase;</li>
 *   <li>a purchase while churned (last event a churn, some purchase before) is a reactivation, and
 *       the running count of reactivations is the row's epoch;</li>
 *   <li>a mapped order is eligible unless it requires purchase (or is the churn stage) and the
 *       customer is not paid before the row; ineligible rows inherit;</li>
 *   <li>stage_order = running max of epoch * 1000 + eligible order, mod 1000: stages only move
 *       forward within an epoch, and a reactivation's purchase starts above everything before.</li>
 * </ul>
 * A customer has no stage (null) until its first eligible mapped touchpoint: activities that
 * inherit before then inherit nothing.
 */
public final class StageAssignment {

  private static final int EPOCH = 1000;

  private StageAssignment() {}

  public static Dataset<Row> withStage(Dataset<Row> timeline, StageModel model) {
    if (model.order().size() >= EPOCH) {
      throw new IllegalArgumentException("at most " + (EPOCH - 1) + " stages are supported");
    }
    int purchase = model.orderOf(model.purchaseStage());
    int churn = model.orderOf(model.churnStage());

    WindowSpec byCustomer = Window.partitionBy("customer_key").orderBy("occurred_at", "touchpoint_id");
    WindowSpec before = byCustomer.rowsBetween(Window.unboundedPreceding(), -1);
    WindowSpec upToNow = byCustomer.rowsBetween(Window.unboundedPreceding(), Window.currentRow());

    Column isPurchase = col("_mapped_order").equalTo(lit(purchase));
    Column lastPaidOrChurn = last(when(isPurchase, lit("P")).when(col("_mapped_order").equalTo(lit(churn)), lit("C")), true)
        .over(before);
    Column purchasedBefore = max(when(isPurchase, lit(1))).over(before).isNotNull();

    List<String> requiresPurchase = new ArrayList<>(model.requiresPurchase());
    requiresPurchase.add(model.churnStage());
    Column needsPayment = col("_mapped_order").isin(requiresPurchase.stream().map(model::orderOf).toArray());
    Column eligible = when(needsPayment.and(col("_paid_before").unary_$bang()), lit(null).cast("int"))
        .otherwise(col("_mapped_order"));

    Column[] stageNames = model.order().stream().map(s -> lit(s)).toArray(Column[]::new);
    Dataset<Row> withFlags = timeline
        .withColumn("_mapped_order", mappedOrder(model))
        .withColumn("_last_event", lastPaidOrChurn)
        .withColumn("_paid_before", col("_last_event").eqNullSafe(lit("P")))
        .withColumn("_is_reactivation", isPurchase.and(col("_last_event").eqNullSafe(lit("C"))).and(purchasedBefore));
    Dataset<Row> withOrder = withFlags
        .withColumn("_epoch", sum(when(col("_is_reactivation"), lit(1)).otherwise(lit(0))).over(upToNow))
        .withColumn("_ranked", max(col("_epoch").multiply(lit(EPOCH)).plus(eligible)).over(upToNow))
        .withColumn("_stage_order", pmod(col("_ranked"), lit(EPOCH)).cast("int"))
        .withColumn("_stage", element_at(array(stageNames), col("_stage_order")));

    return withOrder.select(outputColumns(timeline.columns()));
  }

  /** The first matching rule's stage order; null when it maps to inherit or no rule matches. */
  static Column mappedOrder(StageModel model) {
    Column result = null;
    for (StageModel.Rule rule : model.rules()) {
      Column matches = TouchpointConditions.activityFrom(rule.activities(), rule.source());
      if (rule.condition() != null) {
        matches = matches.and(TouchpointConditions.holds(rule.condition()));
      }
      Column order = rule.stage().equals(StageModel.INHERIT) ? lit(null).cast("int") : lit(model.orderOf(rule.stage()));
      result = result == null ? when(matches, order) : result.when(matches, order);
    }
    return result == null ? lit(null).cast("int") : result;
  }

  /** The input's columns with stage and stage_order replaced in place, or appended. */
  private static Column[] outputColumns(String[] input) {
    List<Column> out = new ArrayList<>();
    for (String name : input) {
      if (name.equals("stage")) {
        out.add(col("_stage").as("stage"));
      } else if (name.equals("stage_order")) {
        out.add(col("_stage_order").as("stage_order"));
      } else {
        out.add(col(name));
      }
    }
    if (!Arrays.asList(input).contains("stage")) {
      out.add(col("_stage").as("stage"));
    }
    if (!Arrays.asList(input).contains("stage_order")) {
      out.add(col("_stage_order").as("stage_order"));
    }
    return out.toArray(new Column[0]);
  }
}
