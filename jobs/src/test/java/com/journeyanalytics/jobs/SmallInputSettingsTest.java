package com.journeyanalytics.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SmallInputSettingsTest {

  @Test
  void aSmallInputRunsInterpretedWithOnePartitionAndALargerOneKeepsSparksDefaults() {
    // The demo sample: 11 MiB of exports and about 40 MiB of warehouse.
    assertThat(SmallInputSettings.forInput(51L << 20)).containsExactlyInAnyOrderEntriesOf(Map.of(
        "spark.sql.codegen.wholeStage", "false",
        "spark.sql.codegen.factoryMode", "NO_CODEGEN",
        "spark.sql.shuffle.partitions", "1",
        "spark.databricks.delta.snapshotPartitions", "1"));
    // 10,000 accounts x 365 days: 267 MiB of exports alone.
    assertThat(SmallInputSettings.forInput(267L << 20)).isEmpty();
    assertThat(SmallInputSettings.forInput(128L << 20)).isEmpty();
  }

  @Test
  void theInputIsEveryFileUnderTheExportsAndTheWarehouseAndAMissingFolderIsEmpty(@TempDir Path dir) throws Exception {
    Path exports = Files.createDirectories(dir.resolve("exports/crm/accounts"));
    Files.write(exports.resolve("accounts_2026-11-19.csv"), new byte[1000]);
    Files.write(Files.createDirectories(dir.resolve("exports/web")).resolve("touches.csv"), new byte[2500]);

    // 1,000 + 2,500 bytes; the warehouse of a first run does not exist yet.
    assertThat(SmallInputSettings.bytesUnder(List.of(dir.resolve("exports").toString(), dir.resolve("warehouse").toString()),
        new Configuration())).isEqualTo(3500L);
  }
}
