package com.journeyanalytics.jobs.ingest;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_compact;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
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
   */
  public static Dataset<Row> withTypedColumns(Dataset<Row> raw, InputContract.Dataset contract, Instant futureCutoff,
      EmailMasking masking) {
    List<Column> out = new ArrayList<>();
    List<Column> reasons = new ArrayList<>();
    Column unknownEnums = lit(0);
    for (InputContract.Column column : contract.columns()) {
      String name = column.name();
      Column value = when(trim(col(name)).notEqual(""), trim(col(name)));
      if (column.required()) {
        reasons.add(when(value.isNull(), lit("missing required value: " + name)));
      }
      switch (column.type()) {
        case STRING -> {
          if (column.isEnum()) {
            Column canonical = lit("other");
            for (int i = column.allowed().size() - 1; i >= 0; i--) {
              String allowed = column.allowed().get(i);
              canonical = when(lower(value).equalTo(allowed.toLowerCase()), lit(allowed)).otherwise(canonical);
            }
            Column typed = when(value.isNotNull(), canonical);
            out.add(typed.as(name));
            unknownEnums = unknownEnums.plus(when(typed.equalTo("other"), 1).otherwise(0));
          } else {
            // Free text (a landing page, a comment, a name) may hold an address: masked before it is stored anywhere.
            out.add(masking.masked(value).as(name));
          }
        }
        case TIMESTAMP -> {
          Column parsed = when(value.rlike(ISO_TIMESTAMP), value.cast(DataTypes.TimestampType));
          reasons.add(when(value.isNotNull().and(parsed.isNull()), lit("unparseable timestamp in " + name)));
          reasons.add(when(parsed.geq(lit(Timestamp.from(futureCutoff))),
              lit(name + " is after the run date by more than the tolerance")));
          out.add(parsed.as(name));
        }
        case DATE -> {
          Column parsed = when(value.rlike(ISO_DATE), to_date(value));
          reasons.add(when(value.isNotNull().and(parsed.isNull()), lit("unparseable date in " + name)));
          out.add(parsed.as(name));
        }
        case DECIMAL -> {
          Column parsed = when(value.rlike(DECIMAL), value.cast(Silver.AMOUNT));
          reasons.add(when(value.isNotNull().and(parsed.isNull()), lit("unparseable number in " + name)));
          out.add(parsed.as(name));
        }
        case INTEGER -> {
          Column parsed = when(value.rlike(INTEGER), value.cast(DataTypes.IntegerType));
          reasons.add(when(value.isNotNull().and(parsed.isNull()), lit("unparseable integer in " + name)));
          out.add(parsed.as(name));
        }
        case EMAIL -> {
          Column valid = value.rlike(EMAIL);
          reasons.add(when(value.isNotNull().and(valid.equalTo(false)), lit("malformed email in " + name)));
          out.add(when(valid, masking.hashed(value)).as(name + "_sha256"));
        }
        default -> throw new IllegalStateException("unhandled type " + column.type());
      }
    }
    Column malformed = col(RawExport.IS_MALFORMED);
    out.add(when(malformed, array(lit("malformed record")))
        .otherwise(array_compact(array(reasons.toArray(new Column[0])))).as(REASONS));
    out.add(when(malformed, lit(0)).otherwise(unknownEnums).as(UNKNOWN_ENUMS));
    out.add(col(RawExport.RAW_RECORD));
    out.add(col(RawExport.SOURCE_FILE));
    out.add(col(RawExport.EXPORT_DATE));
    return raw.select(out.toArray(new Column[0]));
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
      case "touches" -> extra.add(when(col("email_sha256").isNull().and(col("anonymous_id").isNull()),
          lit("neither email nor anonymous_id")));
      case "tickets" -> extra.add(when(col("account_id").isNull().and(col("requester_email_sha256").isNull()),
          lit("neither account_id nor requester_email")));
      case "surveys" -> {
        extra.add(when(col("account_id").isNull().and(col("respondent_email_sha256").isNull()),
            lit("neither account_id nor respondent_email")));
        Column score = col("score");
        Column type = col("survey_type");
        extra.add(when(type.equalTo("nps").and(score.lt(0).or(score.gt(10))), lit("score out of range for nps (0-10)")));
        extra.add(when(type.equalTo("csat").and(score.lt(1).or(score.gt(5))), lit("score out of range for csat (1-5)")));
        extra.add(when(type.equalTo("ces").and(score.lt(1).or(score.gt(7))), lit("score out of range for ces (1-7)")));
        extra.add(when(type.equalTo("other"), lit("unknown survey_type")));
      }
      case "invoices", "opportunities" -> out = withReportingMoney(out, "amount", "amount_reporting", rates, reportingCurrency, extra);
      case "campaigns" -> out = withReportingMoney(out, "spend", "spend_reporting", rates, reportingCurrency, extra);
      default -> { }
    }
    if (extra.isEmpty()) {
      return out;
    }
    List<Column> all = new ArrayList<>(extra);
    return out.withColumn(REASONS, org.apache.spark.sql.functions.concat(col(REASONS),
        array_compact(array(all.toArray(new Column[0])))));
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
    reasons.add(when(col(amount).isNotNull().and(rate.isNull()), lit("no fx rate for the currency of " + amount)));
    return df
        .withColumn("currency", when(col(amount).isNotNull(), currency).otherwise(upper(col("currency"))))
        .withColumn(converted, col(amount).multiply(rate).cast(Silver.MONEY));
  }
}
