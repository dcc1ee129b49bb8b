package com.journeyanalytics.jobs.ingest;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.map;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.upper;
import static org.apache.spark.sql.functions.when;

import com.journeyanalytics.common.privacy.EmailMasking;
import com.journeyanalytics.common.schema.InputContract;
import com.journeyanalytics.common.schema.InputContract.Type;
import com.journeyanalytics.common.schema.Silver;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Turns raw string columns into typed ones and says, per row, why it cannot be used. A row with
 * any reason goes to the quarantine; unknown enum values are kept as "other" and counted.
 */
public final class ExportValidation {

  public static final String REASONS = "_reasons";
  public static final String UNKNOWN_ENUMS = "_unknown_enum_values";

  private static final String ISO_TIMESTAMP =
      "^\\d{4}-\\d{2}-\\d{2}([T ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?)?(Z|[+-]\\d{2}(:?\\d{2})?)?$";
  private static final String ISO_DATE = "^\\d{4}-\\d{2}-\\d{2}$";
  private static final String DECIMAL = "^[+-]?\\d{1,14}(\\.\\d+)?$";
  private static final String INTEGER = "^[+-]?\\d{1,9}$";
  private static final String EMAIL = "^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$";

  private ExportValidation() {}

  /**
   * Parses every canonical column of {@code contract} (timestamps to UTC, emails to their hash in
   * {@code <column>_sha256}, enums to their canonical spelling or "other", addresses in free text
   * masked, all by {@code masking}) and adds
   * {@code _reasons} (array, empty when the row is usable) and {@code _unknown_enum_values}.
   * Timestamps at or after {@code futureCutoff} are rejected.
   *
   * <p>Three selects, so that each value is trimmed and parsed once per row: a column defined by a
   * select and used several times by the next is computed once (Spark does not collapse two selects
   * when that would repeat a costly expression), and the reasons are concatenated arrays, which
   * Spark compiles, where a compacted array would be evaluated row by row by the interpreter,
   * parsing every value again.
   */
  public static Dataset<Row> withTypedColumns(Dataset<Row> raw, InputContract.Dataset contract, Instant futureCutoff,
      EmailMasking masking) {
    List<Column> lineage = List.of(col(RawExport.RAW_RECORD), col(RawExport.SOURCE_FILE), col(RawExport.EXPORT_DATE),
        col(RawExport.IS_MALFORMED));
    List<Column> trimmed = new ArrayList<>(lineage);
    List<Column> parsed = new ArrayList<>(lineage);
    for (InputContract.Column column : contract.columns()) {
      String name = column.name();
      Column value = when(trim(col(name)).notEqual(""), trim(col(name)));
      // An enum is matched without regard to case; its raw spelling is never kept.
      trimmed.add((column.isEnum() ? lower(value) : value).as(VALUE + name));
      parsed.add(col(VALUE + name));
      parsed.add(parsed(column, col(VALUE + name), masking).as(PARSED + name));
    }

    List<Column> out = new ArrayList<>();
    List<Column> reasons = new ArrayList<>();
    Column unknownEnums = lit(0);
    for (InputContract.Column column : contract.columns()) {
      String name = column.name();
      Column value = col(VALUE + name);
      Column typed = col(PARSED + name);
      if (column.required()) {
        reasons.add(reason(value.isNull(), "missing required value: " + name));
      }
      String unparseable = switch (column.type()) {
        case STRING -> null;
        case TIMESTAMP -> "unparseable timestamp in ";
        case DATE -> "unparseable date in ";
        case DECIMAL -> "unparseable number in ";
        case INTEGER -> "unparseable integer in ";
        case EMAIL -> "malformed email in ";
      };
      if (unparseable != null) {
        reasons.add(reason(value.isNotNull().and(typed.isNull()), unparseable + name));
      }
      if (column.type() == Type.TIMESTAMP) {
        reasons.add(reason(typed.geq(lit(Timestamp.from(futureCutoff))),
            name + " is after the run date by more than the tolerance"));
      }
      if (column.isEnum()) {
        unknownEnums = unknownEnums.plus(when(typed.equalTo("other"), 1).otherwise(0));
      }
      out.add(typed.as(column.cleanedName()));
    }
    Column malformed = col(RawExport.IS_MALFORMED);
    out.add(when(malformed, array(lit("malformed record"))).otherwise(reasons(reasons)).as(REASONS));
    out.add(when(malformed, lit(0)).otherwise(unknownEnums).as(UNKNOWN_ENUMS));
    out.add(col(RawExport.RAW_RECORD));
    out.add(col(RawExport.SOURCE_FILE));
    out.add(col(RawExport.EXPORT_DATE));
    return raw.select(trimmed.toArray(new Column[0])).select(parsed.toArray(new Column[0]))
        .select(out.toArray(new Column[0]));
  }

  private static final String VALUE = "_value_";
  private static final String PARSED = "_parsed_";

  /** The typed value of one trimmed, non-blank {@code value} (null when absent or not parseable). */
  private static Column parsed(InputContract.Column column, Column value, EmailMasking masking) {
    return switch (column.type()) {
      case STRING -> {
        if (column.isEnum()) {
          // value is lower-cased already.
          Column canonical = lit("other");
          for (int i = column.allowed().size() - 1; i >= 0; i--) {
            String allowed = column.allowed().get(i);
            canonical = when(value.equalTo(allowed.toLowerCase()), lit(allowed)).otherwise(canonical);
          }
          yield when(value.isNotNull(), canonical);
        }
        // Free text (a landing page, a comment, a name) may hold an address: masked before it is stored anywhere.
        yield masking.masked(value);
      }
      // A trailing Z is dropped before the cast: without an offset the session's time zone (UTC,
      // SparkSessions) applies, the same instant, while a parsed offset costs Spark two regular
      // expressions compiled per value (DateTimeUtils.getZoneId), a tenth of a large ingest's time.
      case TIMESTAMP -> when(value.rlike(ISO_TIMESTAMP),
          when(value.endsWith("Z"), value.substr(lit(1), length(value).minus(1))).otherwise(value)
              .cast(DataTypes.TimestampType));
      case DATE -> when(value.rlike(ISO_DATE), to_date(value));
      case DECIMAL -> when(value.rlike(DECIMAL), value.cast(Silver.AMOUNT));
      case INTEGER -> when(value.rlike(INTEGER), value.cast(DataTypes.IntegerType));
      case EMAIL -> when(value.rlike(EMAIL), masking.hashed(value));
    };
  }

  private static final Column NO_REASONS = array().cast(DataTypes.createArrayType(DataTypes.StringType));

  /** A one-reason array when {@code condition} holds, an empty one otherwise (also when it is null). */
  private static Column reason(Column condition, String message) {
    return when(condition, array(lit(message))).otherwise(NO_REASONS);
  }

  /** The reasons that hold, in order. */
  private static Column reasons(List<Column> reasons) {
    return reasons.isEmpty() ? NO_REASONS : concat(reasons.toArray(new Column[0]));
  }

  /**
   * The rules that span columns or need configuration: who a touch/ticket/survey belongs to,
   * survey score ranges, and money in the reporting currency ({@code rates}: units of the
   * reporting currency per unit; an amount without a currency is taken as reporting currency).
   */
  public static Dataset<Row> withDatasetRules(
      Dataset<Row> typed, String dataset, Map<String, BigDecimal> rates, String reportingCurrency) {
    List<Column> extra = new ArrayList<>();
    Dataset<Row> out = typed;
    switch (dataset) {
      case "touches" -> extra.add(reason(col("email_sha256").isNull().and(col("anonymous_id").isNull()),
          "neither email nor anonymous_id"));
      case "tickets" -> extra.add(reason(col("account_id").isNull().and(col("requester_email_sha256").isNull()),
          "neither account_id nor requester_email"));
      case "surveys" -> {
        extra.add(reason(col("account_id").isNull().and(col("respondent_email_sha256").isNull()),
            "neither account_id nor respondent_email"));
        Column score = col("score");
        Column type = col("survey_type");
        extra.add(reason(type.equalTo("nps").and(score.lt(0).or(score.gt(10))), "score out of range for nps (0-10)"));
        extra.add(reason(type.equalTo("csat").and(score.lt(1).or(score.gt(5))), "score out of range for csat (1-5)"));
        extra.add(reason(type.equalTo("ces").and(score.lt(1).or(score.gt(7))), "score out of range for ces (1-7)"));
        extra.add(reason(type.equalTo("other"), "unknown survey_type"));
      }
      case "invoices", "opportunities" -> out = withReportingMoney(out, "amount", "amount_reporting", rates, reportingCurrency, extra);
      case "campaigns" -> out = withReportingMoney(out, "spend", "spend_reporting", rates, reportingCurrency, extra);
      default -> { }
    }
    if (extra.isEmpty()) {
      return out;
    }
    extra.add(0, col(REASONS));
    return out.withColumn(REASONS, concat(extra.toArray(new Column[0])));
  }

  private static Dataset<Row> withReportingMoney(Dataset<Row> df, String amount, String converted,
      Map<String, BigDecimal> rates, String reportingCurrency, List<Column> reasons) {
    List<Column> entries = new ArrayList<>();
    rates.forEach((code, rate) -> {
      entries.add(lit(code));
      entries.add(lit(rate).cast(DataTypes.createDecimalType(18, 8)));
    });
    Column currency = coalesce(upper(col("currency")), lit(reportingCurrency));
    Column rate = element_at(map(entries.toArray(new Column[0])), currency);
    reasons.add(reason(col(amount).isNotNull().and(rate.isNull()), "no fx rate for the currency of " + amount));
    return df
        .withColumn("currency", when(col(amount).isNotNull(), currency).otherwise(upper(col("currency"))))
        .withColumn(converted, col(amount).multiply(rate).cast(Silver.MONEY));
  }
}
