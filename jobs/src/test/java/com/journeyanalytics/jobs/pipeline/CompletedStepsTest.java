package com.journeyanalytics.jobs.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.journeyanalytics.common.Hashing;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exports' fingerprint that decides whether a rerun sees the same night's exports. */
class CompletedStepsTest {

  @TempDir
  Path exports;

  /**
   * Two files in nested folders: the fingerprint hashes one line per file (path, bytes,
   * modification time in ms), sorted, whether the file system is Hadoop's local one (listed folder
   * by folder, without reading permissions) or another (listFiles; here the raw local one).
   */
  @Test
  void theExportsFingerprintHashesEachFilesPathSizeAndModificationTimeInPathOrder() throws IOException {
    Path touches = write("marketing/touches/export_date=2026-11-20/touches.csv", "id\n1\n", 1_700_000_000_000L);
    Path accounts = write("crm/accounts/export_date=2026-11-20/accounts.csv", "id\n", 1_700_000_123_000L);
    // "id\n" is 3 bytes, "id\n1\n" 5; crm sorts before marketing.
    String expected = Hashing.sha256Hex(accounts + "\t3\t1700000123000\n" + touches + "\t5\t1700000000000");

    assertThat(CompletedSteps.exportsFingerprint(new Configuration(), exports.toString())).isEqualTo(expected);
    Configuration raw = new Configuration();
    raw.set("fs.file.impl", RawLocalFileSystem.class.getName());
    raw.setBoolean("fs.file.impl.disable.cache", true);
    assertThat(CompletedSteps.exportsFingerprint(raw, exports.toString())).isEqualTo(expected);
  }

  private Path write(String relative, String content, long modifiedAtMillis) throws IOException {
    Path file = exports.resolve(relative);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
    Files.setLastModifiedTime(file, FileTime.fromMillis(modifiedAtMillis));
    return file;
  }
}
