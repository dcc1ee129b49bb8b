package com.journeyanalytics.common.schema;

import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;

import org.apache.spark.sql.types.DataTypes;

/** The unified customer-touchpoint table: the contract every journey, KPI and attribution step reads. */
public final class Touchpoints {

  private Touchpoints() {}

  public static final TableSpec SPEC = TableSpec.table(
          "touchpoints",
          "Unified customer touchpoints from CRM, marketing, support and usage exports: one row per thing"
              + " that happened to a customer, resolved to its journey subject (customer_key).")
      .column("touchpoint_id", StringType, "Deterministic id of the touchpoint, stable across reruns")
      .column("customer_key", StringType, "Journey subject: account_id, email:<sha256> for a prospect, anon:<id> for an anonymous visitor")
      .column("customer_kind", StringType, "account | prospect | anonymous")
      .column("account_id", StringType, "CRM account id when the subject is an account")
      .column("email_sha256", StringType, "SHA-256 of the trimmed, lower-cased email of the person, when known")
      .column("anonymous_id", StringType, "Web visitor id, for marketing touches that carry one")
      .column("source", StringType, "crm | marketing | support | usage")
      .column("dataset", StringType, "Export dataset the touchpoint comes from, e.g. accounts, touches, events")
      .column("activity", StringType, "What happened, e.g. account_created, email_click, ticket_opened, feature_used")
      .column("channel", StringType, "Marketing channel; ticket channel for support; platform for usage")
      .column("campaign_id", StringType, "Marketing campaign id, for marketing touches")
      .column("stage", StringType, "The customer's lifecycle stage once this touchpoint is applied")
      .column("stage_order", IntegerType, "Position of stage in the configured stage order (1-based)")
      .column("occurred_at", TimestampType, "When it happened (UTC)")
      .column("event_date", DateType, "UTC date of occurred_at (partition column)")
      .column("revenue_impact", DataTypes.createDecimalType(20, 4), "Revenue in the reporting currency (paid invoices)")
      .column("cost", DataTypes.createDecimalType(20, 4), "Cost of a paid marketing touch in the reporting currency")
      .column("features", DataTypes.createMapType(StringType, StringType), "Activity attributes: score, priority, feature, plan, platform, ...")
      .column("activity_occurrence", IntegerType, "1 for this customer's first occurrence of this activity, 2 for the second, ...")
      .column("activity_repeated_at", TimestampType, "When this customer next did the same activity (null if never)")
      .column("touch_seq", LongType, "1-based position of the touchpoint in the customer's timeline")
      .column("source_record_id", StringType, "Key of the source record (account_id, touch_id, ticket_id, ...)")
      .column("run_id", StringType, "Run that last wrote this row")
      .partitionedBy("event_date")
      .key("touchpoint_id")
      // A nightly sync then writes only the rows that changed (Delta marks their old copies in
      // deletion vectors) instead of rewriting every file; maintenance compacts what accumulates.
      .property("delta.enableDeletionVectors", "true")
      // The journey step recomputes the facts of the subjects whose touchpoints a night changed.
      .property("delta.enableChangeDataFeed", "true")
      // File statistics only on what queries filter on: collecting them on all 23 columns slows every write.
      .property("delta.dataSkippingStatsColumns",
          "customer_key,account_id,source,dataset,activity,channel,campaign_id,stage,occurred_at")
      .build();
}
