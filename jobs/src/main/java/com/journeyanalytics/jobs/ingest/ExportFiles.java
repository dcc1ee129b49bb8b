package com.journeyanalytics.jobs.ingest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.Type;

/**
 * The export folders of one dataset: {@code <root>/<path>/export_date=YYYY-MM-DD/<files>}, on any
 * Hadoop file system (local, s3a). Hidden and marker files (_SUCCESS, .crc) are not data.
 */
public final class ExportFiles {

  private static final String PREFIX = "export_date=";

  private final Configuration hadoop;
  private final Path datasetRoot;

  public ExportFiles(Configuration hadoop, String exportsRoot, String datasetPath) {
    this.hadoop = hadoop;
    this.datasetRoot = new Path(exportsRoot.replaceAll("/+$", "") + "/" + datasetPath);
  }

  public String datasetRoot() {
    return datasetRoot.toString();
  }

  /** Export days present, oldest first, with the folder of each. */
  public TreeMap<LocalDate, Path> days() {
    TreeMap<LocalDate, Path> days = new TreeMap<>();
    try {
      FileSystem fs = datasetRoot.getFileSystem(hadoop);
      if (!fs.exists(datasetRoot)) {
        return days;
      }
      for (FileStatus status : fs.listStatus(datasetRoot)) {
        String name = status.getPath().getName();
        if (status.isDirectory() && name.startsWith(PREFIX)) {
          try {
            days.put(LocalDate.parse(name.substring(PREFIX.length())), status.getPath());
          } catch (DateTimeParseException e) {
            // A folder such as export_date=latest is not an export day; it is ignored.
          }
        }
      }
      return days;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + datasetRoot, e);
    }
  }

  /** The data files of one export day, sorted by name. */
  public List<String> files(Path dayFolder) {
    List<String> files = new ArrayList<>();
    try {
      FileSystem fs = dayFolder.getFileSystem(hadoop);
      for (FileStatus status : fs.listStatus(dayFolder)) {
        String name = status.getPath().getName();
        if (status.isFile() && !name.startsWith("_") && !name.startsWith(".") && !name.endsWith(".crc")) {
          files.add(status.getPath().toString());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dayFolder, e);
    }
    files.sort(null);
    return files;
  }

  /** The first non-empty lines of a text file (decompressed when its name says .gz etc.). */
  public List<String> firstLines(String file, int count) {
    Path path = new Path(file);
    List<String> lines = new ArrayList<>();
    try {
      FileSystem fs = path.getFileSystem(hadoop);
      CompressionCodec codec = new CompressionCodecFactory(hadoop).getCodec(path);
      try (InputStream raw = fs.open(path);
          InputStream in = codec == null ? raw : codec.createInputStream(raw);
          BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        String line;
        while (lines.size() < count && (line = reader.readLine()) != null) {
          if (!line.isBlank()) {
            lines.add(line);
          }
        }
      }
      return lines;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** The top-level column names of a Parquet file, from its footer (read on the driver, no Spark job). */
  public List<String> parquetColumns(String file) {
    try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(new Path(file), hadoop))) {
      return reader.getFooter().getFileMetaData().getSchema().getFields().stream().map(Type::getName).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the Parquet footer of " + file, e);
    }
  }
}
