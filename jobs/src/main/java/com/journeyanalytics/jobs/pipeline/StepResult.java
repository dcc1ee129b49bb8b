package com.journeyanalytics.jobs.pipeline;

import com.journeyanalytics.common.delta.TableStore.WriteResult;
import com.journeyanalytics.common.quality.QualityCheck;
import java.util.List;

/** What a step wrote (rows and Delta version per table) and the checks it ran. */
public record StepResult(List<WriteResult> writes, List<QualityCheck> checks) {

  public static StepResult of(List<WriteResult> writes, List<QualityCheck> checks) {
    return new StepResult(List.copyOf(writes), List.copyOf(checks));
  }
}
