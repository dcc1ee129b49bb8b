package com.journeyanalytics.jobs.pipeline;

/**
 * A step of the nightly pipeline: a thin job class that reads its inputs, calls pure transforms
 * and writes its tables. Throwing fails the run; tables already written stay at their new version.
 */
public interface Step {

  String name();

  StepResult run(RunContext context);
}
