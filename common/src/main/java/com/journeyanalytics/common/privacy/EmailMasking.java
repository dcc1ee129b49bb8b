package com.journeyanalytics.common.privacy;

import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import java.io.ByteArrayOutputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.text.Normalizer;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;

/**
 * The one masking function: every address the job writes or logs, and every email_sha256, goes
 * through here. An address (any script in the local part, a Unicode or punycode domain, {@code @}
 * or URL-encoded {@code %40}) is replaced by {@code email:<hash>} of its normalized form: percent
 * escapes decoded, Unicode NFC, trimmed, lower-cased. The hash is SHA-256, or HMAC-SHA256 when a
 * key is configured (journey.privacy.hash-key), so that a list of candidate addresses cannot be
 * hashed to find who is who. Serializable: Spark ships the key with the UDF to the executors.
 */
public final class EmailMasking implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Characters of a local part; URL separators (= & ? / :) and quotes end it. */
  private static final String LOCAL_CHAR = "[\\p{L}\\p{M}\\p{N}._+'-]";
  /** A percent escape inside a local part, except %40 (the encoded @ itself). */
  private static final String LOCAL_ESCAPE = "%(?!40)[0-9A-Fa-f]{2}";
  private static final String LABEL = "[\\p{L}\\p{M}\\p{N}-]+";
  /** A top-level domain: letters of any script, or punycode (xn--p1ai). */
  private static final String TOP_LEVEL = "(?:\\p{L}[\\p{L}\\p{M}]+|(?i:xn--)[A-Za-z0-9-]+)";
  private static final Pattern ADDRESS = Pattern.compile(
      "(?:" + LOCAL_CHAR + "|" + LOCAL_ESCAPE + ")+(?:@|%40)(?:" + LABEL + "\\.)+" + TOP_LEVEL);
  private static final Pattern ESCAPE = Pattern.compile("%([0-9A-Fa-f]{2})");

  private static final EmailMasking PLAIN = new EmailMasking(null);
  private static volatile EmailMasking forLogs = PLAIN;

  private final byte[] key;
  private transient volatile ThreadLocal<Mac> mac;

  private EmailMasking(byte[] key) {
    this.key = key;
  }

  /** Plain SHA-256 without a key; HMAC-SHA256 with {@code key} (UTF-8 bytes) when it is not null. */
  public static EmailMasking withKey(String key) {
    return key == null ? PLAIN : new EmailMasking(key.getBytes(StandardCharsets.UTF_8));
  }

  /** The masking the log layout applies (see MaskingPatternConverter); the job installs its own at start-up. */
  public static EmailMasking forLogs() {
    return forLogs;
  }

  public static void useForLogs(EmailMasking masking) {
    forLogs = masking;
  }

  /** {@code text} with every address replaced by {@code email:<hash>}; null stays null. */
  public String mask(String text) {
    if (text == null || (text.indexOf('@') < 0 && text.indexOf("%40") < 0)) {
      return text;
    }
    Matcher matcher = ADDRESS.matcher(text);
    StringBuilder out = new StringBuilder(text.length());
    while (matcher.find()) {
      String found = matcher.group();
      // "email%3Dann%40x.com": the encoded "=" ends the query key; only what follows is the address.
      int start = addressStart(found);
      matcher.appendReplacement(out, Matcher.quoteReplacement(
          found.substring(0, start) + "email:" + hash(found.substring(start))));
    }
    matcher.appendTail(out);
    return out.toString();
  }

  /** The hash of an address as email_sha256 stores it (hex of SHA-256 or HMAC-SHA256 of the normalized form). */
  public String hash(String address) {
    byte[] bytes = normalize(address).getBytes(StandardCharsets.UTF_8);
    try {
      return HexFormat.of().formatHex(key == null ? MessageDigest.getInstance("SHA-256").digest(bytes) : mac().doFinal(bytes));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 and HmacSHA256 are part of every JDK", e);
    }
  }

  /** Percent escapes decoded (UTF-8), Unicode NFC, trimmed, lower-cased. */
  public static String normalize(String address) {
    String decoded = address.indexOf('%') < 0 ? address : percentDecoded(address);
    return Normalizer.normalize(decoded, Normalizer.Form.NFC).trim().toLowerCase(Locale.ROOT);
  }

  /** {@code text} masked; Spark's own string search skips the UDF for the many values without an address. */
  public Column masked(Column text) {
    UDF1<String, String> mask = this::mask;
    return when(text.contains("@").or(text.contains("%40")), udf(mask, DataTypes.StringType).apply(text))
        .otherwise(text);
  }

  /** The hash of an address column (null stays null). */
  public Column hashed(Column address) {
    UDF1<String, String> hash = a -> a == null ? null : hash(a);
    return udf(hash, DataTypes.StringType).apply(address);
  }

  private static int addressStart(String found) {
    int start = 0;
    Matcher escape = ESCAPE.matcher(found);
    while (escape.find() && !escape.group(1).equals("40")) {
      int value = Integer.parseInt(escape.group(1), 16);
      if (value < 0x80 && !Character.isLetterOrDigit(value) && "._+'-".indexOf(value) < 0) {
        start = escape.end();
      }
    }
    return start;
  }

  private static String percentDecoded(String text) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
    for (int i = 0; i < text.length(); ) {
      if (text.charAt(i) == '%' && i + 2 < text.length() && ESCAPE.matcher(text).region(i, i + 3).matches()) {
        bytes.write(Integer.parseInt(text.substring(i + 1, i + 3), 16));
        i += 3;
      } else {
        int codePoint = text.codePointAt(i);
        bytes.writeBytes(new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8));
        i += Character.charCount(codePoint);
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private Mac mac() throws GeneralSecurityException {
    if (mac == null) {
      mac = ThreadLocal.withInitial(() -> {
        try {
          Mac m = Mac.getInstance("HmacSHA256");
          m.init(new SecretKeySpec(key, "HmacSHA256"));
          return m;
        } catch (GeneralSecurityException e) {
          throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
      });
    }
    return mac.get();
  }
}
