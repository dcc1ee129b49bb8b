package com.journeyanalytics.jobs.ingest;

import com.amazon.deequ.analyzers.Analyzer;
import com.amazon.deequ.analyzers.Completeness;
import com.amazon.deequ.analyzers.Size;
import com.amazon.deequ.analyzers.Sum;
import com.amazon.deequ.analyzers.Uniqueness;
import com.amazon.deequ.analyzers.runners.AnalysisRunBuilder;
import com.amazon.deequ.analyzers.runners.AnalysisRunner;
import com.amazon.deequ.analyzers.runners.AnalyzerContext;
import com.amazon.deequ.metrics.DoubleMetric;
import com.amazon.deequ.metrics.Metric;
import com.amazon.deequ.repository.AnalysisResult;
import com.amazon.deequ.repository.ResultKey;
import com.amazon.deequ.repository.fs.FileSystemMetricsRepository;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import scala.Option;
import scala.collection.JavaConverters;

/**
 * The generic checks' measurements, by Deequ: size and completeness of the input, uniqueness of a
 * key, and each day's input profile kept in a metrics repository in the warehouse
 * ({@code <warehouse>/_quality_metrics/metrics.json}), keyed by run date and dataset, so a rerun
 * of a day replaces its own entry and the volume check sees one value per earlier day. Datasets
 * ingested at the same time take turns on the repository, one file read and rewritten whole.
 */
public final class DeequMetrics {

  private final SparkSession spark;
  private final FileSystemMetricsRepository repository;

  public DeequMetrics(SparkSession spark, String warehouse) {
    this.spark = spark;
    this.repository = FileSystemMetricsRepository.apply(spark, warehouse + "/_quality_metrics/metrics.json");
  }

  /**
   * What ingestion measures of a dataset's typed input, in one Deequ pass: the row count, the
   * rows with a quarantine reason, the unknown enum values, and the completeness (0..1) of each
   * of {@code columns} (empty when there are no rows).
   */
  public record InputProfile(long rows, long quarantined, long unknownEnums, Map<String, Double> completeness,
      AnalyzerContext metrics) {}

  /**
   * Profiles {@code rows}, which carry {@code quarantineFlag} (1 for a row with a reason, else 0)
   * and {@code unknownEnumColumn}: Deequ runs every analyzer in a single scan.
   */
  public InputProfile profile(Dataset<Row> rows, String quarantineFlag, String unknownEnumColumn, List<String> columns) {
    Size size = new Size(Option.empty());
    Sum quarantined = new Sum(quarantineFlag, Option.empty());
    Sum unknown = new Sum(unknownEnumColumn, Option.empty());
    AnalysisRunBuilder run = AnalysisRunner.onData(rows)
        .addAnalyzer(generic(size)).addAnalyzer(generic(quarantined)).addAnalyzer(generic(unknown));
    List<Completeness> analyzers = new ArrayList<>();
    for (String column : columns) {
      Completeness analyzer = new Completeness(column, Option.empty(), Option.empty());
      analyzers.add(analyzer);
      run = run.addAnalyzer(generic(analyzer));
    }
    AnalyzerContext result = run.run();
    long count = asLong(value(result, size));
    Map<String, Double> completeness = new LinkedHashMap<>();
    if (count > 0) {
      for (int i = 0; i < columns.size(); i++) {
        completeness.put(columns.get(i), value(result, analyzers.get(i)));
      }
    }
    // Deequ reports the sum of no rows as a failure; it is zero.
    return new InputProfile(count, asLong(value(result, quarantined)), asLong(value(result, unknown)), completeness, result);
  }

  private static long asLong(Double value) {
    return value == null ? 0L : Math.round(value);
  }

  /** Deequ uniqueness (0..1): the share of rows whose key occurs exactly once; 1 for a true key or no rows. */
  public double uniqueness(Dataset<Row> rows, String key) {
    Uniqueness analyzer = new Uniqueness(JavaConverters.asScalaBuffer(List.of(key)).toSeq(), Option.empty(), Option.empty());
    Double unique = value(AnalysisRunner.onData(rows).addAnalyzer(generic(analyzer)).run(), analyzer);
    return unique == null ? 1.0 : unique;
  }

  /**
   * Records a day's input profile for a dataset (replacing an earlier record of the same day);
   * its Size is the volume history the next days compare against.
   */
  public synchronized void record(String dataset, LocalDate runDate, InputProfile profile) {
    repository.save(key(dataset, runDate), profile.metrics());
  }

  /** Input sizes of the dataset on the last {@code days} run dates before {@code runDate}, newest first. */
  public synchronized List<Long> inputSizesBefore(String dataset, LocalDate runDate, int days) {
    List<AnalysisResult> results = new ArrayList<>(JavaConverters.seqAsJavaList(repository.load()
        .withTagValues(JavaConverters.mapAsScalaMap(Map.of("dataset", dataset)).toMap(scala.Predef$.MODULE$.$conforms()))
        .before(millis(runDate) - 1)
        .get()));
    results.sort(Comparator.comparingLong((AnalysisResult r) -> r.resultKey().dataSetDate()).reversed());
    List<Long> sizes = new ArrayList<>();
    for (AnalysisResult result : results.subList(0, Math.min(days, results.size()))) {
      Double value = value(result.analyzerContext(), new Size(Option.empty()));
      if (value != null) {
        sizes.add(value.longValue());
      }
    }
    return sizes;
  }

  private static ResultKey key(String dataset, LocalDate runDate) {
    return new ResultKey(millis(runDate),
        JavaConverters.mapAsScalaMap(Map.of("dataset", dataset)).toMap(scala.Predef$.MODULE$.$conforms()));
  }

  private static long millis(LocalDate day) {
    return day.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
  }

  /** Scala's variance does not survive into Java generics; every Deequ analyzer is an Analyzer of some Metric. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Analyzer<?, Metric<?>> generic(Analyzer<?, ?> analyzer) {
    return (Analyzer) analyzer;
  }

  private static Double value(AnalyzerContext context, Analyzer<?, ?> analyzer) {
    Option<Metric<?>> metric = context.metric(generic(analyzer));
    if (metric.isEmpty() || !(metric.get() instanceof DoubleMetric doubleMetric) || doubleMetric.value().isFailure()) {
      return null;
    }
    return (Double) doubleMetric.value().get();
  }
}
