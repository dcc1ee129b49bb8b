package com.journeyanalytics.jobs.ingest;

import static com.journeyanalytics.common.testing.DataFrameAssert.assertThatDataFrame;
import static com.journeyanalytics.common.testing.DataFrameAssert.row;

import com.journeyanalytics.common.privacy.EmailMasking;
import com.journeyanalytics.common.schema.InputContract;
import com.journeyanalytics.common.testing.SparkTestSession;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class ExportValidationTest {

  private static final Instant CUTOFF = Instant.parse("2026-11-22T00:00:00Z");
  private final SparkSession spark = SparkTestSession.get();

  /** Raw invoices rows: the contract's columns as text, then the lineage columns. */
  private Dataset<Row> rawInvoices(String[]... rows) {
    StructType schema = new StructType();
    for (String column : InputContract.INVOICES.columnNames()) {
      schema = schema.add(column, DataTypes.StringType);
    }
    schema = schema.add(RawExport.RAW_RECORD, DataTypes.StringType).add(RawExport.IS_MALFORMED, DataTypes.BooleanType)
        .add(RawExport.SOURCE_FILE, DataTypes.StringType).add(RawExport.EXPORT_DATE, DataTypes.DateType);
    List<Row> out = new ArrayList<>();
    for (String[] r : rows) {
      List<Object> values = new ArrayList<>(List.of((Object[]) r));
      values.add(String.join(",", r));
      values.add(false);
      values.add("file:/exports/crm/invoices/export_date=2026-11-20/part-0.csv");
      values.add(java.sql.Date.valueOf("2026-11-20"));
      out.add(RowFactory.create(values.toArray()));
    }
    return spark.createDataFrame(out, schema);
  }

  private Dataset<Row> validated(Dataset<Row> raw) {
    return ExportValidation.withDatasetRules(
        ExportValidation.withTypedColumns(raw, InputContract.INVOICES, CUTOFF, EmailMasking.withKey(null)),
        "invoices", Map.of("USD", BigDecimal.ONE, "EUR", new BigDecimal("1.08")), "USD");
  }

  @Test
  void timestampsWithAnyOffsetAreStoredInUtcAndWithoutOffsetAreTakenAsUtc() {
    Dataset<Row> out = validated(rawInvoices(
        new String[] {"i1", "a1", "10", "USD", "paid", "2026-11-20T09:14:03+01:00", "2026-11-20T09:00:00-05:00", "", "", "2026-11-20T10:00:00Z"},
        new String[] {"i2", "a1", "10", "usd", "PAID", "2026-11-20 09:14:03", "2026-11-20T23:30:00.5Z", "", "", "2026-11-20T10:00:00"}));

    assertThatDataFrame(out).containsExactlyRowsInAnyOrder(
        List.of("invoice_id", "issued_at", "paid_at", "updated_at", "status", "currency", ExportValidation.REASONS),
        List.of(
            row("i1", "2026-11-20T08:14:03Z", "2026-11-20T14:00:00Z", "2026-11-20T10:00:00Z", "paid", "USD", List.of()),
            row("i2", "2026-11-20T09:14:03Z", "2026-11-20T23:30:00.500Z", "2026-11-20T10:00:00Z", "paid", "USD", List.of())));
  }

  @Test
  void everyIsoSpellingOfAnInstantIsReadAndEveryReasonOfARowIsListedInColumnOrder() {
    Dataset<Row> out = validated(rawInvoices(
        // Z without seconds, with microseconds, after a date alone (midnight).
        new String[] {"i1", "a1", "10", "USD", "paid", "2026-11-20T09:14Z", "2026-11-20T09:14:03.123456Z", "", "", "2026-11-20Z"},
        // +hhmm and +hh: 09:14:03 at UTC+1 is 08:14:03 UTC; 23:00 at UTC-02 is 01:00 UTC the next day.
        new String[] {"i2", "a1", "10", "USD", "paid", "2026-11-20T09:14:03+0100", "2026-11-20T23:00:00-02", "", "", "2026-11-20T10:00:00Z"},
        // A blank required account, a decimal comma, a lower-case z and a date past the tolerance: four reasons.
        new String[] {"i3", " ", "1,5", "USD", "paid", "2026-11-20T09:14:03z", "", "", "", "2026-11-22T00:00:00Z"}));

    assertThatDataFrame(out).containsExactlyRowsInAnyOrder(
        List.of("invoice_id", "issued_at", "paid_at", "updated_at", ExportValidation.REASONS),
        List.of(
            row("i1", "2026-11-20T09:14:00Z", "2026-11-20T09:14:03.123456Z", "2026-11-20T00:00:00Z", List.of()),
            row("i2", "2026-11-20T08:14:03Z", "2026-11-21T01:00:00Z", "2026-11-20T10:00:00Z", List.of()),
            row("i3", null, null, "2026-11-22T00:00:00Z", List.of("missing required value: account_id",
                "unparseable number in amount", "unparseable timestamp in issued_at",
                "updated_at is after the run date by more than the tolerance"))));
  }

  @Test
  void amountsAreConvertedToTheReportingCurrencyAndUnknownCurrenciesAreRejected() {
    Dataset<Row> out = validated(rawInvoices(
        new String[] {"i1", "a1", "-25.50", "EUR", "refunded", "2026-11-20T09:00:00Z", "", "2026-11-01", "2026-11-30", "2026-11-20T10:00:00Z"},
        new String[] {"i2", "a1", "10", "XYZ", "paid", "2026-11-20T09:00:00Z", "", "", "", "2026-11-20T10:00:00Z"},
        new String[] {"i3", "a1", "1,5", "USD", "paid", "2026-11-20T09:00:00Z", "", "", "", "2026-11-20T10:00:00Z"}));

    // -25.50 EUR x 1.08 = -27.54 USD.
    assertThatDataFrame(out).containsExactlyRowsInAnyOrder(
        List.of("invoice_id", "amount", "amount_reporting", "period_start", ExportValidation.REASONS),
        List.of(
            row("i1", "-25.5", "-27.54", "2026-11-01", List.of()),
            row("i2", "10", null, null, List.of("no fx rate for the currency of amount")),
            row("i3", null, null, null, List.of("unparseable number in amount"))));
  }

  @Test
  void unknownEnumValuesBecomeOtherAndAreCountedWhileAnUnknownRequiredEnumIsKeptToo() {
    Dataset<Row> out = validated(rawInvoices(
        new String[] {"i1", "a1", "10", "USD", "disputed", "2026-11-20T09:00:00Z", "", "", "", "2026-11-20T10:00:00Z"}));

    assertThatDataFrame(out).containsExactlyRowsInAnyOrder(
        List.of("invoice_id", "status", ExportValidation.UNKNOWN_ENUMS, ExportValidation.REASONS),
        List.of(row("i1", "other", 1, List.of())));
  }

  @Test
  void aTimestampPastTheToleranceAfterTheRunDateIsRejected() {
    Dataset<Row> out = validated(rawInvoices(
        new String[] {"i1", "a1", "10", "USD", "paid", "2026-11-21T23:59:59Z", "", "", "", "2026-11-22T00:00:00Z"}));

    assertThatDataFrame(out).containsExactlyRowsInAnyOrder(List.of(ExportValidation.REASONS),
        List.of(row(List.of("updated_at is after the run date by more than the tolerance"))));
  }
}
