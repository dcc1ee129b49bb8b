package com.journeyanalytics.common.testing;

import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import scala.collection.JavaConverters;

/** Renders values the same way whether they came from Spark or from a hand-written fixture. */
final class Values {

  private Values() {}

  static String normalize(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof BigDecimal d) {
      return d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
    }
    if (value instanceof Double d) {
      return normalize(BigDecimal.valueOf(d));
    }
    if (value instanceof Float f) {
      return normalize(BigDecimal.valueOf(f));
    }
    if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
      return normalize(new BigDecimal(value.toString()));
    }
    if (value instanceof Timestamp t) {
      return t.toInstant().toString();
    }
    if (value instanceof Instant i) {
      return i.toString();
    }
    if (value instanceof Date d) {
      return d.toLocalDate().toString();
    }
    if (value instanceof LocalDate d) {
      return d.toString();
    }
    if (value instanceof scala.collection.Map<?, ?> m) {
      return normalize(JavaConverters.mapAsJavaMap(m));
    }
    if (value instanceof Map<?, ?> m) {
      Map<String, String> sorted = new TreeMap<>();
      m.forEach((k, v) -> sorted.put(normalize(k), normalize(v)));
      return sorted.toString();
    }
    if (value instanceof scala.collection.Seq<?> s) {
      return normalize(JavaConverters.seqAsJavaList(s));
    }
    if (value instanceof List<?> l) {
      List<String> items = new ArrayList<>();
      l.forEach(v -> items.add(normalize(v)));
      return items.toString();
    }
    return value.toString();
  }
}
