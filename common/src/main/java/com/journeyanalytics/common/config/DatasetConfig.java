package com.journeyanalytics.common.config;

import com.journeyanalytics.common.schema.InputContract;
import com.journeyanalytics.common.schema.InputContract.Format;
import java.util.Map;

/**
 * Where one export lives and how to read it: path under the exports root, format, Spark reader
 * options, whether a missing day is tolerated, whether a day folder counts as present only once
 * it holds a {@code _SUCCESS} marker, and the canonical -> source column names (an empty mapping
 * means the export already uses the canonical names).
 */
public record DatasetConfig(
    InputContract.Dataset contract,
    String path,
    Format format,
    boolean optional,
    boolean requireSuccessMarker,
    Map<String, String> readerOptions,
    Map<String, String> columns) {

  /** The column name in the export file for a canonical column. */
  public String sourceColumn(String canonical) {
    return columns.getOrDefault(canonical, canonical);
  }

  public String name() {
    return contract.name();
  }

  static DatasetConfig from(InputContract.Dataset contract, ConfigReader section) {
    Format format = Format.valueOf(section.oneOf("format", java.util.List.of("csv", "jsonl", "parquet")).toUpperCase());
    Map<String, String> columns = section.stringMap("columns");
    for (String canonical : columns.keySet()) {
      if (!contract.columnNames().contains(canonical)) {
        throw section.bad("columns." + canonical,
            "'" + canonical + "' is not a canonical column of " + contract.name() + " " + contract.columnNames());
      }
    }
    return new DatasetConfig(
        contract,
        section.nonBlank("path"),
        format,
        section.bool("optional"),
        section.bool("require-success-marker"),
        section.stringMap("options"),
        columns);
  }
}
