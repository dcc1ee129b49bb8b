package com.journeyanalytics.common.schema;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The canonical shape of every export (../shared/contracts/inputs.md): columns, which are
 * required, how each is parsed, and the allowed values of enums (unknown values become "other").
 */
public final class InputContract {

  private InputContract() {}

  public enum Kind { SNAPSHOT, INCREMENTAL }

  public enum Format { CSV, JSONL, PARQUET }

  public enum Type { STRING, EMAIL, TIMESTAMP, DATE, DECIMAL, INTEGER }

  public record Column(String name, Type type, boolean required, List<String> allowed) {
    public boolean isEnum() {
      return !allowed.isEmpty();
    }

    /** The column's name in the cleaned table: an email is kept only as its hash, {@code <name>_sha256}. */
    public String cleanedName() {
      return type == Type.EMAIL ? name + "_sha256" : name;
    }
  }

  public record Dataset(
      String name, String source, Kind kind, Format format, String key, List<Column> columns, TableSpec silver) {
    public Column column(String column) {
      return columns.stream().filter(c -> c.name().equals(column)).findFirst()
          .orElseThrow(() -> new IllegalArgumentException(name + " has no column " + column));
    }

    public List<String> columnNames() {
      return columns.stream().map(Column::name).collect(Collectors.toList());
    }

    public boolean hasUpdatedAt() {
      return columns.stream().anyMatch(c -> c.name().equals("updated_at"));
    }
  }

  public static final List<String> CHANNELS = List.of(
      "email", "paid_search", "paid_social", "organic_social", "display", "webinar", "event", "referral",
      "content", "affiliate");

  public static final List<String> TOUCH_TYPES = List.of(
      "impression", "email_sent", "email_open", "email_click", "ad_click", "web_visit", "content_download",
      "form_submit", "webinar_registered", "webinar_attended", "demo_request", "unsubscribe");

  public static final List<String> EVENT_NAMES = List.of(
      "signup", "login", "onboarding_step_completed", "onboarding_completed", "feature_used", "invite_sent",
      "integration_connected", "report_exported", "plan_upgraded", "plan_downgraded", "subscription_cancelled");

  public static final Dataset ACCOUNTS = new Dataset("accounts", "crm", Kind.SNAPSHOT, Format.CSV, "account_id", List.of(
      req("account_id", Type.STRING),
      opt("account_name", Type.STRING),
      opt("industry", Type.STRING),
      oneOf("segment", "SMB", "MidMarket", "Enterprise"),
      oneOf("region", "NA", "EMEA", "APAC", "LATAM"),
      opt("country", Type.STRING),
      oneOf("plan", "free", "starter", "pro", "enterprise"),
      oneOf("acquisition_channel", concat(CHANNELS, List.of("direct"))),
      req("created_at", Type.TIMESTAMP),
      opt("trial_started_at", Type.TIMESTAMP),
      opt("converted_at", Type.TIMESTAMP),
      opt("churned_at", Type.TIMESTAMP),
      req("updated_at", Type.TIMESTAMP)), Silver.ACCOUNTS);

  public static final Dataset CONTACTS = new Dataset("contacts", "crm", Kind.SNAPSHOT, Format.CSV, "contact_id", List.of(
      req("contact_id", Type.STRING),
      req("account_id", Type.STRING),
      req("email", Type.EMAIL),
      opt("job_title", Type.STRING),
      req("created_at", Type.TIMESTAMP),
      req("updated_at", Type.TIMESTAMP)), Silver.CONTACTS);

  public static final Dataset OPPORTUNITIES = new Dataset("opportunities", "crm", Kind.INCREMENTAL, Format.CSV, "opportunity_id", List.of(
      req("opportunity_id", Type.STRING),
      req("account_id", Type.STRING),
      new Column("stage", Type.STRING, true,
          List.of("prospecting", "qualification", "demo", "proposal", "negotiation", "closed_won", "closed_lost")),
      opt("amount", Type.DECIMAL),
      opt("currency", Type.STRING),
      req("created_at", Type.TIMESTAMP),
      opt("closed_at", Type.TIMESTAMP),
      req("updated_at", Type.TIMESTAMP)), Silver.OPPORTUNITIES);

  public static final Dataset INVOICES = new Dataset("invoices", "crm", Kind.INCREMENTAL, Format.CSV, "invoice_id", List.of(
      req("invoice_id", Type.STRING),
      req("account_id", Type.STRING),
      req("amount", Type.DECIMAL),
      req("currency", Type.STRING),
      new Column("status", Type.STRING, true, List.of("paid", "open", "void", "refunded")),
      req("issued_at", Type.TIMESTAMP),
      opt("paid_at", Type.TIMESTAMP),
      opt("period_start", Type.DATE),
      opt("period_end", Type.DATE),
      req("updated_at", Type.TIMESTAMP)), Silver.INVOICES);

  public static final Dataset CAMPAIGNS = new Dataset("campaigns", "marketing", Kind.SNAPSHOT, Format.CSV, "campaign_id", List.of(
      req("campaign_id", Type.STRING),
      opt("campaign_name", Type.STRING),
      new Column("channel", Type.STRING, true, CHANNELS),
      opt("start_date", Type.DATE),
      opt("end_date", Type.DATE),
      opt("spend", Type.DECIMAL),
      opt("currency", Type.STRING)), Silver.CAMPAIGNS);

  public static final Dataset TOUCHES = new Dataset("touches", "marketing", Kind.INCREMENTAL, Format.JSONL, "touch_id", List.of(
      req("touch_id", Type.STRING),
      opt("email", Type.EMAIL),
      opt("anonymous_id", Type.STRING),
      opt("campaign_id", Type.STRING),
      new Column("channel", Type.STRING, true, CHANNELS),
      new Column("touch_type", Type.STRING, true, TOUCH_TYPES),
      req("occurred_at", Type.TIMESTAMP),
      opt("utm_source", Type.STRING),
      opt("utm_medium", Type.STRING),
      opt("utm_campaign", Type.STRING),
      opt("landing_page", Type.STRING),
      opt("cost", Type.DECIMAL)), Silver.TOUCHES);

  public static final Dataset TICKETS = new Dataset("tickets", "support", Kind.INCREMENTAL, Format.CSV, "ticket_id", List.of(
      req("ticket_id", Type.STRING),
      opt("account_id", Type.STRING),
      opt("requester_email", Type.EMAIL),
      oneOf("channel", "email", "chat", "phone", "web"),
      oneOf("priority", "low", "normal", "high", "urgent"),
      opt("category", Type.STRING),
      new Column("status", Type.STRING, true, List.of("new", "open", "pending", "solved", "closed")),
      req("created_at", Type.TIMESTAMP),
      opt("first_response_at", Type.TIMESTAMP),
      opt("solved_at", Type.TIMESTAMP),
      req("updated_at", Type.TIMESTAMP)), Silver.TICKETS);

  public static final Dataset SURVEYS = new Dataset("surveys", "support", Kind.INCREMENTAL, Format.CSV, "response_id", List.of(
      req("response_id", Type.STRING),
      new Column("survey_type", Type.STRING, true, List.of("nps", "csat", "ces")),
      opt("account_id", Type.STRING),
      opt("respondent_email", Type.EMAIL),
      req("score", Type.INTEGER),
      opt("ticket_id", Type.STRING),
      req("submitted_at", Type.TIMESTAMP),
      opt("comment", Type.STRING)), Silver.SURVEYS);

  public static final Dataset EVENTS = new Dataset("events", "usage", Kind.INCREMENTAL, Format.PARQUET, "event_id", List.of(
      req("event_id", Type.STRING),
      req("account_id", Type.STRING),
      opt("user_id", Type.STRING),
      new Column("event_name", Type.STRING, true, EVENT_NAMES),
      opt("feature", Type.STRING),
      req("occurred_at", Type.TIMESTAMP),
      oneOf("platform", "web", "ios", "android", "api"),
      opt("session_id", Type.STRING)), Silver.EVENTS);

  public static final List<Dataset> ALL =
      List.of(ACCOUNTS, CONTACTS, OPPORTUNITIES, INVOICES, CAMPAIGNS, TOUCHES, TICKETS, SURVEYS, EVENTS);

  public static final Map<String, Dataset> BY_NAME =
      ALL.stream().collect(Collectors.toMap(Dataset::name, Function.identity()));

  private static Column req(String name, Type type) {
    return new Column(name, type, true, List.of());
  }

  private static Column opt(String name, Type type) {
    return new Column(name, type, false, List.of());
  }

  private static Column oneOf(String name, String... allowed) {
    return new Column(name, Type.STRING, false, Arrays.asList(allowed));
  }

  private static Column oneOf(String name, List<String> allowed) {
    return new Column(name, Type.STRING, false, allowed);
  }

  private static List<String> concat(List<String> a, List<String> b) {
    return java.util.stream.Stream.concat(a.stream(), b.stream()).collect(Collectors.toList());
  }
}
