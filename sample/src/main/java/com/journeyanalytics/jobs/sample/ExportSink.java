package com.journeyanalytics.jobs.sample;

import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

/**
 * Writes one dataset's export for one day (export_date=YYYY-MM-DD/part-NNNNN.ext), injecting
 * dirt into a small share of the rows. Rows arrive as clean String arrays in the contract's
 * column order (null = empty); the dirt decisions come from a random stream keyed by the seed,
 * the dataset and the day, so the output stays deterministic.
 */
final class ExportSink implements Closeable {

  private static final String[] BAD_TIMESTAMPS = {"2026-13-45T25:61:00Z", "yesterday", "20/11/2026 09:14", "N/A"};

  private final SampleDataset dataset;
  private final Path dir;
  private final long rowsPerPart;
  private final double dirtRate;
  private final SplittableRandom dirt;
  private final DirtCounts counts;
  private final List<String[]> held = new ArrayList<>();
  private PartWriter part;
  private int partIndex;
  private long rowsInPart;
  private long rows;

  ExportSink(Path root, SampleDataset dataset, long epochDay, long seed, double dirtRate, DirtCounts counts,
      long rowsPerPart) {
    this.dataset = dataset;
    this.dir = root.resolve(dataset.source()).resolve(dataset.datasetName())
        .resolve("export_date=" + Times.date(epochDay));
    this.rowsPerPart = rowsPerPart;
    this.dirtRate = dirtRate;
    this.dirt = Seeds.random(seed, 1_000 + dataset.ordinal(), epochDay);
    this.counts = counts;
    try {
      Files.createDirectories(dir);
      // A rerun into the same folder replaces the day's part files (a smaller run may write fewer).
      try (var old = Files.newDirectoryStream(dir, "part-*")) {
        for (Path f : old) {
          Files.delete(f);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    openPart();
  }

  long rows() {
    return rows;
  }

  /** Re-exports rows held back by the previous day's sink, with an updated_at one second newer. */
  void writeDuplicates(List<String[]> previous) {
    for (String[] row : previous) {
      row[dataset.updatedAtColumn] = Times.utc(Instant.parse(row[dataset.updatedAtColumn]).getEpochSecond() + 1);
      emit(row, false);
      counts.add(dataset, DirtKind.DUPLICATE_REEXPORT);
    }
  }

  /** Rows to re-export on the next export day (the duplicate dirt). */
  List<String[]> heldDuplicates() {
    return held;
  }

  void write(String[] row) {
    if (dirtRate > 0 && dataset.dirt.length > 0 && dirt.nextDouble() < dirtRate) {
      DirtKind kind = dataset.dirt[dirt.nextInt(dataset.dirt.length)];
      String[] dirty = row.clone();
      boolean malformed = kind == DirtKind.MALFORMED_LINE;
      if (malformed || applyDirt(kind, dirty)) {
        counts.add(dataset, kind);
        emit(dirty, malformed);
        return;
      }
    }
    emit(row, false);
  }

  private boolean applyDirt(DirtKind kind, String[] row) {
    switch (kind) {
      case DUPLICATE_REEXPORT:
        held.add(row.clone());
        return false;
      case ODD_EMAIL:
        if (row[dataset.emailColumn] == null) {
          return false;
        }
        row[dataset.emailColumn] = "  " + oddCase(row[dataset.emailColumn]) + " ";
        return true;
      case MIXED_OFFSET: {
        int col = presentTimestamp(row);
        if (col < 0) {
          return false;
        }
        long t = Instant.parse(row[col]).getEpochSecond();
        int style = dirt.nextInt(3);
        row[col] = style == 0 ? Times.withOffset(t, 1) : style == 1 ? Times.withOffset(t, -5) : Times.noOffset(t);
        return true;
      }
      case UNKNOWN_ENUM:
        row[dataset.enumColumn] = dataset.unknownEnumValue;
        return true;
      case MISSING_ACCOUNT_ID:
        if (row[dataset.emailColumn] == null) {
          return false;
        }
        row[dataset.accountColumn] = null;
        return true;
      case SCORE_OUT_OF_RANGE:
        row[dataset.scoreColumn] = switch (row[dataset.surveyTypeColumn]) {
          case "nps" -> "11";
          case "csat" -> "0";
          default -> "9";
        };
        return true;
      case UNPARSEABLE_TIMESTAMP: {
        int col = presentTimestamp(row);
        if (col < 0) {
          return false;
        }
        row[col] = Seeds.pick(dirt, BAD_TIMESTAMPS);
        return true;
      }
      case MISSING_REQUIRED:
        row[dataset.requiredColumnToBlank] = null;
        return true;
      default:
        throw new IllegalStateException("unhandled dirt " + kind);
    }
  }

  private int presentTimestamp(String[] row) {
    int[] cols = dataset.timestampColumns;
    int start = dirt.nextInt(cols.length);
    for (int i = 0; i < cols.length; i++) {
      int c = cols[(start + i) % cols.length];
      if (row[c] != null) {
        return c;
      }
    }
    return -1;
  }

  private String oddCase(String email) {
    StringBuilder b = new StringBuilder(email.length());
    for (int i = 0; i < email.length(); i++) {
      char c = email.charAt(i);
      b.append(dirt.nextBoolean() ? Character.toUpperCase(c) : c);
    }
    return b.toString();
  }

  private void emit(String[] row, boolean malformed) {
    if (rowsInPart == rowsPerPart) {
      closePart();
      openPart();
    }
    try {
      part.write(row, malformed);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    rowsInPart++;
    rows++;
  }

  private void openPart() {
    Path file = dir.resolve(String.format(Locale.ROOT, "part-%05d%s", partIndex++, dataset.format.extension));
    rowsInPart = 0;
    try {
      part = switch (dataset.format) {
        case CSV -> new CsvPart(Files.newOutputStream(file), dataset.columns);
        case CSV_GZ -> new CsvPart(gzip(file), dataset.columns);
        case JSONL_GZ -> new JsonPart(gzip(file), dataset.columns);
        case PARQUET -> new ParquetPart(file, dataset.columns);
      };
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void closePart() {
    try {
      part.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    closePart();
  }

  /** GZIPOutputStream writes a header without a timestamp (mtime 0), so the bytes are reproducible. */
  private static OutputStream gzip(Path file) throws IOException {
    return new GZIPOutputStream(Files.newOutputStream(file), 1 << 16) {
      {
        def.setLevel(Deflater.BEST_SPEED);
      }
    };
  }

  private interface PartWriter extends Closeable {
    void write(String[] row, boolean malformed) throws IOException;
  }

  private static final class CsvPart implements PartWriter {
    private final Writer out;
    private final StringBuilder line = new StringBuilder(256);

    CsvPart(OutputStream stream, List<String> columns) throws IOException {
      out = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), 1 << 16);
      out.write(String.join(",", columns));
      out.write('\n');
    }

    @Override
    public void write(String[] row, boolean malformed) throws IOException {
      line.setLength(0);
      // A malformed line has one field too few (the last one dropped) or one too many.
      int n = malformed && row.length % 2 == 0 ? row.length - 1 : row.length;
      for (int i = 0; i < n; i++) {
        if (i > 0) {
          line.append(',');
        }
        appendField(line, row[i]);
      }
      if (malformed && n == row.length) {
        line.append(",unexpected");
      }
      line.append('\n');
      out.append(line);
    }

    private static void appendField(StringBuilder b, String v) {
      if (v == null) {
        return;
      }
      if (v.indexOf(',') < 0 && v.indexOf('"') < 0 && v.indexOf('\n') < 0) {
        b.append(v);
        return;
      }
      b.append('"');
      for (int i = 0; i < v.length(); i++) {
        char c = v.charAt(i);
        if (c == '"') {
          b.append('"');
        }
        b.append(c);
      }
      b.append('"');
    }

    @Override
    public void close() throws IOException {
      out.close();
    }
  }

  private static final class JsonPart implements PartWriter {
    private final Writer out;
    private final List<String> columns;
    private final StringBuilder line = new StringBuilder(384);

    JsonPart(OutputStream stream, List<String> columns) {
      this.out = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), 1 << 16);
      this.columns = columns;
    }

    @Override
    public void write(String[] row, boolean malformed) throws IOException {
      line.setLength(0);
      line.append('{');
      boolean first = true;
      for (int i = 0; i < row.length; i++) {
        if (row[i] == null) {
          continue;
        }
        if (!first) {
          line.append(',');
        }
        first = false;
        line.append('"').append(columns.get(i)).append("\":");
        appendString(line, row[i]);
      }
      line.append('}');
      if (malformed) {
        // A line cut in the middle, as when an export job dies mid-write.
        line.setLength(line.length() / 2);
      }
      line.append('\n');
      out.append(line);
    }

    private static void appendString(StringBuilder b, String v) {
      b.append('"');
      for (int i = 0; i < v.length(); i++) {
        char c = v.charAt(i);
        switch (c) {
          case '"' -> b.append("\\\"");
          case '\\' -> b.append("\\\\");
          case '\n' -> b.append("\\n");
          case '\r' -> b.append("\\r");
          case '\t' -> b.append("\\t");
          default -> {
            if (c < 0x20) {
              b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
              b.append(c);
            }
          }
        }
      }
      b.append('"');
    }

    @Override
    public void close() throws IOException {
      out.close();
    }
  }

  /** Every column is an optional UTF-8 string; occurred_at is ISO-8601 text, as the contract says. */
  private static final class ParquetPart implements PartWriter {
    private final ParquetWriter<Group> writer;
    private final SimpleGroupFactory groups;

    ParquetPart(Path file, List<String> columns) throws IOException {
      Types.MessageTypeBuilder schema = Types.buildMessage();
      for (String c : columns) {
        schema.optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named(c);
      }
      MessageType type = schema.named("event");
      groups = new SimpleGroupFactory(type);
      writer = ExampleParquetWriter.builder(new LocalFile(file))
          .withType(type)
          .withConf(new Configuration(false))
          .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
          .withCompressionCodec(CompressionCodecName.SNAPPY)
          .withRowGroupSize(64L * 1024 * 1024)
          .withPageSize(1024 * 1024)
          .withDictionaryPageSize(1024 * 1024)
          .withDictionaryEncoding(true)
          .withValidation(false)
          .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_1_0)
          .build();
    }

    @Override
    public void write(String[] row, boolean malformed) throws IOException {
      Group g = groups.newGroup();
      for (int i = 0; i < row.length; i++) {
        if (row[i] != null) {
          g.add(i, row[i]);
        }
      }
      writer.write(g);
    }

    @Override
    public void close() throws IOException {
      writer.close();
    }
  }

  /** A local file as a Parquet OutputFile, without Hadoop's file system (and its .crc files). */
  private static final class LocalFile implements OutputFile {
    private final Path path;

    LocalFile(Path path) {
      this.path = path;
    }

    @Override
    public PositionOutputStream create(long blockSizeHint) throws IOException {
      return createOrOverwrite(blockSizeHint);
    }

    @Override
    public PositionOutputStream createOrOverwrite(long blockSizeHint) throws IOException {
      OutputStream out = new BufferedOutputStream(Files.newOutputStream(path), 1 << 16);
      return new PositionOutputStream() {
        private long pos;

        @Override
        public long getPos() {
          return pos;
        }

        @Override
        public void write(int b) throws IOException {
          out.write(b);
          pos++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          out.write(b, off, len);
          pos += len;
        }

        @Override
        public void flush() throws IOException {
          out.flush();
        }

        @Override
        public void close() throws IOException {
          out.close();
        }
      };
    }

    @Override
    public boolean supportsBlockSize() {
      return false;
    }

    @Override
    public long defaultBlockSize() {
      return 0;
    }

    @Override
    public String getPath() {
      return path.toString();
    }
  }
}
