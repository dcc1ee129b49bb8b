package com.journeyanalytics.jobs.ingest;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_csv;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.trim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.journeyanalytics.common.config.DatasetConfig;
import com.journeyanalytics.common.schema.InputContract;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Reads one dataset's export files with explicit all-string schemas (no inference), checks each
 * file's columns against the contract, and maps source columns to canonical names.
 */
public final class ExportReader {

  private static final String CORRUPT = "_corrupt_record";
  private static final int JSON_KEY_SAMPLE = 20;

  private final SparkSession spark;
  private final ExportFiles exports;

  public ExportReader(SparkSession spark, ExportFiles exports) {
    this.spark = spark;
    this.exports = exports;
  }

  public RawExport read(DatasetConfig dataset, List<String> files) {
    return switch (dataset.format()) {
      case CSV -> readCsv(dataset, files);
      case JSONL -> readJsonLines(dataset, files);
      case PARQUET -> readParquet(dataset, files);
    };
  }

  private RawExport readCsv(DatasetConfig dataset, List<String> files) {
    String delimiter = dataset.readerOptions().getOrDefault("delimiter", dataset.readerOptions().getOrDefault("sep", ","));
    Map<List<String>, List<String>> filesByHeader = new LinkedHashMap<>();
    for (String file : files) {
      List<String> first = exports.firstLines(file, 1);
      if (first.isEmpty()) {
        continue;
      }
      filesByHeader.computeIfAbsent(parseHeader(first.get(0), delimiter), h -> new ArrayList<>()).add(file);
    }
    Set<String> extra = new LinkedHashSet<>();
    Dataset<Row> all = null;
    for (Map.Entry<List<String>, List<String>> group : filesByHeader.entrySet()) {
      List<String> header = group.getKey();
      checkColumns(dataset, header, group.getValue().get(0));
      extra.addAll(extraColumns(dataset, header));
      StructType schema = new StructType();
      for (String column : header) {
        schema = schema.add(column, DataTypes.StringType);
      }
      schema = schema.add(CORRUPT, DataTypes.StringType);
      Dataset<Row> rows = spark.read()
          .options(dataset.readerOptions())
          .option("header", "true")
          .option("mode", "PERMISSIVE")
          .option("columnNameOfCorruptRecord", CORRUPT)
          .schema(schema)
          .csv(group.getValue().toArray(new String[0]));
      Column asRead = to_csv(struct(header.stream().map(h -> col(quote(h))).toArray(Column[]::new)));
      Dataset<Row> canonical = toCanonical(rows, dataset, header,
          coalesce(col(CORRUPT), asRead), col(CORRUPT).isNotNull());
      all = all == null ? canonical : all.unionByName(canonical);
    }
    return new RawExport(all == null ? empty(dataset) : all, List.copyOf(extra));
  }

  private RawExport readJsonLines(DatasetConfig dataset, List<String> files) {
    ObjectMapper mapper = new ObjectMapper();
    Set<String> seenKeys = new LinkedHashSet<>();
    for (String file : files) {
      Set<String> fileKeys = new LinkedHashSet<>();
      for (String line : exports.firstLines(file, JSON_KEY_SAMPLE)) {
        try {
          JsonNode node = mapper.readTree(line);
          for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            fileKeys.add(names.next());
          }
        } catch (IOException e) {
          // A malformed line is quarantined later; it tells nothing about the file's columns.
        }
      }
      if (!fileKeys.isEmpty()) {
        checkColumns(dataset, List.copyOf(fileKeys), file);
      }
      seenKeys.addAll(fileKeys);
    }
    List<String> sourceColumns = dataset.contract().columnNames().stream().map(dataset::sourceColumn).toList();
    StructType schema = new StructType();
    for (String column : sourceColumns) {
      schema = schema.add(column, DataTypes.StringType);
    }
    schema = schema.add(CORRUPT, DataTypes.StringType);
    if (files.isEmpty()) {
      return new RawExport(empty(dataset), List.of());
    }
    Dataset<Row> lines = spark.read().text(files.toArray(new String[0])).where(trim(col("value")).notEqual(""));
    Dataset<Row> parsed = lines.select(
        col("value"),
        from_json(col("value"), schema, Map.of("mode", "PERMISSIVE", "columnNameOfCorruptRecord", CORRUPT)).as("j"));
    List<Column> flat = new ArrayList<>();
    flat.add(col("value"));
    for (String column : sourceColumns) {
      flat.add(col("j." + quote(column)).as(column));
    }
    flat.add(col("j." + CORRUPT).as(CORRUPT));
    flat.add(col("j").isNull().as("_j_null"));
    Dataset<Row> rows = parsed.select(flat.toArray(new Column[0]));
    List<String> extra = seenKeys.stream().filter(k -> !sourceColumns.contains(k)).collect(Collectors.toList());
    return new RawExport(
        toCanonical(rows, dataset, sourceColumns, col("value"), col(CORRUPT).isNotNull().or(col("_j_null"))),
        extra);
  }

  private RawExport readParquet(DatasetConfig dataset, List<String> files) {
    Map<List<String>, List<String>> filesBySchema = new LinkedHashMap<>();
    for (String file : files) {
      List<String> columns = exports.parquetColumns(file);
      filesBySchema.computeIfAbsent(columns, c -> new ArrayList<>()).add(file);
    }
    Set<String> extra = new LinkedHashSet<>();
    Dataset<Row> all = null;
    for (Map.Entry<List<String>, List<String>> group : filesBySchema.entrySet()) {
      List<String> columns = group.getKey();
      checkColumns(dataset, columns, group.getValue().get(0));
      extra.addAll(extraColumns(dataset, columns));
      Dataset<Row> typed = spark.read().parquet(group.getValue().toArray(new String[0]));
      // Typed Parquet columns (a real timestamp, say) are read as their string form and parsed like text.
      Dataset<Row> rows = typed.select(Arrays.stream(typed.schema().fields())
          .map(f -> col(quote(f.name())).cast(DataTypes.StringType).as(f.name()))
          .toArray(Column[]::new));
      Column asRead = to_json(struct(columns.stream().map(c -> col(quote(c))).toArray(Column[]::new)));
      Dataset<Row> canonical = toCanonical(rows, dataset, columns, asRead, lit(false));
      all = all == null ? canonical : all.unionByName(canonical);
    }
    return new RawExport(all == null ? empty(dataset) : all, List.copyOf(extra));
  }

  /** Fails, naming the file and the column, when a required column is missing. */
  static void checkColumns(DatasetConfig dataset, List<String> fileColumns, String file) {
    for (InputContract.Column column : dataset.contract().columns()) {
      String source = dataset.sourceColumn(column.name());
      if (column.required() && !fileColumns.contains(source)) {
        String mapped = source.equals(column.name()) ? "" : " (mapped from canonical column '" + column.name() + "')";
        throw new InputSchemaException("dataset " + dataset.name() + ": file " + file
            + " is missing required column '" + source + "'" + mapped + "; it has " + fileColumns);
      }
    }
  }

  private static List<String> extraColumns(DatasetConfig dataset, List<String> fileColumns) {
    Set<String> known = dataset.contract().columnNames().stream().map(dataset::sourceColumn).collect(Collectors.toSet());
    return fileColumns.stream().filter(c -> !known.contains(c)).collect(Collectors.toList());
  }

  private Dataset<Row> toCanonical(
      Dataset<Row> rows, DatasetConfig dataset, List<String> fileColumns, Column rawRecord, Column isMalformed) {
    List<Column> columns = new ArrayList<>();
    for (String canonical : dataset.contract().columnNames()) {
      String source = dataset.sourceColumn(canonical);
      columns.add(fileColumns.contains(source)
          ? col(quote(source)).as(canonical)
          : lit(null).cast(DataTypes.StringType).as(canonical));
    }
    columns.add(rawRecord.as(RawExport.RAW_RECORD));
    columns.add(isMalformed.as(RawExport.IS_MALFORMED));
    columns.add(input_file_name().as(RawExport.SOURCE_FILE));
    columns.add(to_date(regexp_extract(input_file_name(), "export_date=(\\d{4}-\\d{2}-\\d{2})", 1)).as(RawExport.EXPORT_DATE));
    return rows.select(columns.toArray(new Column[0]));
  }

  private Dataset<Row> empty(DatasetConfig dataset) {
    List<StructField> fields = new ArrayList<>();
    for (String canonical : dataset.contract().columnNames()) {
      fields.add(DataTypes.createStructField(canonical, DataTypes.StringType, true));
    }
    fields.add(DataTypes.createStructField(RawExport.RAW_RECORD, DataTypes.StringType, true));
    fields.add(DataTypes.createStructField(RawExport.IS_MALFORMED, DataTypes.BooleanType, true));
    fields.add(DataTypes.createStructField(RawExport.SOURCE_FILE, DataTypes.StringType, true));
    fields.add(DataTypes.createStructField(RawExport.EXPORT_DATE, DataTypes.DateType, true));
    return spark.createDataFrame(List.of(), DataTypes.createStructType(fields));
  }

  /** Splits a CSV header line, honouring double quotes, and strips a UTF-8 byte-order mark. */
  static List<String> parseHeader(String line, String delimiter) {
    String text = line.startsWith("\uFEFF") ? line.substring(1) : line;
    List<String> names = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      } else if (!quoted && text.startsWith(delimiter, i)) {
        names.add(current.toString().trim());
        current.setLength(0);
        i += delimiter.length() - 1;
      } else {
        current.append(c);
      }
    }
    names.add(current.toString().trim());
    return names;
  }

  private static String quote(String column) {
    return "`" + column.replace("`", "``") + "`";
  }
}
