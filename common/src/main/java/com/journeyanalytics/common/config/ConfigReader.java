package com.journeyanalytics.common.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValue;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;

/**
 * Typed access to one section of the configuration. Every failure names the full key, so a bad
 * value is reported at start-up as "journey.kpis.churn-window-days: expected a whole number ...".
 */
public final class ConfigReader {

  private final Config config;
  private final String prefix;

  public ConfigReader(Config config, String prefix) {
    this.config = config;
    this.prefix = prefix;
  }

  public ConfigReader section(String key) {
    require(key);
    try {
      return new ConfigReader(config.getConfig(key), path(key));
    } catch (ConfigException e) {
      throw bad(key, "expected a section { ... }");
    }
  }

  public List<ConfigReader> sections(String key) {
    require(key);
    try {
      List<ConfigReader> out = new ArrayList<>();
      List<? extends Config> list = config.getConfigList(key);
      for (int i = 0; i < list.size(); i++) {
        out.add(new ConfigReader(list.get(i), path(key) + "[" + i + "]"));
      }
      return out;
    } catch (ConfigException e) {
      throw bad(key, "expected a list of sections [ { ... } ]");
    }
  }

  public boolean has(String key) {
    return config.hasPath(key);
  }

  public String string(String key) {
    require(key);
    try {
      return config.getString(key);
    } catch (ConfigException e) {
      throw bad(key, "expected a string");
    }
  }

  public String nonBlank(String key) {
    String value = string(key);
    if (value.isBlank()) {
      throw bad(key, "must not be empty");
    }
    return value;
  }

  public String optionalString(String key) {
    return config.hasPath(key) ? string(key) : null;
  }

  public String oneOf(String key, Collection<String> allowed) {
    String value = string(key);
    if (!allowed.contains(value)) {
      throw bad(key, "'" + value + "' is not one of " + allowed);
    }
    return value;
  }

  public boolean bool(String key) {
    require(key);
    try {
      return config.getBoolean(key);
    } catch (ConfigException e) {
      throw bad(key, "expected true or false");
    }
  }

  public int intBetween(String key, int min, int max) {
    return between(key, min, max, Config::getInt, "expected a whole number");
  }

  /** A HOCON duration ("10 minutes", "500 ms"; a bare number is milliseconds) within [min, max]. */
  public Duration durationBetween(String key, Duration min, Duration max) {
    return between(key, min, max, Config::getDuration, "expected a duration such as \"10 minutes\" or \"30 s\"");
  }

  /** A HOCON size ("64 MiB", "512k"; a bare number is bytes) within [min, max]. */
  public long bytesBetween(String key, long min, long max) {
    return between(key, min, max, Config::getBytes, "expected a size such as \"64 MiB\" or \"0\"");
  }

  public double doubleBetween(String key, double min, double max) {
    return between(key, min, max, Config::getDouble, "expected a number");
  }

  /** The value {@code read} gets for the key, failing with {@code expected} when it cannot, or when outside [min, max]. */
  private <T extends Comparable<T>> T between(String key, T min, T max, BiFunction<Config, String, T> read,
      String expected) {
    require(key);
    T value;
    try {
      value = read.apply(config, key);
    } catch (ConfigException e) {
      throw bad(key, expected);
    }
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      throw bad(key, value + " is outside " + min + ".." + max);
    }
    return value;
  }

  public BigDecimal decimal(String key) {
    String text = string(key);
    try {
      return new BigDecimal(text.trim());
    } catch (NumberFormatException e) {
      throw bad(key, "'" + text + "' is not a decimal number");
    }
  }

  public List<String> stringList(String key) {
    require(key);
    try {
      return List.copyOf(config.getStringList(key));
    } catch (ConfigException e) {
      throw bad(key, "expected a list of strings");
    }
  }

  /** A section of string values, keys in sorted order (so the binding is deterministic). */
  public Map<String, String> stringMap(String key) {
    ConfigReader section = section(key);
    Map<String, String> out = new TreeMap<>();
    for (Map.Entry<String, ConfigValue> entry : section.config.root().entrySet()) {
      out.put(entry.getKey(), section.string(quote(entry.getKey())));
    }
    return out;
  }

  /** A section of decimal values, keys in sorted order. */
  public Map<String, BigDecimal> decimalMap(String key) {
    ConfigReader section = section(key);
    Map<String, BigDecimal> out = new TreeMap<>();
    for (String name : section.config.root().keySet()) {
      out.put(name, section.decimal(quote(name)));
    }
    return out;
  }

  /** The sub-sections of a section, by name, in file order where HOCON keeps it (sorted here). */
  public Map<String, ConfigReader> namedSections(String key) {
    ConfigReader section = section(key);
    Map<String, ConfigReader> out = new LinkedHashMap<>();
    for (String name : new TreeMap<>(section.config.root()).keySet()) {
      out.put(name, section.section(quote(name)));
    }
    return out;
  }

  /** True when the value was written in a configuration file (rather than given by the environment or command line). */
  public boolean fromFile(String key) {
    require(key);
    return config.getValue(key).origin().filename() != null || config.getValue(key).origin().url() != null;
  }

  public InvalidConfigException bad(String key, String problem) {
    return new InvalidConfigException(path(key) + ": " + problem);
  }

  public String path(String key) {
    return prefix.isEmpty() ? key : prefix + "." + key;
  }

  private void require(String key) {
    if (!config.hasPath(key)) {
      throw bad(key, "is missing");
    }
  }

  private static String quote(String key) {
    return "\"" + key + "\"";
  }
}
