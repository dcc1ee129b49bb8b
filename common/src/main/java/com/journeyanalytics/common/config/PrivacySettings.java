package com.journeyanalytics.common.config;

import com.journeyanalytics.common.privacy.EmailMasking;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Section journey.privacy: the key of the address hashes. Null key: plain SHA-256. The key comes
 * from the JOURNEY_HASH_KEY environment variable or from the file named by hash-key-file, never
 * from a configuration file (those get committed and copied around).
 */
public record PrivacySettings(String hashKey) {

  /** A shorter key is easy to guess, which is what the key is meant to prevent. */
  public static final int MIN_KEY_LENGTH = 16;

  public static PrivacySettings from(ConfigReader privacy) {
    String key = null;
    if (privacy.has("hash-key")) {
      if (privacy.fromFile("hash-key")) {
        throw privacy.bad("hash-key", "must not be written in a configuration file; set the JOURNEY_HASH_KEY "
            + "environment variable or journey.privacy.hash-key-file instead");
      }
      key = privacy.string("hash-key");
    }
    String file = privacy.string("hash-key-file");
    if (!file.isBlank()) {
      if (key != null) {
        throw privacy.bad("hash-key-file", "is set together with JOURNEY_HASH_KEY; use one of the two");
      }
      Path path = Paths.get(file);
      try {
        key = Files.readString(path, StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        throw privacy.bad("hash-key-file", "cannot read " + path + " (" + e.getClass().getSimpleName() + ")");
      }
    }
    if (key != null && key.length() < MIN_KEY_LENGTH) {
      throw privacy.bad(file.isBlank() ? "hash-key" : "hash-key-file",
          "the key must have at least " + MIN_KEY_LENGTH + " characters");
    }
    return new PrivacySettings(key);
  }

  public EmailMasking masking() {
    return EmailMasking.withKey(hashKey);
  }

  /** Never prints the key. */
  @Override
  public String toString() {
    return "PrivacySettings[hashKey=" + (hashKey == null ? "none" : "set") + "]";
  }
}
