package com.journeyanalytics.jobs.pipeline;

/** A step that could not finish; {@code partial} holds what it did write and check before that. */
public final class StepFailedException extends RuntimeException {

  private final transient StepResult partial;

  public StepFailedException(String message, StepResult partial) {
    super(message);
    this.partial = partial;
  }

  public StepResult partial() {
    return partial;
  }
}
