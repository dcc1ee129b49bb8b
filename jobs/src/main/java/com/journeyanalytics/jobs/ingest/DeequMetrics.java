package com.journeyanalytics.jobs.ingest;

import com.amazon.deequ.analyzers.Analyzer;
import com.amazon.deequ.analyzers.Completeness;
import com.amazon.deequ.analyzers.Size;
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
 * The generic checks' measurements, by Deequ: completeness of columns, uniqueness of a key, and
 * the size of each day's input kept in a metrics repository in the warehouse
 * ({@code <warehouse>/_quality_metrics/metrics.json}), keyed by run date and dataset, so a rerun
 * of a day replaces its own entry and the volume check sees one value per earlier day.
 */
public final class DeequMetrics {

  private final SparkSession spark;
  private final FileSystemMetricsRepository repository;

  public DeequMetrics(SparkSession spark, String warehouse) {
    this.spark = spark;
    this.repository = FileSystemMetricsRepository.apply(spark, warehouse + "/_quality_metrics/metrics.json");
  }

  /** Completeness (0..1) of each column, in the given order. */
  public Map<String, Double> completeness(Dataset<Row> rows, List<String> columns) {
    AnalysisRunBuilder run = AnalysisRunner.onData(rows);
    List<Completeness> analyzers = new ArrayList<>();
    for (String column : columns) {
      Completeness analyzer = new Completeness(column, Option.empty(), Option.empty());
      analyzers.add(analyzer);
      run = run.addAnalyzer(generic(analyzer));
    }
    AnalyzerContext result = run.run();
    Map<String, Double> out = new LinkedHashMap<>();
    for (int i = 0; i < columns.size(); i++) {
      out.put(columns.get(i), value(result, analyzers.get(i)));
    }
    return out;
  }

  /** Deequ uniqueness (0..1): the share of rows whose key occurs exactly once; 1 for a true key or no rows. */
  public double uniqueness(Dataset<Row> rows, String key) {
    Uniqueness analyzer = new Uniqueness(JavaConverters.asScalaBuffer(List.of(key)).toSeq(), Option.empty(), Option.empty());
    Double unique = value(AnalysisRunner.onData(rows).addAnalyzer(generic(analyzer)).run(), analyzer);
    return unique == null ? 1.0 : unique;
  }

  /** Records a day's input size for a dataset (replacing an earlier record of the same day). */
  public void recordInputSize(String dataset, LocalDate runDate, Dataset<Row> input) {
    Size size = new Size(Option.empty());
    AnalyzerContext result = AnalysisRunner.onData(input).addAnalyzer(generic(size)).run();
    repository.save(key(dataset, runDate), result);
  }

  /** Input sizes of the dataset on the last {@code days} run dates before {@code runDate}, newest first. */
  public List<Long> inputSizesBefore(String dataset, LocalDate runDate, int days) {
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
