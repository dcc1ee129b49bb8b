package com.journeyanalytics.jobs.sample;

import java.util.EnumMap;
import java.util.Map;

/** How many rows of each dataset got each kind of dirt (EnumMaps: a fixed, readable order). */
public final class DirtCounts {

  private final Map<SampleDataset, Map<DirtKind, Long>> counts = new EnumMap<>(SampleDataset.class);

  void add(SampleDataset dataset, DirtKind kind) {
    counts.computeIfAbsent(dataset, d -> new EnumMap<>(DirtKind.class)).merge(kind, 1L, Long::sum);
  }

  /** Rows of the dataset named {@code dataset} (its contract name, e.g. "tickets") that got {@code kind}. */
  public long count(String dataset, DirtKind kind) {
    return counts.entrySet().stream().filter(e -> e.getKey().datasetName().equals(dataset))
        .mapToLong(e -> e.getValue().getOrDefault(kind, 0L)).sum();
  }

  long total(DirtKind kind) {
    return counts.values().stream().mapToLong(m -> m.getOrDefault(kind, 0L)).sum();
  }

  long total() {
    return counts.values().stream().flatMap(m -> m.values().stream()).mapToLong(Long::longValue).sum();
  }

  /** "accounts 12, events 40": where one kind of dirt went. */
  String breakdown(DirtKind kind) {
    StringBuilder b = new StringBuilder();
    counts.forEach((dataset, kinds) -> {
      Long n = kinds.get(kind);
      if (n != null) {
        b.append(b.length() == 0 ? "" : ", ").append(dataset.datasetName()).append(' ').append(n);
      }
    });
    return b.toString();
  }
}
