package com.journeyanalytics.jobs.sample;

/** The kinds of deliberately dirty rows the generator writes, each counted in the summary. */
public enum DirtKind {
  MALFORMED_LINE("malformed CSV or JSON line"),
  DUPLICATE_REEXPORT("record re-exported on a later day with a newer updated_at"),
  ODD_EMAIL("email with odd case and surrounding spaces"),
  MIXED_OFFSET("timestamp with +01:00 / -05:00 / no offset instead of Z"),
  UNKNOWN_ENUM("unknown enum value (segment Strategic, platform tv, ticket channel sms)"),
  MISSING_ACCOUNT_ID("ticket without account_id (requester_email of a known contact)"),
  SCORE_OUT_OF_RANGE("survey score out of range"),
  UNPARSEABLE_TIMESTAMP("unparseable timestamp"),
  MISSING_REQUIRED("missing required value");

  final String description;

  DirtKind(String description) {
    this.description = description;
  }
}
