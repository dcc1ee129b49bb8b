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
import java.util.Locale;
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
 * Hadoop file system (local, s3a). Only finished files are data: names starting with {@code _} or
 * {@code .} (markers such as _SUCCESS, checksums) and copies in progress ({@code *._COPYING_},
 * {@code *.tmp}, {@code *.inprogress}) are not. A dataset may require the {@code _SUCCESS} marker:
 * then a day folder without it does not count as present.
 */
public final class ExportFiles {

  private static final String PREFIX = "export_date=";
  public static final String SUCCESS_MARKER = "_SUCCESS";
  /** What copy tools (hadoop fs -cp, rsync-like uploaders, Flink/Spark sinks) name a file still being written. */
  private static final List<String> IN_PROGRESS_SUFFIXES = List.of("._copying_", ".tmp", ".inprogress");

  private final Configuration hadoop;
  private final Path datasetRoot;
  private final boolean requireSuccessMarker;

  public ExportFiles(Configuration hadoop, String exportsRoot, String datasetPath, boolean requireSuccessMarker) {
    this.hadoop = hadoop;
    this.datasetRoot = new Path(exportsRoot.replaceAll("/+$", "") + "/" + datasetPath);
    this.requireSuccessMarker = requireSuccessMarker;
  }

  public String datasetRoot() {
    return datasetRoot.toString();
  }

  /**
   * The export day folders, oldest first: {@code present} those that count as present, and
   * {@code unmarked} those left out because the dataset requires a _SUCCESS marker they lack.
   */
  public record Days(TreeMap<LocalDate, Path> present, TreeMap<LocalDate, Path> unmarked) {}

  /** Export days present (and those without their required _SUCCESS marker), oldest first. */
  public Days days() {
    TreeMap<LocalDate, Path> present = new TreeMap<>();
    TreeMap<LocalDate, Path> unmarked = new TreeMap<>();
    try {
      FileSystem fs = datasetRoot.getFileSystem(hadoop);
      if (!fs.exists(datasetRoot)) {
        return new Days(present, unmarked);
      }
      for (FileStatus status : fs.listStatus(datasetRoot)) {
        String name = status.getPath().getName();
        if (status.isDirectory() && name.startsWith(PREFIX)) {
          LocalDate day;
          try {
            day = LocalDate.parse(name.substring(PREFIX.length()));
          } catch (DateTimeParseException e) {
            // A folder such as export_date=latest is not an export day; it is ignored.
            continue;
          }
          boolean finished = !requireSuccessMarker || fs.exists(new Path(status.getPath(), SUCCESS_MARKER));
          (finished ? present : unmarked).put(day, status.getPath());
        }
      }
      return new Days(present, unmarked);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + datasetRoot, e);
    }
  }

  /** The finished data files of one export day, sorted by name. */
  public List<String> files(Path dayFolder) {
    List<String> files = new ArrayList<>();
    try {
      FileSystem fs = dayFolder.getFileSystem(hadoop);
      for (FileStatus status : fs.listStatus(dayFolder)) {
        if (status.isFile() && isData(status.getPath().getName())) {
          files.add(status.getPath().toString());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dayFolder, e);
    }
    files.sort(null);
    return files;
  }

  /** Whether a file name is a finished data file (whatever its format or compression). */
  static boolean isData(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return !name.startsWith("_") && !name.startsWith(".") && !lower.endsWith(".crc")
        && IN_PROGRESS_SUFFIXES.stream().noneMatch(lower::endsWith);
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
