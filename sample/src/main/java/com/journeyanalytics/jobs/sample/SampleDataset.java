package com.journeyanalytics.jobs.sample;

import com.journeyanalytics.common.schema.InputContract;
import com.journeyanalytics.common.schema.InputContract.Dataset;
import java.util.List;

/**
 * How the generator writes each dataset of the input contract: file format, and which kinds of
 * dirt fit it (with the columns they touch). Columns come from {@link InputContract} so the
 * files always carry the canonical names in the canonical order.
 */
enum SampleDataset {
  ACCOUNTS(InputContract.ACCOUNTS, FileFormat.CSV_GZ, null, "segment", "Strategic", null,
      DirtKind.MIXED_OFFSET, DirtKind.UNKNOWN_ENUM),
  CONTACTS(InputContract.CONTACTS, FileFormat.CSV_GZ, "email", null, null, null,
      DirtKind.ODD_EMAIL, DirtKind.MIXED_OFFSET),
  OPPORTUNITIES(InputContract.OPPORTUNITIES, FileFormat.CSV, null, null, null, "stage",
      DirtKind.MALFORMED_LINE, DirtKind.DUPLICATE_REEXPORT, DirtKind.MIXED_OFFSET,
      DirtKind.UNPARSEABLE_TIMESTAMP, DirtKind.MISSING_REQUIRED),
  INVOICES(InputContract.INVOICES, FileFormat.CSV, null, null, null, "amount",
      DirtKind.MALFORMED_LINE, DirtKind.DUPLICATE_REEXPORT, DirtKind.MIXED_OFFSET, DirtKind.MISSING_REQUIRED),
  CAMPAIGNS(InputContract.CAMPAIGNS, FileFormat.CSV, null, null, null, null),
  TOUCHES(InputContract.TOUCHES, FileFormat.JSONL_GZ, "email", null, null, "channel",
      DirtKind.MALFORMED_LINE, DirtKind.ODD_EMAIL, DirtKind.MIXED_OFFSET, DirtKind.UNPARSEABLE_TIMESTAMP,
      DirtKind.MISSING_REQUIRED),
  TICKETS(InputContract.TICKETS, FileFormat.CSV, "requester_email", "channel", "sms", null,
      DirtKind.MALFORMED_LINE, DirtKind.DUPLICATE_REEXPORT, DirtKind.ODD_EMAIL, DirtKind.MIXED_OFFSET,
      DirtKind.UNKNOWN_ENUM, DirtKind.MISSING_ACCOUNT_ID, DirtKind.UNPARSEABLE_TIMESTAMP),
  SURVEYS(InputContract.SURVEYS, FileFormat.CSV, "respondent_email", null, null, "submitted_at",
      DirtKind.MALFORMED_LINE, DirtKind.ODD_EMAIL, DirtKind.SCORE_OUT_OF_RANGE, DirtKind.MISSING_REQUIRED),
  EVENTS(InputContract.EVENTS, FileFormat.PARQUET, null, "platform", "tv", "event_name",
      DirtKind.MIXED_OFFSET, DirtKind.UNKNOWN_ENUM, DirtKind.UNPARSEABLE_TIMESTAMP, DirtKind.MISSING_REQUIRED);

  enum FileFormat {
    CSV(".csv"), CSV_GZ(".csv.gz"), JSONL_GZ(".jsonl.gz"), PARQUET(".parquet");

    final String extension;

    FileFormat(String extension) {
      this.extension = extension;
    }
  }

  final Dataset contract;
  final FileFormat format;
  final List<String> columns;
  final int emailColumn;
  final int enumColumn;
  final String unknownEnumValue;
  final int requiredColumnToBlank;
  final int[] timestampColumns;
  final int updatedAtColumn;
  final int accountColumn;
  final int scoreColumn;
  final int surveyTypeColumn;
  final DirtKind[] dirt;

  SampleDataset(Dataset contract, FileFormat format, String email, String enumColumn, String unknownEnumValue,
      String requiredToBlank, DirtKind... dirt) {
    this.contract = contract;
    this.format = format;
    this.columns = contract.columnNames();
    this.emailColumn = indexOf(email);
    this.enumColumn = indexOf(enumColumn);
    this.unknownEnumValue = unknownEnumValue;
    this.requiredColumnToBlank = indexOf(requiredToBlank);
    this.timestampColumns = contract.columns().stream()
        .filter(c -> c.type() == InputContract.Type.TIMESTAMP).mapToInt(c -> columns.indexOf(c.name())).toArray();
    this.updatedAtColumn = columns.indexOf("updated_at");
    this.accountColumn = columns.indexOf("account_id");
    this.scoreColumn = columns.indexOf("score");
    this.surveyTypeColumn = columns.indexOf("survey_type");
    this.dirt = dirt;
  }

  String source() {
    return contract.source();
  }

  String datasetName() {
    return contract.name();
  }

  int column(String name) {
    int i = columns.indexOf(name);
    if (i < 0) {
      throw new IllegalArgumentException(datasetName() + " has no column " + name);
    }
    return i;
  }

  private int indexOf(String name) {
    return name == null ? -1 : columns.indexOf(name);
  }
}
