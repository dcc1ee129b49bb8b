package com.journeyanalytics.jobs.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.journeyanalytics.jobs.fixtures.ExportFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportFilesTest {

  private static final Configuration HADOOP = new Configuration();

  @Test
  void onlyFinishedFilesOfAnyFormatAreData(@TempDir Path root) throws IOException {
    ExportFixture exports = new ExportFixture(root);
    for (String name : List.of("part-0.csv", "part-1.csv.gz", "part-2.jsonl.gz", "part-3.parquet",
        "_SUCCESS", "_committed_123", ".part-0.csv.crc", "part-0.csv.crc", ".hidden.csv",
        "part-4.csv._COPYING_", "part-5.csv.gz._COPYING_", "part-6.jsonl.gz.tmp", "part-7.parquet.inprogress",
        "part-8.CSV.TMP")) {
      exports.write("crm/invoices", "2026-11-20", name, List.of("x"));
    }
    Files.createDirectories(root.resolve("crm/invoices/export_date=2026-11-20/_temporary/0"));
    ExportFiles files = new ExportFiles(HADOOP, root.toString(), "crm/invoices", false);

    List<String> data = files.files(files.days().present().get(LocalDate.parse("2026-11-20")));

    assertThat(data).extracting(f -> f.substring(f.lastIndexOf('/') + 1))
        .containsExactly("part-0.csv", "part-1.csv.gz", "part-2.jsonl.gz", "part-3.parquet");
  }

  @Test
  void aDayFolderWithoutTheRequiredSuccessMarkerDoesNotCountAsPresent(@TempDir Path root) {
    ExportFixture exports = new ExportFixture(root);
    exports.write("crm/invoices", "2026-11-20", "part-0.csv", List.of("x"));
    exports.write("crm/invoices", "2026-11-20", "_SUCCESS", List.of());
    exports.write("crm/invoices", "2026-11-21", "part-0.csv", List.of("x"));

    ExportFiles.Days required = new ExportFiles(HADOOP, root.toString(), "crm/invoices", true).days();
    ExportFiles.Days notRequired = new ExportFiles(HADOOP, root.toString(), "crm/invoices", false).days();

    assertThat(required.present()).containsOnlyKeys(LocalDate.parse("2026-11-20"));
    assertThat(required.unmarked()).containsOnlyKeys(LocalDate.parse("2026-11-21"));
    assertThat(required.unmarked().get(LocalDate.parse("2026-11-21")).toString()).endsWith("crm/invoices/export_date=2026-11-21");
    assertThat(notRequired.present()).containsOnlyKeys(LocalDate.parse("2026-11-20"), LocalDate.parse("2026-11-21"));
    assertThat(notRequired.unmarked()).isEmpty();
  }
}
