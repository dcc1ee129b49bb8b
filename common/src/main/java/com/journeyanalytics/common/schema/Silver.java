package com.journeyanalytics.common.schema;

import static org.apache.spark.sql.types.DataTypes.DateType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;

import java.util.List;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * The cleaned (silver) tables: one per input dataset, typed, deduplicated by key, UTC, emails
 * replaced by their SHA-256, money also in the reporting currency. They live in the staging
 * database and are what every step reads besides touchpoints.
 */
public final class Silver {

  private Silver() {}

  public static final DataType MONEY = DataTypes.createDecimalType(20, 4);
  public static final DataType AMOUNT = DataTypes.createDecimalType(18, 4);

  /**
   * On the tables nightly runs merge into (not the snapshots, which are replaced whole): Delta
   * records each merged row's old and new image, so a nightly run can tell which customers the
   * night touched (ChangedCustomers) without comparing whole tables.
   */
  static final String CHANGE_FEED = "delta.enableChangeDataFeed";

  public static final TableSpec ACCOUNTS = lineage(TableSpec.table("silver_accounts", "CRM accounts, newest snapshot")
      .column("account_id", StringType, "Account id")
      .column("account_name", StringType, "Account name")
      .column("industry", StringType, "Industry")
      .column("segment", StringType, "SMB | MidMarket | Enterprise | other")
      .column("region", StringType, "NA | EMEA | APAC | LATAM | other")
      .column("country", StringType, "ISO-3166 alpha-2 country")
      .column("plan", StringType, "free | starter | pro | enterprise | other")
      .column("acquisition_channel", StringType, "Marketing channel the account came from, or direct")
      .column("created_at", TimestampType, "Account created (UTC)")
      .column("trial_started_at", TimestampType, "Trial started (UTC)")
      .column("converted_at", TimestampType, "Became paying (UTC)")
      .column("churned_at", TimestampType, "Churned (UTC)")
      .column("updated_at", TimestampType, "Last change in the CRM (UTC)"))
      .key("account_id").build();

  public static final TableSpec CONTACTS = lineage(TableSpec.table("silver_contacts", "CRM contacts, newest snapshot")
      .column("contact_id", StringType, "Contact id")
      .column("account_id", StringType, "Account of the contact")
      .column("email_sha256", StringType, "SHA-256 of the normalized email")
      .column("job_title", StringType, "Job title")
      .column("created_at", TimestampType, "Created (UTC)")
      .column("updated_at", TimestampType, "Last change (UTC)"))
      .key("contact_id").build();

  public static final TableSpec OPPORTUNITIES = lineage(TableSpec.table("silver_opportunities", "CRM opportunities")
      .column("opportunity_id", StringType, "Opportunity id")
      .column("account_id", StringType, "Account")
      .column("stage", StringType, "Sales stage")
      .column("amount", AMOUNT, "Amount in the original currency")
      .column("currency", StringType, "ISO-4217 currency of amount")
      .column("amount_reporting", MONEY, "Amount in the reporting currency")
      .column("created_at", TimestampType, "Created (UTC)")
      .column("closed_at", TimestampType, "Closed (UTC)")
      .column("updated_at", TimestampType, "Last change (UTC)"))
      .key("opportunity_id").property(CHANGE_FEED, "true").build();

  public static final TableSpec INVOICES = lineage(TableSpec.table("silver_invoices", "Billing invoices and credit notes")
      .column("invoice_id", StringType, "Invoice id")
      .column("account_id", StringType, "Account")
      .column("amount", AMOUNT, "Amount in the original currency (negative for credit notes)")
      .column("currency", StringType, "ISO-4217 currency of amount")
      .column("amount_reporting", MONEY, "Amount in the reporting currency")
      .column("status", StringType, "paid | open | void | refunded | other")
      .column("issued_at", TimestampType, "Issued (UTC)")
      .column("paid_at", TimestampType, "Paid (UTC)")
      .column("period_start", DateType, "Service period start")
      .column("period_end", DateType, "Service period end")
      .column("updated_at", TimestampType, "Last change (UTC)"))
      .key("invoice_id").property(CHANGE_FEED, "true").build();

  public static final TableSpec CAMPAIGNS = lineage(TableSpec.table("silver_campaigns", "Marketing campaigns, newest snapshot")
      .column("campaign_id", StringType, "Campaign id")
      .column("campaign_name", StringType, "Campaign name")
      .column("channel", StringType, "Marketing channel")
      .column("start_date", DateType, "First day")
      .column("end_date", DateType, "Last day")
      .column("spend", AMOUNT, "Total spend to date in the original currency")
      .column("currency", StringType, "ISO-4217 currency of spend")
      .column("spend_reporting", MONEY, "Total spend to date in the reporting currency"))
      .key("campaign_id").build();

  public static final TableSpec TOUCHES = lineage(TableSpec.table("silver_touches", "Marketing touches")
      .column("touch_id", StringType, "Touch id")
      .column("email_sha256", StringType, "SHA-256 of the normalized email, when the touch carries one")
      .column("anonymous_id", StringType, "Anonymous web visitor id")
      .column("campaign_id", StringType, "Campaign")
      .column("channel", StringType, "Marketing channel")
      .column("touch_type", StringType, "Kind of interaction")
      .column("occurred_at", TimestampType, "When (UTC)")
      .column("utm_source", StringType, "utm_source")
      .column("utm_medium", StringType, "utm_medium")
      .column("utm_campaign", StringType, "utm_campaign")
      .column("landing_page", StringType, "Landing page")
      .column("cost", MONEY, "Cost of a paid touch (reporting currency)"))
      .key("touch_id").property(CHANGE_FEED, "true").build();

  public static final TableSpec TICKETS = lineage(TableSpec.table("silver_tickets", "Support tickets")
      .column("ticket_id", StringType, "Ticket id")
      .column("account_id", StringType, "Account, when the export carries it")
      .column("requester_email_sha256", StringType, "SHA-256 of the requester's normalized email")
      .column("channel", StringType, "email | chat | phone | web | other")
      .column("priority", StringType, "low | normal | high | urgent | other")
      .column("category", StringType, "Category")
      .column("status", StringType, "new | open | pending | solved | closed | other")
      .column("created_at", TimestampType, "Created (UTC)")
      .column("first_response_at", TimestampType, "First agent response (UTC)")
      .column("solved_at", TimestampType, "Solved (UTC)")
      .column("updated_at", TimestampType, "Last change (UTC)"))
      .key("ticket_id").property(CHANGE_FEED, "true").build();

  public static final TableSpec SURVEYS = lineage(TableSpec.table("silver_surveys", "NPS, CSAT and CES survey responses")
      .column("response_id", StringType, "Response id")
      .column("survey_type", StringType, "nps | csat | ces")
      .column("account_id", StringType, "Account, when the export carries it")
      .column("respondent_email_sha256", StringType, "SHA-256 of the respondent's normalized email")
      .column("score", IntegerType, "Score: nps 0-10, csat 1-5, ces 1-7")
      .column("ticket_id", StringType, "Ticket the survey is about")
      .column("submitted_at", TimestampType, "Submitted (UTC)")
      .column("comment", StringType, "Free text, email addresses replaced by email:<sha256>"))
      .key("response_id").property(CHANGE_FEED, "true").build();

  public static final TableSpec EVENTS = lineage(TableSpec.table("silver_events", "Product usage events")
      .column("event_id", StringType, "Event id")
      .column("account_id", StringType, "Account")
      .column("user_id", StringType, "User")
      .column("event_name", StringType, "Event name")
      .column("feature", StringType, "Feature, for feature_used")
      .column("occurred_at", TimestampType, "When (UTC)")
      .column("platform", StringType, "web | ios | android | api | other")
      .column("session_id", StringType, "Session"))
      .key("event_id").property(CHANGE_FEED, "true").build();

  /**
   * Every converted_at / churned_at an account has shown in any snapshot: the snapshot keeps only
   * the latest, and a reactivated account's first conversion and churn would be lost otherwise.
   */
  public static final TableSpec ACCOUNT_MILESTONES = TableSpec.table("silver_account_milestones",
          "Conversion and churn instants of accounts as seen in any CRM snapshot")
      .column("account_id", StringType, "Account id")
      .column("milestone", StringType, "converted_at | churned_at")
      .column("occurred_at", TimestampType, "The instant (UTC)")
      .column("export_date", DateType, "Export day it was first seen")
      .column("run_id", StringType, "Run that first recorded it")
      .key("account_id", "milestone", "occurred_at")
      .property(CHANGE_FEED, "true")
      .build();

  public static final List<TableSpec> ALL =
      List.of(ACCOUNTS, CONTACTS, OPPORTUNITIES, INVOICES, CAMPAIGNS, TOUCHES, TICKETS, SURVEYS, EVENTS);

  private static TableSpec.Builder lineage(TableSpec.Builder builder) {
    return builder
        .column("export_date", DateType, "Export day the row was last read from")
        .column("source_file", StringType, "File the row was last read from")
        .column("run_id", StringType, "Run that last wrote the row");
  }
}
