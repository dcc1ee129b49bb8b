package com.journeyanalytics.common.testing;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.StageInfo;
import scala.collection.JavaConverters;

/**
 * The records some Spark jobs read from files (the input metrics of their stages that scan files,
 * not of those reading cached blocks), the jobs picked by the description Delta gives them (e.g. a
 * merge's "scanning files for matches"): how a test sees which files a command read.
 */
public final class RecordsRead extends SparkListener {

  private final String description;
  private final Set<Integer> stages = ConcurrentHashMap.newKeySet();
  private final AtomicLong records = new AtomicLong();
  private final SparkContext context;

  private RecordsRead(String description, SparkContext context) {
    this.description = description;
    this.context = context;
  }

  /** Counts from now on the records read from files by jobs whose description starts with {@code description}. */
  public static RecordsRead byJobsDescribed(String description) {
    SparkContext context = SparkTestSession.get().sparkContext();
    RecordsRead listener = new RecordsRead(description, context);
    context.addSparkListener(listener);
    return listener;
  }

  @Override
  public void onJobStart(SparkListenerJobStart jobStart) {
    String jobDescription = jobStart.properties() == null ? null : jobStart.properties().getProperty("spark.job.description");
    if (jobDescription != null && jobDescription.startsWith(description)) {
      for (StageInfo stage : JavaConverters.seqAsJavaList(jobStart.stageInfos())) {
        if (JavaConverters.seqAsJavaList(stage.rddInfos()).stream().anyMatch(rdd -> rdd.name().equals("FileScanRDD"))) {
          stages.add(stage.stageId());
        }
      }
    }
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
    if (stages.contains(taskEnd.stageId()) && taskEnd.taskMetrics() != null) {
      records.addAndGet(taskEnd.taskMetrics().inputMetrics().recordsRead());
    }
  }

  /** Stops counting, once the events of the jobs so far have arrived. */
  public void stop() {
    try {
      context.listenerBus().waitUntilEmpty(TimeUnit.MINUTES.toMillis(1));
    } catch (TimeoutException e) {
      throw new IllegalStateException("Spark's listener events did not arrive in a minute", e);
    }
    context.removeSparkListener(this);
  }

  public long total() {
    return records.get();
  }
}
