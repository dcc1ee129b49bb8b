package com.journeyanalytics.common.schema;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A contract table: its name, comment, columns with their comments, partitioning, key and the
 * Delta table properties it needs.
 *
 * <p>{@link #conform} is the final select of every transform that feeds the table, so the
 * schema written is always exactly this one, with the comments BI tools show.
 */
public record TableSpec(
    String name, String comment, StructType schema, List<String> partitionColumns, List<String> keyColumns,
    Map<String, String> properties) {

  public static Builder table(String name, String comment) {
    return new Builder(name, comment);
  }

  public List<String> columnNames() {
    return Arrays.asList(schema.fieldNames());
  }

  /** Selects the spec's columns in order, cast to the spec's types, carrying the column comments. */
  public Dataset<Row> conform(Dataset<Row> df) {
    List<String> present = Arrays.asList(df.columns());
    List<Column> columns = new ArrayList<>();
    for (StructField field : schema.fields()) {
      if (!present.contains(field.name())) {
        throw new IllegalArgumentException(
            "table " + name + ": the transform produced no column '" + field.name() + "' (has " + present + ")");
      }
      columns.add(col(field.name()).cast(field.dataType()).as(field.name(), field.metadata()));
    }
    return df.select(columns.toArray(new Column[0]));
  }

  public static final class Builder {
    private final String name;
    private final String comment;
    private final List<StructField> fields = new ArrayList<>();
    private List<String> partitionColumns = List.of();
    private List<String> keyColumns = List.of();
    private final Map<String, String> properties = new TreeMap<>();

    private Builder(String name, String comment) {
      this.name = name;
      this.comment = comment;
    }

    public Builder column(String column, DataType type, String columnComment) {
      Metadata metadata = new MetadataBuilder().putString("comment", columnComment).build();
      fields.add(new StructField(column, type, true, metadata));
      return this;
    }

    /** Columns of another table as it declares them (type and comment): one concept, declared once. */
    public Builder columnsOf(TableSpec table, String... columns) {
      for (String column : columns) {
        fields.add(table.schema().apply(column));
      }
      return this;
    }

    public Builder partitionedBy(String... columns) {
      this.partitionColumns = List.of(columns);
      return this;
    }

    public Builder key(String... columns) {
      this.keyColumns = List.of(columns);
      return this;
    }

    /** A Delta table property (e.g. delta.enableDeletionVectors) the table is kept at. */
    public Builder property(String key, String value) {
      this.properties.put(key, value);
      return this;
    }

    public TableSpec build() {
      return new TableSpec(
          name, comment, new StructType(fields.toArray(new StructField[0])), partitionColumns, keyColumns,
          Map.copyOf(properties));
    }
  }
}
