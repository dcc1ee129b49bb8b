package com.journeyanalytics.common.testing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.assertj.core.api.AbstractAssert;

/**
 * AssertJ-style assertion on a DataFrame: schema (names and types, not comments) and rows
 * compared regardless of order, with a readable diff of missing and unexpected rows.
 */
public final class DataFrameAssert extends AbstractAssert<DataFrameAssert, Dataset<Row>> {

  private DataFrameAssert(Dataset<Row> actual) {
    super(actual, DataFrameAssert.class);
  }

  public static DataFrameAssert assertThatDataFrame(Dataset<Row> actual) {
    return new DataFrameAssert(actual);
  }

  /** Columns, in order, as "name type" strings, e.g. {@code "customer_key string"}. */
  public DataFrameAssert hasColumns(String... nameAndType) {
    List<String> actualColumns = Arrays.stream(actual.schema().fields())
        .map(f -> f.name() + " " + f.dataType().simpleString())
        .collect(Collectors.toList());
    if (!actualColumns.equals(Arrays.asList(nameAndType))) {
      failWithMessage("Expected columns%n  %s%nbut were%n  %s", Arrays.asList(nameAndType), actualColumns);
    }
    return this;
  }

  public DataFrameAssert hasSchema(StructType expected) {
    List<String> expectedColumns = describe(expected);
    List<String> actualColumns = describe(actual.schema());
    if (!actualColumns.equals(expectedColumns)) {
      failWithMessage("Expected schema%n  %s%nbut was%n  %s", expectedColumns, actualColumns);
    }
    return this;
  }

  /**
   * Rows of the named columns, compared as multisets. Each expected row is the list of values
   * for {@code columns}; values are compared by their string form (decimals without trailing
   * zeros, timestamps as ISO-8601 UTC), so fixtures stay readable.
   */
  public DataFrameAssert containsExactlyRowsInAnyOrder(List<String> columns, List<List<Object>> expected) {
    Dataset<Row> selected = actual.selectExpr(columns.stream().map(c -> "`" + c + "`").toArray(String[]::new));
    List<String> actualRows = selected.collectAsList().stream().map(DataFrameAssert::render).sorted().collect(Collectors.toList());
    List<String> expectedRows = expected.stream().map(DataFrameAssert::render).sorted().collect(Collectors.toList());
    if (!actualRows.equals(expectedRows)) {
      List<String> missing = minus(expectedRows, actualRows);
      List<String> unexpected = minus(actualRows, expectedRows);
      failWithMessage(
          "Rows of %s differ.%nMissing (expected, not found):%n  %s%nUnexpected (found, not expected):%n  %s%nAll actual rows:%n  %s",
          columns,
          String.join("\n  ", missing),
          String.join("\n  ", unexpected),
          String.join("\n  ", actualRows));
    }
    return this;
  }

  public DataFrameAssert hasRowCount(long expected) {
    long count = actual.count();
    if (count != expected) {
      failWithMessage("Expected %s rows but found %s", expected, count);
    }
    return this;
  }

  public static List<Object> row(Object... values) {
    return Arrays.asList(values);
  }

  private static List<String> describe(StructType schema) {
    List<String> out = new ArrayList<>();
    for (StructField f : schema.fields()) {
      out.add(f.name() + " " + f.dataType().simpleString());
    }
    return out;
  }

  private static List<String> minus(List<String> from, List<String> remove) {
    List<String> rest = new ArrayList<>(from);
    for (String r : remove) {
      rest.remove(r);
    }
    return rest;
  }

  private static String render(Row row) {
    List<Object> values = new ArrayList<>();
    for (int i = 0; i < row.length(); i++) {
      values.add(row.get(i));
    }
    return render(values);
  }

  private static String render(List<Object> values) {
    return values.stream().map(Values::normalize).collect(Collectors.joining(" | ", "[", "]"));
  }
}
