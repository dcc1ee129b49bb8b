package com.journeyanalytics.jobs.sample;

import static com.journeyanalytics.common.testing.DataFrameAssert.assertThatDataFrame;
import static org.assertj.core.api.Assertions.assertThat;

import com.journeyanalytics.common.schema.InputContract;
import com.journeyanalytics.common.testing.SparkTestSession;
import com.journeyanalytics.jobs.sample.SampleDataGenerator.Options;
import com.journeyanalytics.jobs.sample.SampleDataGenerator.Summary;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleDataGeneratorTest {

  private static final LocalDate END = LocalDate.of(2026, 11, 20);
  private static final List<String> DAYS = List.of("2026-11-18", "2026-11-19", "2026-11-20");

  @TempDir
  static Path tmp;

  /** 30 accounts, 3 export days, default dirt; and the same without dirt. */
  private static Path dirty;
  private static Summary dirtySummary;
  private static Path clean;
  private static Summary cleanSummary;

  @BeforeAll
  static void generateSamples() {
    dirty = tmp.resolve("dirty");
    dirtySummary = SampleDataGenerator.generate(new Options(dirty, 30, 3, END, 42, 0.005), null);
    clean = tmp.resolve("clean");
    cleanSummary = SampleDataGenerator.generate(new Options(clean, 30, 3, END, 42, 0), null);
  }

  @Test
  void sameSeedWritesByteIdenticalFiles() throws IOException {
    Path again = tmp.resolve("again");
    SampleDataGenerator.generate(new Options(again, 30, 3, END, 42, 0.005), null);

    Map<String, byte[]> first = files(dirty);
    Map<String, byte[]> second = files(again);
    assertThat(second.keySet()).containsExactlyElementsOf(first.keySet());
    first.forEach((name, bytes) -> assertThat(second.get(name)).as(name).isEqualTo(bytes));
  }

  @Test
  void differentSeedWritesDifferentData() throws IOException {
    Path other = tmp.resolve("other-seed");
    SampleDataGenerator.generate(new Options(other, 30, 3, END, 7, 0.005), null);

    assertThat(lines(other, SampleDataset.ACCOUNTS, "2026-11-20"))
        .isNotEqualTo(lines(dirty, SampleDataset.ACCOUNTS, "2026-11-20"));
  }

  @Test
  void gzipFilesCarryNoTimestamp() throws IOException {
    byte[] gz = Files.readAllBytes(dirty.resolve("marketing/touches/export_date=2026-11-20/part-00000.jsonl.gz"));
    // Bytes 4-7 of a gzip header are the modification time.
    assertThat(Arrays.copyOfRange(gz, 4, 8)).containsExactly(0, 0, 0, 0);
  }

  @Test
  void everyDatasetHasOneExportFolderPerDayWithPartFiles() throws IOException {
    for (SampleDataset d : SampleDataset.values()) {
      Path datasetDir = dirty.resolve(d.source()).resolve(d.datasetName());
      try (Stream<Path> folders = Files.list(datasetDir)) {
        assertThat(folders.map(p -> p.getFileName().toString()).sorted())
            .as(d.datasetName())
            .containsExactlyElementsOf(DAYS.stream().map(day -> "export_date=" + day).collect(Collectors.toList()));
      }
      for (String day : DAYS) {
        try (Stream<Path> parts = Files.list(datasetDir.resolve("export_date=" + day))) {
          assertThat(parts.map(p -> p.getFileName().toString()))
              .as(d.datasetName() + " " + day)
              .contains("part-00000" + d.format.extension);
        }
      }
    }
  }

  @Test
  void csvFilesHaveTheContractColumnsAsHeader() throws IOException {
    for (SampleDataset d : SampleDataset.values()) {
      if (d.format == SampleDataset.FileFormat.CSV || d.format == SampleDataset.FileFormat.CSV_GZ) {
        assertThat(lines(dirty, d, "2026-11-19").get(0)).isEqualTo(String.join(",", d.contract.columnNames()));
      }
    }
  }

  @Test
  void defaultRateInjectsDirtAndRateZeroNone() {
    assertThat(dirtySummary.dirt().total()).isGreaterThan(0);
    assertThat(dirtySummary.dirt().total(DirtKind.MIXED_OFFSET)).isGreaterThan(0);
    assertThat(cleanSummary.dirt().total()).isZero();
    // Dirt changes values, it does not add or drop rows (duplicates come on top).
    assertThat(dirtySummary.rows().get(SampleDataset.EVENTS)).isEqualTo(cleanSummary.rows().get(SampleDataset.EVENTS));
  }

  @Test
  void withoutDirtEveryCsvLineHasTheHeadersFieldCount() throws IOException {
    for (SampleDataset d : SampleDataset.values()) {
      if (d.format == SampleDataset.FileFormat.CSV || d.format == SampleDataset.FileFormat.CSV_GZ) {
        for (String day : DAYS) {
          for (String line : lines(clean, d, day)) {
            assertThat(csvFields(line)).as(d.datasetName() + ": " + line).hasSize(d.columns.size());
          }
        }
      }
    }
  }

  @Test
  void laterExportDaysCarryOnlyThatDaysChangesAndTheFirstDayTheBacklog() throws IOException {
    SampleDataset[] incremental = {SampleDataset.OPPORTUNITIES, SampleDataset.INVOICES, SampleDataset.TICKETS};
    for (SampleDataset d : incremental) {
      int updated = d.column("updated_at");
      for (String day : DAYS.subList(1, 3)) {
        for (String[] row : rows(clean, d, day)) {
          assertThat(row[updated]).as(d.datasetName()).startsWith(day);
        }
      }
    }
    // The first day holds the year of history before it.
    assertThat(rows(clean, SampleDataset.INVOICES, "2026-11-18"))
        .anySatisfy(row -> assertThat(row[SampleDataset.INVOICES.column("updated_at")]).startsWith("2026-0"));
    for (Map<String, String> touch : touches(clean, "2026-11-19")) {
      assertThat(touch.get("occurred_at")).startsWith("2026-11-19");
    }
  }

  @Test
  void snapshotHoldsOnlyAccountsCreatedByThatDay() throws IOException {
    SampleWorld world = new SampleWorld(42, 30, END.toEpochDay() - 2, END.toEpochDay());
    for (String day : DAYS) {
      long endOfDay = (LocalDate.parse(day).toEpochDay() + 1) * Times.DAY;
      Set<String> expected = IntStream.range(0, 30).mapToObj(world::account)
          .filter(a -> a.createdAt < endOfDay).map(a -> a.id).collect(Collectors.toSet());
      assertThat(rows(clean, SampleDataset.ACCOUNTS, day).stream().map(r -> r[0]))
          .as(day).containsExactlyInAnyOrderElementsOf(expected);
    }
    SampleWorld probe = new SampleWorld(42, 5000, END.toEpochDay() - 2, END.toEpochDay());
    int createdOnLastDay = IntStream.range(0, 5000)
        .filter(i -> probe.account(i).createdAt / Times.DAY == END.toEpochDay()).findFirst().orElseThrow();
    assertThat(snapshotRows(probe, createdOnLastDay, END.toEpochDay() - 1)).isEmpty();
    assertThat(snapshotRows(probe, createdOnLastDay, END.toEpochDay())).hasSize(1);
  }

  @Test
  void contactEmailsAreWhatTheirTouchesCarry() throws IOException {
    Set<String> contactEmails = rows(clean, SampleDataset.CONTACTS, "2026-11-20").stream()
        .map(r -> r[SampleDataset.CONTACTS.column("email")]).collect(Collectors.toSet());
    Set<String> touchEmails = new HashSet<>();
    for (String day : DAYS) {
      touches(clean, day).forEach(t -> touchEmails.add(t.get("email")));
    }
    Set<String> contactsWithTouches = new HashSet<>(contactEmails);
    contactsWithTouches.retainAll(touchEmails);
    assertThat(contactsWithTouches.size()).isGreaterThan(contactEmails.size() / 2);
    // Emails are first.last@company-domain of the contact's account.
    assertThat(contactEmails).allMatch(e -> e.matches("[a-z]+\\.[a-z]+@[a-z]+-[0-9a-z]+\\.com"));
  }

  @Test
  void formSubmitLinksAnAnonymousIdSeenOnAnEarlierDay() throws IOException {
    Map<String, String> firstAnonymousDay = new TreeMap<>();
    List<Map<String, String>> formSubmits = new ArrayList<>();
    for (String day : DAYS) {
      for (Map<String, String> t : touches(clean, day)) {
        if (t.containsKey("email") && t.containsKey("anonymous_id")) {
          assertThat(t.get("touch_type")).isEqualTo("form_submit");
          formSubmits.add(t);
        } else if (t.containsKey("anonymous_id")) {
          firstAnonymousDay.merge(t.get("anonymous_id"), t.get("occurred_at").substring(0, 10),
              (a, b) -> a.compareTo(b) <= 0 ? a : b);
        }
      }
    }
    assertThat(formSubmits).isNotEmpty();
    for (Map<String, String> submit : formSubmits) {
      assertThat(firstAnonymousDay.get(submit.get("anonymous_id")))
          .as(submit.toString())
          .isNotNull()
          .isLessThan(submit.get("occurred_at").substring(0, 10));
    }
  }

  @Test
  void solvedTicketIsReexportedWithNewerUpdatedAt() throws IOException {
    Path out = tmp.resolve("tickets");
    SampleDataGenerator.generate(new Options(out, 150, 10, END, 42, 0), null);
    SampleDataset t = SampleDataset.TICKETS;
    Map<String, String[]> seen = new HashMap<>();
    int reexportedAsSolved = 0;
    for (long day = END.toEpochDay() - 9; day <= END.toEpochDay(); day++) {
      for (String[] row : rows(out, t, Times.date(day))) {
        String[] earlier = seen.put(row[0], row);
        if (earlier != null && row[t.column("status")].equals("solved")) {
          assertThat(row[t.column("updated_at")]).isGreaterThan(earlier[t.column("updated_at")]);
          assertThat(row[t.column("solved_at")]).isNotEmpty();
          reexportedAsSolved++;
        }
      }
    }
    assertThat(reexportedAsSolved).isGreaterThan(0);
  }

  @Test
  void reactivatedAccountGetsTheNewConversionAndLosesItsChurnInMostCrms() {
    long firstDay = END.toEpochDay() - 364;
    SampleWorld world = new SampleWorld(42, 5000, firstDay, END.toEpochDay());
    int index = IntStream.range(0, 5000)
        .filter(i -> world.account(i).conv2 / Times.DAY > firstDay && !world.account(i).keepsOldChurnOnComeback)
        .findFirst().orElseThrow();
    Account a = world.account(index);
    long reactivationDay = a.conv2 / Times.DAY;

    String[] before = accountRow(world, index, reactivationDay - 1);
    String[] after = accountRow(world, index, reactivationDay);

    SampleDataset d = SampleDataset.ACCOUNTS;
    assertThat(before[d.column("churned_at")]).isEqualTo(Times.utc(a.churn1));
    assertThat(before[d.column("converted_at")]).isEqualTo(Times.utc(a.conv1));
    assertThat(before[d.column("plan")]).isEqualTo("free");
    assertThat(after[d.column("churned_at")]).isNull();
    assertThat(after[d.column("converted_at")]).isEqualTo(Times.utc(a.conv2));
    assertThat(after[d.column("updated_at")]).isEqualTo(Times.utc(a.conv2));
    assertThat(after[d.column("plan")]).isNotEqualTo("free");
  }

  @Test
  void someCrmsKeepTheOldChurnNextToTheComebacksConversion() {
    long firstDay = END.toEpochDay() - 364;
    SampleWorld world = new SampleWorld(42, 5000, firstDay, END.toEpochDay());
    int index = IntStream.range(0, 5000)
        .filter(i -> world.account(i).conv2 / Times.DAY > firstDay && world.account(i).keepsOldChurnOnComeback)
        .findFirst().orElseThrow();
    Account a = world.account(index);

    String[] after = accountRow(world, index, a.conv2 / Times.DAY);

    SampleDataset d = SampleDataset.ACCOUNTS;
    assertThat(after[d.column("converted_at")]).isEqualTo(Times.utc(a.conv2));
    assertThat(after[d.column("churned_at")]).isEqualTo(Times.utc(a.churn1));
    assertThat(after[d.column("plan")]).isNotEqualTo("free");
  }

  @Test
  void aVisitorWhoFirstLeftAPersonalAddressLaterSubmitsTheWorkAddressFromTheSameBrowser() {
    SampleWorld world = new SampleWorld(42, 5000, END.toEpochDay() - 2, END.toEpochDay());
    int index = IntStream.range(0, 5000).filter(i -> world.account(i).personalFormAt >= 0).findFirst().orElseThrow();
    Account a = world.account(index);
    List<String[]> forms = new ArrayList<>();
    for (long day = a.personalFormAt / Times.DAY; day <= a.formSubmitAt / Times.DAY; day++) {
      long d = day;
      world.writeIndex(index, day, (dataset, row) -> {
        if (dataset == SampleDataset.TOUCHES && row[SampleDataset.TOUCHES.column("touch_type")].equals("form_submit")
            && row[SampleDataset.TOUCHES.column("occurred_at")].startsWith(Times.date(d))) {
          forms.add(row);
        }
      });
    }

    int email = SampleDataset.TOUCHES.column("email");
    int anonymousId = SampleDataset.TOUCHES.column("anonymous_id");
    assertThat(forms).hasSize(2);
    assertThat(forms.get(0)[email]).isEqualTo(a.personalEmail).matches("[a-z]+\\.[a-z]+\\.[0-9a-z]+@[a-z.]+");
    assertThat(forms.get(1)[email]).isEqualTo(a.contactEmail[0]);
    assertThat(forms.get(0)[anonymousId]).isEqualTo(forms.get(1)[anonymousId]).isEqualTo(a.anonymousId);
    assertThat(forms.get(0)[SampleDataset.TOUCHES.column("occurred_at")])
        .isLessThan(forms.get(1)[SampleDataset.TOUCHES.column("occurred_at")]);
  }

  @Test
  void timestampsRenderTheSameInstantInEveryStyle() {
    long t = Instant.parse("2024-02-29T23:30:05Z").getEpochSecond();
    assertThat(Times.utc(t)).isEqualTo("2024-02-29T23:30:05Z");
    assertThat(Times.withOffset(t, 1)).isEqualTo("2024-03-01T00:30:05+01:00");
    assertThat(Times.withOffset(t, -5)).isEqualTo("2024-02-29T18:30:05-05:00");
    assertThat(Times.noOffset(t)).isEqualTo("2024-02-29T23:30:05");
    for (long s = -86_400L * 800; s < 86_400L * 30_000; s += 7_654_321L) {
      assertThat(Times.utc(s)).isEqualTo(Instant.ofEpochSecond(s).toString());
      assertThat(OffsetDateTime.parse(Times.withOffset(s, -5)).toEpochSecond()).isEqualTo(s);
    }
  }

  @Test
  void sparkReadsEventsAndTouchesWithTheContractColumns() {
    SparkSession spark = SparkTestSession.get();
    Dataset<Row> events = spark.read().parquet(dirty.resolve("usage/events").toString());
    assertThatDataFrame(events.drop("export_date")).hasColumns(InputContract.EVENTS.columnNames().stream()
        .map(c -> c + " string").toArray(String[]::new));
    assertThat(events.count()).isEqualTo(dirtySummary.rows().get(SampleDataset.EVENTS));

    Dataset<Row> touches = spark.read().json(clean.resolve("marketing/touches").toString());
    assertThat(Arrays.asList(touches.drop("export_date").columns()))
        .containsExactlyInAnyOrderElementsOf(InputContract.TOUCHES.columnNames());
    assertThat(touches.count()).isEqualTo(cleanSummary.rows().get(SampleDataset.TOUCHES));
    assertThat(touches.where("touch_type = 'form_submit' AND email IS NOT NULL AND anonymous_id IS NOT NULL")
        .count()).isGreaterThan(0);
  }

  private static String[] accountRow(SampleWorld world, int index, long day) {
    List<String[]> rows = snapshotRows(world, index, day);
    assertThat(rows).hasSize(1);
    return rows.get(0);
  }

  private static List<String[]> snapshotRows(SampleWorld world, int index, long day) {
    List<String[]> rows = new ArrayList<>();
    world.writeIndex(index, day, (d, row) -> {
      if (d == SampleDataset.ACCOUNTS) {
        rows.add(row);
      }
    });
    return rows;
  }

  private static Map<String, byte[]> files(Path root) throws IOException {
    Map<String, byte[]> out = new TreeMap<>();
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.filter(Files::isRegularFile).collect(Collectors.toList())) {
        out.put(root.relativize(p).toString(), Files.readAllBytes(p));
      }
    }
    return out;
  }

  private static List<String> lines(Path root, SampleDataset d, String day) throws IOException {
    Path dir = root.resolve(d.source()).resolve(d.datasetName()).resolve("export_date=" + day);
    List<String> out = new ArrayList<>();
    try (Stream<Path> parts = Files.list(dir)) {
      for (Path p : parts.sorted().collect(Collectors.toList())) {
        try (InputStream raw = Files.newInputStream(p);
            InputStream in = p.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
          r.lines().forEach(out::add);
        }
      }
    }
    return out;
  }

  /** Data rows (header skipped) of a clean CSV export, empty fields as null. */
  private static List<String[]> rows(Path root, SampleDataset d, String day) throws IOException {
    return lines(root, d, day).stream().skip(1)
        .map(l -> csvFields(l).stream().map(f -> f.isEmpty() ? null : f).toArray(String[]::new))
        .collect(Collectors.toList());
  }

  private static List<String> csvFields(String line) {
    List<String> fields = new ArrayList<>();
    StringBuilder f = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted && c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
        f.append('"');
        i++;
      } else if (c == '"') {
        quoted = !quoted;
      } else if (c == ',' && !quoted) {
        fields.add(f.toString());
        f.setLength(0);
      } else {
        f.append(c);
      }
    }
    fields.add(f.toString());
    return fields;
  }

  private static final Pattern JSON_FIELD = Pattern.compile("\"([a-z_]+)\":\"((?:[^\"\\\\]|\\\\.)*)\"");

  /** Touches of a clean export day as field maps (the generator writes flat string objects). */
  private static List<Map<String, String>> touches(Path root, String day) {
    try {
      return lines(root, SampleDataset.TOUCHES, day).stream().map(line -> {
        Map<String, String> fields = new HashMap<>();
        Matcher m = JSON_FIELD.matcher(line);
        while (m.find()) {
          fields.put(m.group(1), m.group(2));
        }
        return fields;
      }).collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
