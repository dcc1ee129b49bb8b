package com.journeyanalytics.jobs.pipeline;

import com.journeyanalytics.common.delta.TableStore.WriteResult;
import com.journeyanalytics.common.quality.QualityCheck;
import java.util.List;
import java.util.Map;

/**
 * What a step wrote (rows and Delta version per table), the checks it ran, and for ingestion
 * the rows read, quarantined and accepted per dataset (for pipeline_runs).
 */
public record StepResult(
    List<WriteResult> writes,
    List<QualityCheck> checks,
    Map<String, Long> inputRows,
    Map<String, Long> quarantinedRows,
    Map<String, Long> outputRows) {

  public static StepResult of(List<WriteResult> writes, List<QualityCheck> checks) {
    return new StepResult(List.copyOf(writes), List.copyOf(checks), Map.of(), Map.of(), Map.of());
  }
}
