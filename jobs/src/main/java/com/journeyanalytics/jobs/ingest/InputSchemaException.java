package com.journeyanalytics.jobs.ingest;

/** An export that cannot be read at all: a required column or a required day is missing. */
public final class InputSchemaException extends RuntimeException {
  public InputSchemaException(String message) {
    super(message);
  }
}
