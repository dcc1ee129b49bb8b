package com.journeyanalytics.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrivacySettingsTest {

  private static final String KEY = "a-key-of-24-characters!!";

  @Test
  void withoutAKeyTheHashesArePlainSha256() {
    // printf '%s' ann@x.com | sha256sum
    assertThat(JobConfig.load(null, Map.of()).privacy().masking().hash("ann@x.com"))
        .isEqualTo("0b2d6603047b0e23d4fc76b502153865296189b7d3a170d1a7b2dcda4e2b6d10");
  }

  @Test
  void aKeyFromTheEnvironmentOrFromAFileGivesTheSameHmac(@TempDir Path dir) throws Exception {
    Path keyFile = dir.resolve("hash.key");
    Files.writeString(keyFile, KEY + "\n");
    // printf '%s' ann@x.com | openssl dgst -sha256 -hmac 'a-key-of-24-characters!!'
    String expected = "86ab9651712a698a6f9ae6405f3009f6cd7267ee21b8f5ccb911a1db32f7b63f";

    JobConfig fromEnvironment = JobConfig.load(null, Map.of("journey.privacy.hash-key", KEY));
    JobConfig fromFile = JobConfig.load(null, Map.of("journey.privacy.hash-key-file", keyFile.toString()));

    assertThat(fromEnvironment.privacy().masking().hash("ann@x.com")).isEqualTo(expected);
    assertThat(fromFile.privacy().masking().hash("ann@x.com")).isEqualTo(expected);
  }

  @Test
  void aKeyWrittenInAConfigurationFileIsRefusedNamingTheKey(@TempDir Path dir) throws Exception {
    Path conf = dir.resolve("job.conf");
    Files.writeString(conf, "journey.privacy.hash-key = \"" + KEY + "\"\n");

    assertThatThrownBy(() -> JobConfig.load(conf.toFile(), Map.of()))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("journey.privacy.hash-key")
        .hasMessageContaining("JOURNEY_HASH_KEY")
        .hasMessageNotContaining(KEY);
  }

  @Test
  void aShortKeyOrAMissingKeyFileFailsNamingTheKey(@TempDir Path dir) {
    assertThatThrownBy(() -> JobConfig.load(null, Map.of("journey.privacy.hash-key", "short")))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("journey.privacy.hash-key")
        .hasMessageContaining("at least 16 characters");
    assertThatThrownBy(() -> JobConfig.load(null, Map.of("journey.privacy.hash-key-file", dir.resolve("none").toString())))
        .isInstanceOf(InvalidConfigException.class).hasMessageContaining("journey.privacy.hash-key-file");
  }

  @Test
  void theConfigurationHashChangesWithTheKeyButTheKeyIsNeverPrinted() {
    JobConfig plain = JobConfig.load(null, Map.of());
    JobConfig keyed = JobConfig.load(null, Map.of("journey.privacy.hash-key", KEY));
    JobConfig otherKey = JobConfig.load(null, Map.of("journey.privacy.hash-key", KEY + "2"));

    assertThat(keyed.configSha256()).isNotEqualTo(plain.configSha256()).isNotEqualTo(otherKey.configSha256());
    assertThat(keyed.toString()).doesNotContain(KEY);
  }
}
