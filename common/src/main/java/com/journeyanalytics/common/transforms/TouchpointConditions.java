package com.journeyanalytics.common.transforms;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.journeyanalytics.common.config.StageModel.Condition;
import java.math.BigDecimal;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataTypes;

/**
 * Column predicates over touchpoint rows, shared by the stage rules and the funnel steps. Values
 * from the configuration always enter as literals, never as SQL text.
 */
public final class TouchpointConditions {

  /** Fields that are touchpoint columns; any other condition field is a key of the features map. */
  public static final Set<String> COLUMN_FIELDS = Set.of("source", "channel", "dataset", "campaign_id");

  private TouchpointConditions() {}

  /** activity is one of {@code activities}, and source equals {@code source} when that is given. */
  public static Column activityFrom(List<String> activities, String source) {
    Column match = col("activity").isin(activities.toArray());
    return source == null ? match : match.and(col("source").equalTo(lit(source)));
  }

  /**
   * The condition as a predicate that is never null: a missing field never matches. A numeric
   * {@code value} compares numerically (so "10" >= "9"), any other value compares as text.
   */
  public static Column holds(Condition condition) {
    Column field = COLUMN_FIELDS.contains(condition.field())
        ? col(condition.field())
        : col("features").getItem(condition.field());
    BigDecimal number = numberOrNull(condition.value());
    Column left = number == null ? field : field.cast(DataTypes.createDecimalType(38, 10));
    Column right = number == null ? lit(condition.value()) : lit(number);
    Column result = switch (condition.op()) {
      case "=" -> left.equalTo(right);
      case "!=" -> left.notEqual(right);
      case ">" -> left.gt(right);
      case ">=" -> left.geq(right);
      case "<" -> left.lt(right);
      case "<=" -> left.leq(right);
      default -> throw new IllegalArgumentException("unknown operator " + condition.op());
    };
    return left.isNotNull().and(result);
  }

  private static BigDecimal numberOrNull(String text) {
    try {
      return new BigDecimal(text.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
