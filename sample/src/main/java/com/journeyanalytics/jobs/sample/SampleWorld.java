package com.journeyanalytics.jobs.sample;

import static com.journeyanalytics.jobs.sample.Times.DAY;

import com.journeyanalytics.common.schema.InputContract;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.SplittableRandom;

/**
 * The simulated business, rendered one export day at a time. Every record is a pure function of
 * the seed and a few indexes (account, day, invoice month, ...), so a day's export is produced by
 * regenerating each account and keeping only what was created or changed that day; the first
 * export day carries the backlog (the newest version of everything up to that day) and
 * snapshots show the state as of the day. Nothing is kept between accounts, so memory does not
 * grow with --accounts.
 */
final class SampleWorld {

  /** Receives the clean rows, in the contract's column order. */
  interface Out {
    void write(SampleDataset dataset, String[] row);
  }

  private static final String[] FEATURES = {"dashboards", "reports", "alerts", "segments", "exports", "api_keys",
      "integrations", "automations", "sharing", "search", "funnels", "journeys"};
  private static final String[] ONBOARDING_STEPS = {"connect_data", "invite_team", "create_dashboard",
      "set_alert", "share_report"};
  private static final String[] PLATFORMS = {"web", "ios", "android", "api"};
  private static final int[] PLATFORM_WEIGHTS = {70, 12, 10, 8};
  private static final String[] TICKET_CHANNELS = {"email", "chat", "phone", "web"};
  private static final String[] PRIORITIES = {"low", "normal", "high", "urgent"};
  private static final int[] PRIORITY_WEIGHTS = {20, 55, 20, 5};
  private static final String[] CATEGORIES = {"billing", "bug", "how_to", "integration", "account",
      "feature_request"};
  private static final String[] COMMENTS = {null, null, null, "Great product, but pricey", "Support was quick",
      "Missing a \"bulk edit\" feature", "Setup took too long", "Love the dashboards"};
  private static final String[] PAGES = {"/", "/pricing", "/features", "/blog/attribution-101",
      "/blog/churn-signals", "/customers", "/integrations"};
  private static final String[] CHANNELS = InputContract.CHANNELS.toArray(new String[0]);
  /** email, paid_search, paid_social, organic_social, display, webinar, event, referral, content, affiliate */
  private static final int[] TOUCH_CHANNEL_WEIGHTS = {40, 12, 10, 8, 8, 6, 3, 3, 7, 3};
  /** Where anonymous sessions come from: mostly content, referrals and social posts; a few paid clicks. */
  private static final int[] ANONYMOUS_CHANNEL_WEIGHTS = {0, 3, 2, 20, 1, 0, 0, 25, 49, 0};
  /**
   * Chance that an ad impression is clicked, by channel (paid_search, paid_social, display,
   * affiliate; 0 for unpaid channels): typical B2B click-through rates.
   */
  private static final double[] CLICK_THROUGH = {0, 0.025, 0.008, 0.004, 0, 0, 0, 0, 0, 0.012};
  /** The ad networks that retarget a known cookie: paid_social and display. */
  private static final int[] RETARGETING_CHANNEL_WEIGHTS = {0, 0, 50, 0, 50, 0, 0, 0, 0, 0};
  /** Median hours to a ticket's first response by priority (low, normal, high, urgent). */
  private static final double[] FIRST_RESPONSE_MEDIAN_HOURS = {14, 5, 1.5, 0.4};
  private static final String[] UTM_SOURCE = {"newsletter", "google", "linkedin", "twitter", "gdn", "webinar",
      "event", "partner_site", "blog", "affiliate_network"};
  private static final String[] UTM_MEDIUM = {"email", "cpc", "paid_social", "social", "display", "webinar",
      "event", "referral", "organic", "affiliate"};
  private static final int CAMPAIGNS_PER_CHANNEL = 6;
  private static final String[] PROSPECT_DOMAINS = {"nimbus", "orbit", "harbor", "maple", "vertex"};

  private final long seed;
  private final int accounts;
  private final long historyStartDay;
  private final long firstDay;
  private final long endDay;
  private final Campaign[] campaigns;

  private record Campaign(String id, String name, int channel, long startDay, long endDay, long dailyCents,
      String currency) {}

  SampleWorld(long seed, int accounts, long firstDay, long endDay) {
    this.seed = seed;
    this.accounts = accounts;
    this.firstDay = firstDay;
    this.endDay = endDay;
    // A year of history before the first export day, carried by its backlog.
    this.historyStartDay = firstDay - 365;
    this.campaigns = new Campaign[CHANNELS.length * CAMPAIGNS_PER_CHANNEL];
    long span = (endDay - historyStartDay + 60) / CAMPAIGNS_PER_CHANNEL;
    String[] themes = {"Analytics", "Churn", "Attribution", "Growth", "Retention", "Launch"};
    for (int c = 0; c < campaigns.length; c++) {
      SplittableRandom r = Seeds.random(seed, 9, c);
      int channel = c % CHANNELS.length;
      long start = historyStartDay - 60 + (c / CHANNELS.length) * span + r.nextInt(30);
      long end = start + 150 + r.nextInt(250);
      boolean paid = isPaid(channel) || channel == 5 || channel == 6;
      long daily = paid ? 5_000 + r.nextInt(195_000) : r.nextInt(5_000);
      String currency = new String[] {"USD", "USD", "USD", "EUR", "EUR", "GBP"}[r.nextInt(6)];
      String name = CHANNELS[channel].replace('_', ' ') + " - " + themes[c / CHANNELS.length] + " "
          + Times.date(start).substring(0, 7);
      campaigns[c] = new Campaign(String.format("CMP-%03d", c), name, channel, start, end, daily, currency);
    }
  }

  void writeDay(long day, Out out) {
    for (Campaign c : campaigns) {
      if (c.startDay() <= day) {
        long spend = c.dailyCents() * (Math.min(day, c.endDay()) - c.startDay() + 1);
        out.write(SampleDataset.CAMPAIGNS, new String[] {c.id(), c.name(), CHANNELS[c.channel()],
            Times.date(c.startDay()), Times.date(c.endDay()), money(spend), c.currency()});
      }
    }
    for (int i = 0; i < accounts; i++) {
      writeIndex(i, day, out);
    }
  }

  /** Everything of one index for one export day: the account i, prospect i and visitor i. */
  void writeIndex(int i, long day, Out out) {
    writeAccount(account(i), day, out);
    writeProspect(i, day, out);
    writeVisitor(i, day, out);
  }

  Account account(int i) {
    return new Account(seed, i, historyStartDay, endDay);
  }

  /** Immutable records (events, touches, surveys) of days [from, day] go into this day's export. */
  private long from(long day, long earliest) {
    return day == firstDay ? earliest : day;
  }

  /**
   * The version of a changing record that belongs in this day's export: the newest one changed
   * that day, or on the first export day the newest one up to it; -1 if none.
   */
  private int versionFor(long day, long[] at, int n) {
    int pick = -1;
    for (int v = 0; v < n; v++) {
      long d = at[v] / DAY;
      if (d == day || (day == firstDay && d < day)) {
        pick = v;
      }
    }
    return pick;
  }

  private void writeAccount(Account a, long day, Out out) {
    long endOfDay = (day + 1) * DAY - 1;
    if (a.createdAt <= endOfDay) {
      writeAccountRow(a, endOfDay, out);
      for (int k = 0; k < a.contactEmail.length; k++) {
        if (a.contactCreatedAt[k] <= endOfDay) {
          String created = Times.utc(a.contactCreatedAt[k]);
          out.write(SampleDataset.CONTACTS, new String[] {"C" + a.index + "-" + k, a.id, a.contactEmail[k],
              a.contactTitle[k], created, created});
        }
      }
    }
    long lo = from(day, a.leadDay);
    for (long t = lo; t <= day; t++) {
      writeAccountTouches(a, t, out);
      writeEvents(a, t, out);
      writeNps(a, t, out);
    }
    for (long c = day == firstDay ? a.leadDay : day - 15; c <= day; c++) {
      writeTickets(a, c, day, out);
    }
    for (Account.Opportunity o : a.opportunities) {
      int v = versionFor(day, o.at(), o.at().length);
      if (v >= 0) {
        String stage = o.stages()[v];
        boolean closed = stage.startsWith("closed");
        out.write(SampleDataset.OPPORTUNITIES, new String[] {o.id(), a.id, stage, money(o.amountCents()),
            a.currency, Times.utc(o.at()[0]), closed ? Times.utc(o.at()[v]) : null, Times.utc(o.at()[v])});
      }
    }
    writeInvoices(a, 1, a.conv1, a.churn1, day, out);
    writeInvoices(a, 2, a.conv2, -1, day, out);
  }

  private void writeAccountRow(Account a, long asOf, Out out) {
    long trial = a.trialAt >= 0 && a.trialAt <= asOf ? a.trialAt : -1;
    boolean reactivated = a.conv2 >= 0 && a.conv2 <= asOf;
    long converted = reactivated ? a.conv2 : a.conv1 >= 0 && a.conv1 <= asOf ? a.conv1 : -1;
    long churned = (!reactivated || a.keepsOldChurnOnComeback) && a.churn1 >= 0 && a.churn1 <= asOf ? a.churn1 : -1;
    // Paying: converted, and not churned since (a comeback may keep an older churned_at).
    String plan = converted < 0 || churned >= converted ? "free" : Account.PLANS[a.planAt(asOf)];
    long updated = a.createdAt;
    for (long t : new long[] {a.trialAt, a.conv1, a.churn1, a.conv2, a.planChangeAt}) {
      if (t >= 0 && t <= asOf) {
        updated = Math.max(updated, t);
      }
    }
    out.write(SampleDataset.ACCOUNTS, new String[] {a.id, a.name, a.industry, a.segment, a.region, a.country, plan,
        a.acquisitionChannel, Times.utc(a.createdAt), ts(trial), ts(converted), ts(churned), Times.utc(updated)});
  }

  private void writeAccountTouches(Account a, long t, Out out) {
    String prefix = "TCH-" + a.index + "-";
    if (a.hasAnonymousPhase) {
      long formDay = a.formSubmitAt / DAY;
      if (a.personalFormAt >= 0 && t == a.personalFormAt / DAY) {
        // A first form with a personal address; the work address follows on the form day.
        out.write(SampleDataset.TOUCHES, touch(prefix + "p-" + t, a.personalEmail, a.anonymousId, null, 8,
            "form_submit", a.personalFormAt, "/ebook", null));
      } else if (t >= a.leadDay && t < formDay) {
        anonymousVisits(Seeds.random(seed, 5, a.index, t, 9), prefix + "a-" + t, a.anonymousId, t,
            t == a.leadDay, out);
      } else if (t == formDay) {
        // The visitor identifies: this touch links the anonymous history to the email.
        out.write(SampleDataset.TOUCHES, touch(prefix + "f-" + t, a.contactEmail[0], a.anonymousId, null, 8,
            "form_submit", a.formSubmitAt, "/signup", null));
      }
    }
    for (Account.Opportunity o : a.opportunities) {
      if (o.stages()[0].equals("prospecting") && o.at()[0] / DAY == t) {
        out.write(SampleDataset.TOUCHES, touch(prefix + "d-" + t, a.contactEmail[0], null, null, 8,
            "demo_request", Math.max(t * DAY, o.at()[0] - 3600), "/demo", null));
      }
    }
    for (int k = 0; k < a.contactEmail.length; k++) {
      if (t >= a.contactKnownDay(k)) {
        SplittableRandom r = Seeds.random(seed, 5, a.index, t, k);
        if (r.nextDouble() < 0.03) {
          touchBundle(r, prefix + "c" + k + "-" + t, a.contactEmail[k], t, out);
        }
      }
    }
    // The personal address stays on the mailing lists for a couple of months.
    if (a.personalFormAt >= 0 && t > a.personalFormAt / DAY && t <= a.personalFormAt / DAY + 60) {
      SplittableRandom r = Seeds.random(seed, 5, a.index, t, 8);
      if (r.nextDouble() < 0.03) {
        touchBundle(r, prefix + "p" + t, a.personalEmail, t, out);
      }
    }
  }

  /** Prospects: known people (email only) who never become customers in the CRM. */
  private void writeProspect(int i, long day, Out out) {
    SplittableRandom p = Seeds.random(seed, 2, i);
    if (p.nextDouble() >= 0.6) {
      return;
    }
    long lead = historyStartDay + p.nextLong(endDay - historyStartDay + 1);
    boolean anonymous = p.nextDouble() < 0.4;
    long knownDay = anonymous ? lead + 1 + p.nextInt(10) : lead;
    long lastDay = knownDay + 30 + p.nextInt(270);
    long lo = Math.max(from(day, lead), lead);
    long hi = Math.min(day, lastDay);
    if (lo > hi) {
      return;
    }
    String anonymousId = "anon-" + Long.toHexString(p.nextLong());
    long formAt = knownDay * DAY + Account.timeOfDay(p);
    String email = Seeds.pick(p, Account.FIRST) + "." + Seeds.pick(p, Account.LAST) + "@"
        + Seeds.pick(p, PROSPECT_DOMAINS) + "-" + Integer.toString(i, 36) + ".net";
    String prefix = "TCH-P" + i + "-";
    for (long t = lo; t <= hi; t++) {
      if (anonymous && t < knownDay) {
        anonymousVisits(Seeds.random(seed, 5, -1 - i, t, 9), prefix + "a-" + t, anonymousId, t, t == lead, out);
      } else if (anonymous && t == knownDay) {
        out.write(SampleDataset.TOUCHES, touch(prefix + "f-" + t, email, anonymousId, null, 8, "form_submit",
            formAt, "/ebook", null));
      } else {
        SplittableRandom r = Seeds.random(seed, 5, -1 - i, t, 0);
        if (r.nextDouble() < 0.05) {
          touchBundle(r, prefix + t, email, t, out);
        }
      }
    }
  }

  /** Anonymous visitors who never identify themselves. */
  private void writeVisitor(int i, long day, Out out) {
    SplittableRandom v = Seeds.random(seed, 3, i);
    if (v.nextDouble() >= 0.7) {
      return;
    }
    long lead = historyStartDay + v.nextLong(endDay - historyStartDay + 1);
    long lastDay = lead + v.nextInt(5);
    String anonymousId = "anon-" + Long.toHexString(v.nextLong());
    for (long t = Math.max(from(day, lead), lead); t <= Math.min(day, lastDay); t++) {
      anonymousVisits(Seeds.random(seed, 3, i, t), "TCH-V" + i + "-" + t, anonymousId, t, t == lead, out);
    }
  }

  /**
   * One day of an anonymous visitor: ads retargeting its cookie (impressions), and, when it comes to
   * the site, a session of 1-3 pages from one source (an ad click first when the source is paid).
   */
  private void anonymousVisits(SplittableRandom r, String idPrefix, String anonymousId, long t, boolean force,
      Out out) {
    long dayEnd = (t + 1) * DAY - 1;
    int impressions = force ? 0 : Seeds.poisson(r, 1.5);
    for (int s = 0; s < impressions; s++) {
      int channel = Seeds.weighted(r, RETARGETING_CHANNEL_WEIGHTS);
      Campaign c = campaign(r, channel, t);
      out.write(SampleDataset.TOUCHES, touch(idPrefix + "-i" + s, null, anonymousId, c, channel, "impression",
          t * DAY + Account.timeOfDay(r), null, c == null ? null : cost(r, 1, 5)));
    }
    if (!force && r.nextDouble() >= 0.6) {
      return;
    }
    int n = 1 + r.nextInt(3);
    long at = t * DAY + Account.timeOfDay(r);
    int channel = Seeds.weighted(r, ANONYMOUS_CHANNEL_WEIGHTS);
    Campaign c = campaign(r, channel, t);
    String page = Seeds.pick(r, PAGES);
    if (isPaid(channel) && c != null) {
      out.write(SampleDataset.TOUCHES, touch(idPrefix + "-c", null, anonymousId, c, channel, "ad_click", at, page,
          cost(r, 50, 950)));
      at = Math.min(at + 5, dayEnd);
    }
    for (int s = 0; s < n; s++) {
      out.write(SampleDataset.TOUCHES, touch(idPrefix + "-" + s, null, anonymousId, c, channel, "web_visit", at,
          page, null));
      at = Math.min(at + 60 + r.nextInt(1800), dayEnd);
      page = Seeds.pick(r, PAGES);
    }
  }

  /** A small sequence of touches from one channel: an email and its opens, an ad click and visit, ... */
  private void touchBundle(SplittableRandom r, String idPrefix, String email, long t, Out out) {
    int channel = Seeds.weighted(r, TOUCH_CHANNEL_WEIGHTS);
    Campaign c = campaign(r, channel, t);
    long at = t * DAY + Account.timeOfDay(r);
    long dayEnd = (t + 1) * DAY - 1;
    String page = Seeds.pick(r, PAGES);
    int n = 0;
    switch (channel) {
      case 0 -> {
        out.write(SampleDataset.TOUCHES, touch(idPrefix + "-" + n++, email, null, c, channel, "email_sent", at,
            null, null));
        // About a quarter of the emails are opened, and one opened email in seven is clicked.
        if (r.nextDouble() < 0.26) {
          at = Math.min(at + 600 + r.nextInt(7200), dayEnd);
          out.write(SampleDataset.TOUCHES, touch(idPrefix + "-" + n++, email, null, c, channel, "email_open", at,
              null, null));
          double x = r.nextDouble();
          if (x < 0.14) {
            at = Math.min(at + 30 + r.nextInt(300), dayEnd);
            out.write(SampleDataset.TOUCHES, touch(idPrefix + "-" + n++, email, null, c, channel, "email_click",
                at, page, null));
          } else if (x > 0.99) {
            out.write(SampleDataset.TOUCHES, touch(idPrefix + "-" + n++, email, null, c, channel, "unsubscribe",
                Math.min(at + 60, dayEnd), null, null));
          }
        }
      }
      case 1, 2, 4, 9 -> {
        // Ads the person saw that day; now and then one is clicked and lands on the site.
        int impressions = 1 + r.nextInt(3);
        for (int s = 0; s < impressions; s++) {
          out.write(SampleDataset.TOUCHES, touch(idPrefix + "-" + n++, email, null, c, channel, "impression", at,
              null, c == null ? null : cost(r, 1, 5)));
          if (r.nextDouble() < CLICK_THROUGH[channel]) {
            out.write(SampleDataset.TOUCHES, touch(idPrefix + "-" + n++, email, null, c, channel, "ad_click",
                Math.min(at + 5, dayEnd), page, c == null ? null : cost(r, 50, 950)));
            out.write(SampleDataset.TOUCHES, touch(idPrefix + "-" + n++, email, null, c, channel, "web_visit",
                Math.min(at + 20, dayEnd), page, null));
          }
          at = Math.min(at + 600 + r.nextInt(7200), dayEnd);
        }
      }
      case 5 -> {
        out.write(SampleDataset.TOUCHES, touch(idPrefix + "-" + n++, email, null, c, channel,
            "webinar_registered", at, "/webinars", null));
        if (r.nextDouble() < 0.5) {
          out.write(SampleDataset.TOUCHES, touch(idPrefix + "-" + n++, email, null, c, channel,
              "webinar_attended", Math.min(at + 3600 + r.nextInt(7200), dayEnd), null, null));
        }
      }
      case 6 -> out.write(SampleDataset.TOUCHES, touch(idPrefix + "-" + n++, email, null, c, channel,
          r.nextDouble() < 0.3 ? "demo_request" : "web_visit", at, "/demo", null));
      case 8 -> out.write(SampleDataset.TOUCHES, touch(idPrefix + "-" + n++, email, null, c, channel,
          r.nextDouble() < 0.4 ? "content_download" : "web_visit", at, page, null));
      default -> out.write(SampleDataset.TOUCHES, touch(idPrefix + "-" + n++, email, null, c, channel,
          "web_visit", at, page, null));
    }
  }

  private String[] touch(String id, String email, String anonymousId, Campaign c, int channel, String type,
      long at, String page, String cost) {
    return new String[] {id, email, anonymousId, c == null ? null : c.id(), CHANNELS[channel], type, Times.utc(at),
        UTM_SOURCE[channel], UTM_MEDIUM[channel], c == null ? null : c.id().toLowerCase(), page, cost};
  }

  private Campaign campaign(SplittableRandom r, int channel, long t) {
    int start = r.nextInt(CAMPAIGNS_PER_CHANNEL);
    for (int k = 0; k < CAMPAIGNS_PER_CHANNEL; k++) {
      Campaign c = campaigns[((start + k) % CAMPAIGNS_PER_CHANNEL) * CHANNELS.length + channel];
      if (c.startDay() <= t && t <= c.endDay()) {
        return c;
      }
    }
    return null;
  }

  private static boolean isPaid(int channel) {
    return channel == 1 || channel == 2 || channel == 4 || channel == 9;
  }

  private void writeEvents(Account a, long t, Out out) {
    String prefix = "EV-" + a.index + "-" + t + "-";
    int n = 0;
    long signup = a.trialAt >= 0 ? a.trialAt : a.conv1;
    if (signup >= 0 && signup / DAY == t) {
      out.write(SampleDataset.EVENTS, event(prefix + n++, a, 0, "signup", null, signup, "web", null));
    }
    for (int s = 0; s < a.onboardingStepsAt.length; s++) {
      if (a.onboardingStepsAt[s] / DAY == t) {
        out.write(SampleDataset.EVENTS, event(prefix + n++, a, 0, "onboarding_step_completed",
            ONBOARDING_STEPS[s], a.onboardingStepsAt[s], "web", null));
      }
    }
    if (a.onboardedAt >= 0 && a.onboardedAt / DAY == t) {
      out.write(SampleDataset.EVENTS, event(prefix + n++, a, 0, "onboarding_completed", null, a.onboardedAt,
          "web", null));
      SplittableRandom r = Seeds.random(seed, 8, a.index, t, 1);
      if (r.nextDouble() < 0.4) {
        out.write(SampleDataset.SURVEYS, new String[] {"SRV-CES-" + a.index, "ces", a.id, a.contactEmail[0],
            Integer.toString(1 + r.nextInt(7)), null, Times.utc(Math.min(a.onboardedAt + 600, (t + 1) * DAY - 1)),
            Seeds.pick(r, COMMENTS)});
      }
    }
    if (a.planChangeAt >= 0 && a.planChangeAt / DAY == t) {
      out.write(SampleDataset.EVENTS, event(prefix + n++, a, 0,
          a.changedPlan > a.paidPlan ? "plan_upgraded" : "plan_downgraded", null, a.planChangeAt, "web", null));
    }
    if (a.churn1 >= 0 && a.churn1 / DAY == t) {
      out.write(SampleDataset.EVENTS, event(prefix + n++, a, 0, "subscription_cancelled", null, a.churn1, "web",
          null));
    }
    if (!a.isActiveOn(t) || t < signup / DAY) {
      return;
    }
    SplittableRandom r = Seeds.random(seed, 4, a.index, t);
    double sessionRate = Math.min(0.9, 0.14 * a.engagement);
    int sessions = r.nextDouble() < sessionRate ? (r.nextDouble() < 0.25 ? 2 : 1) : 0;
    for (int s = 0; s < sessions; s++) {
      long at = t * DAY + Account.timeOfDay(r);
      long dayEnd = (t + 1) * DAY - 1;
      int user = a.pickContact(r, at);
      String platform = PLATFORMS[Seeds.weighted(r, PLATFORM_WEIGHTS)];
      String session = "S-" + a.index + "-" + t + "-" + s;
      out.write(SampleDataset.EVENTS, event(prefix + n++, a, user, "login", null, at, platform, session));
      int features = Seeds.poisson(r, 2.0 * a.engagement);
      for (int f = 0; f < features; f++) {
        at = Math.min(at + 5 + r.nextInt(600), dayEnd);
        out.write(SampleDataset.EVENTS, event(prefix + n++, a, user, "feature_used", Seeds.pick(r, FEATURES), at,
            platform, session));
      }
      double x = r.nextDouble();
      String extra = x < 0.08 ? "report_exported" : x < 0.11 ? "invite_sent" : x < 0.125 ? "integration_connected"
          : null;
      if (extra != null) {
        out.write(SampleDataset.EVENTS, event(prefix + n++, a, user, extra, null, Math.min(at + 30, dayEnd),
            platform, session));
      }
    }
  }

  private String[] event(String id, Account a, int user, String name, String feature, long at, String platform,
      String session) {
    return new String[] {id, a.id, a.userId(user), name, feature, Times.utc(at), platform, session};
  }

  private void writeNps(Account a, long t, Out out) {
    if (!a.isPayingOn(t)) {
      return;
    }
    SplittableRandom r = Seeds.random(seed, 8, a.index, t, 0);
    if (r.nextDouble() < 0.008) {
      long at = t * DAY + Account.timeOfDay(r);
      int k = a.pickContact(r, at);
      // About 42% promoters and 22% detractors (NPS around +20); engaged customers score higher.
      double x = r.nextDouble();
      double promoters = 0.42 + 0.2 * (a.engagement - 1);
      double detractors = 0.22 - 0.12 * (a.engagement - 1);
      int score = x < promoters ? 9 + (r.nextDouble() < 0.4 ? 1 : 0)
          : x < 1 - detractors ? 7 + r.nextInt(2)
          : 6 - Math.min(6, Seeds.poisson(r, 1.2));
      out.write(SampleDataset.SURVEYS, new String[] {"SRV-NPS-" + a.index + "-" + t, "nps", a.id, a.contactEmail[k],
          Integer.toString(score), null, Times.utc(at), Seeds.pick(r, COMMENTS)});
    }
  }

  /** Tickets opened on day c: each is exported on every day it changes (new, open, pending, solved, closed). */
  private void writeTickets(Account a, long c, long day, Out out) {
    if (!a.isActiveOn(c)) {
      return;
    }
    SplittableRandom r = Seeds.random(seed, 6, a.index, c);
    if (r.nextDouble() >= 0.015 * a.engagement) {
      return;
    }
    long created = c * DAY + Account.timeOfDay(r);
    int k = a.pickContact(r, created);
    String channel = Seeds.pick(r, TICKET_CHANNELS);
    int priorityIndex = Seeds.weighted(r, PRIORITY_WEIGHTS);
    String priority = PRIORITIES[priorityIndex];
    String category = Seeds.pick(r, CATEGORIES);
    // Log-normal delays around a median per priority: minutes for urgent tickets, most of a day for low.
    long firstResponse = r.nextDouble() < 0.05 ? -1 : created + 60
        + (long) (FIRST_RESPONSE_MEDIAN_HOURS[priorityIndex] * 3600 * Math.exp(0.8 * r.nextGaussian()));
    long base = Math.max(created, firstResponse);
    double x = r.nextDouble();
    long solved = x < 0.85 ? base + 1800 + r.nextInt(8 * 86_400) : -1;
    long pending = x >= 0.85 && x < 0.95 ? base + (1 + r.nextInt(3)) * DAY : -1;
    long closed = solved >= 0 && r.nextDouble() < 0.3 ? solved + 4 * DAY : -1;
    long[] at = new long[5];
    String[] status = new String[5];
    int n = 0;
    at[n] = created;
    status[n++] = "new";
    if (firstResponse >= 0) {
      at[n] = firstResponse;
      status[n++] = "open";
    }
    if (pending >= 0) {
      at[n] = pending;
      status[n++] = "pending";
    }
    if (solved >= 0) {
      at[n] = solved;
      status[n++] = "solved";
    }
    if (closed >= 0) {
      at[n] = closed;
      status[n++] = "closed";
    }
    String id = "TKT-" + a.index + "-" + c;
    int v = versionFor(day, at, n);
    if (v >= 0) {
      long updated = at[v];
      out.write(SampleDataset.TICKETS, new String[] {id, a.id, a.contactEmail[k], channel, priority, category,
          status[v], Times.utc(created), firstResponse >= 0 && firstResponse <= updated ? Times.utc(firstResponse)
          : null, solved >= 0 && solved <= updated ? Times.utc(solved) : null, Times.utc(updated)});
    }
    if (solved >= 0 && r.nextDouble() < 0.45) {
      long solvedDay = solved / DAY;
      if (solvedDay == day || (day == firstDay && solvedDay < day)) {
        // About 78% satisfied (4 or 5), a little more among engaged customers.
        int score = r.nextDouble() < 0.78 + 0.1 * (a.engagement - 1) ? 4 + r.nextInt(2) : 1 + r.nextInt(3);
        out.write(SampleDataset.SURVEYS, new String[] {"SRV-CSAT-" + a.index + "-" + c, "csat", a.id,
            a.contactEmail[k], Integer.toString(score), id, Times.utc(Math.min(solved + 3600, (solvedDay + 1) * DAY - 1)),
            Seeds.pick(r, COMMENTS)});
      }
    }
  }

  /** Monthly invoices of one paying period (conversion to churn), each exported on every day it changes. */
  private void writeInvoices(Account a, int period, long start, long end, long day, Out out) {
    // The last change of an invoice comes at most 30 days after it was issued (a refund).
    if (start < 0 || start / DAY > day || (end >= 0 && end / DAY + 32 < day)) {
      return;
    }
    LocalDate startDate = LocalDate.ofEpochDay(start / DAY);
    long timeOfDay = start % DAY;
    long lastMonth = ChronoUnit.MONTHS.between(startDate, LocalDate.ofEpochDay(day));
    long firstMonth = day == firstDay ? 0 : Math.max(0, ChronoUnit.MONTHS.between(startDate,
        LocalDate.ofEpochDay(day - 32)));
    for (long m = firstMonth; m <= lastMonth; m++) {
      LocalDate issueDate = startDate.plusMonths(m);
      long issued = issueDate.toEpochDay() * DAY + timeOfDay;
      if (end >= 0 && issued >= end) {
        return;
      }
      SplittableRandom r = Seeds.random(seed, 7, a.index, period, m);
      String id = "INV-" + a.index + "-" + period + "-" + m;
      long amount = Account.monthlyPriceCents(a.planAt(issued), a.seats, a.currency);
      String periodStart = issueDate.toString();
      String periodEnd = issueDate.plusMonths(1).minusDays(1).toString();
      long[] at = new long[3];
      String[] status = new String[3];
      int n = 0;
      at[n] = issued;
      status[n++] = "open";
      long paid = -1;
      double x = r.nextDouble();
      if (x < 0.88) {
        paid = issued + r.nextInt(10 * 86_400);
        at[n] = paid;
        status[n++] = "paid";
        if (r.nextDouble() < 0.04) {
          at[n] = paid + (5 + r.nextInt(16)) * DAY;
          status[n++] = "refunded";
        }
      } else if (x < 0.93) {
        at[n] = issued + 2 * DAY;
        status[n++] = "void";
      }
      int v = versionFor(day, at, n);
      if (v >= 0) {
        out.write(SampleDataset.INVOICES, new String[] {id, a.id, money(amount), a.currency, status[v],
            Times.utc(issued), paid >= 0 && paid <= at[v] ? Times.utc(paid) : null, periodStart, periodEnd,
            Times.utc(at[v])});
      }
      if (r.nextDouble() < 0.02) {
        long creditAt = issued + (3 + r.nextInt(13)) * DAY;
        long creditDay = creditAt / DAY;
        if (creditDay == day || (day == firstDay && creditDay < day)) {
          long credit = -amount * (10 + r.nextInt(41)) / 100;
          out.write(SampleDataset.INVOICES, new String[] {id + "-CN", a.id, money(credit), a.currency, "paid",
              Times.utc(creditAt), Times.utc(creditAt), periodStart, periodEnd, Times.utc(creditAt)});
        }
      }
    }
  }

  private static String ts(long t) {
    return t < 0 ? null : Times.utc(t);
  }

  private static String cost(SplittableRandom r, int minCents, int spreadCents) {
    return money(minCents + r.nextInt(spreadCents));
  }

  static String money(long cents) {
    long abs = Math.abs(cents);
    long frac = abs % 100;
    return (cents < 0 ? "-" : "") + abs / 100 + "." + (frac < 10 ? "0" : "") + frac;
  }
}
