package com.journeyanalytics.jobs.sample;

import static com.journeyanalytics.jobs.sample.Times.DAY;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * One customer's whole life, drawn from its own random stream (seed + account index): identity,
 * contacts, how it was acquired (anonymous visits, a form submit, a trial or a sales deal),
 * conversion, plan changes, churn and reactivation. Instants are epoch seconds, -1 = never.
 * Regenerated on every export day instead of kept in memory.
 */
final class Account {

  static final String[] FIRST = {"ann", "ben", "carla", "david", "elena", "farid", "grace", "hiro", "isabel",
      "jamal", "kate", "liam", "maria", "noah", "olga", "pedro", "quinn", "rosa", "sam", "tara", "umar", "vera",
      "will", "xenia", "yusuf", "zoe"};
  static final String[] LAST = {"lee", "smith", "garcia", "mueller", "rossi", "tanaka", "kowalski", "nguyen",
      "brown", "silva", "dubois", "jensen", "okafor", "patel", "cohen", "novak", "larsen", "moreau"};
  private static final String[] PREFIX = {"Blue", "Bright", "North", "Green", "Swift", "Quantum", "Silver", "Red",
      "Iron", "Clear", "Peak", "Urban", "Coral", "Delta"};
  private static final String[] SUFFIX = {"Analytics", "Logistics", "Foods", "Health", "Labs", "Systems", "Retail",
      "Capital", "Media", "Works", "Energy", "Robotics"};
  private static final String[] INDUSTRY = {"software", "retail", "financial_services", "healthcare",
      "manufacturing", "media", "education", "logistics", "hospitality", "public_sector"};
  private static final String[] TITLES = {"CEO", "CTO", "Head of Growth", "Marketing Manager", "Data Analyst",
      "Product Manager", "Operations Lead", "VP Sales", "Engineer", "Customer Success Manager"};
  private static final String[] SEGMENTS = {"SMB", "MidMarket", "Enterprise"};
  private static final int[] SEGMENT_WEIGHTS = {60, 28, 12};
  private static final String[] REGIONS = {"NA", "EMEA", "APAC", "LATAM"};
  private static final int[] REGION_WEIGHTS = {45, 30, 15, 10};
  private static final String[][] COUNTRIES = {{"US", "US", "US", "CA"}, {"DE", "FR", "GB", "GB", "NL", "ES", "SE"},
      {"AU", "JP", "SG", "IN"}, {"BR", "MX", "AR"}};
  static final String[] ACQUISITION = {"email", "paid_search", "paid_social", "organic_social", "display",
      "webinar", "event", "referral", "content", "affiliate", "direct"};
  private static final int[] ACQUISITION_WEIGHTS = {8, 20, 12, 8, 4, 6, 5, 10, 12, 3, 12};
  static final String[] PLANS = {"starter", "pro", "enterprise"};
  private static final String[] PERSONAL_DOMAINS = {"gmail.com", "outlook.com", "yahoo.com", "proton.me"};
  /** Monthly churn hazard of a paying account by segment (SMB, MidMarket, Enterprise), before engagement. */
  private static final double[] MONTHLY_CHURN = {0.045, 0.025, 0.015};
  private static final double DAYS_PER_MONTH = 365.25 / 12;

  final int index;
  final String id;
  final String name;
  final String domain;
  final String industry;
  final String segment;
  final String region;
  final String country;
  final String currency;
  final String acquisitionChannel;
  /** Usage intensity of this customer, around 1. */
  final double engagement;
  final int seats;
  final long leadDay;

  final boolean hasAnonymousPhase;
  final String anonymousId;
  /**
   * Some anonymous visitors first leave a personal address (an ebook form) and only later the work
   * address of their company: -1 / null for the others.
   */
  final long personalFormAt;
  final String personalEmail;
  final long formSubmitAt;
  /** The day contact 0's email first shows up in marketing touches. */
  final long emailKnownDay;

  final long createdAt;
  final long trialAt;
  final long trialActiveUntilDay;
  final boolean salesLed;
  final Opportunity[] opportunities;
  final long conv1;
  final long churn1;
  final long conv2;
  /**
   * On a comeback (conv2) most CRMs overwrite converted_at and clear churned_at; some keep the old
   * churned_at next to the new converted_at.
   */
  final boolean keepsOldChurnOnComeback;
  final int paidPlan;
  final long planChangeAt;
  final int changedPlan;
  final long[] onboardingStepsAt;
  final long onboardedAt;

  final String[] contactEmail;
  final String[] contactTitle;
  final long[] contactCreatedAt;

  /** A sales deal: the instant it reached each of its stages (the last is closed_won or closed_lost). */
  record Opportunity(String id, String[] stages, long[] at, long amountCents) {}

  Account(long seed, int index, long historyStartDay, long endDay) {
    SplittableRandom r = Seeds.random(seed, 1, index);
    this.index = index;
    this.id = accountId(index);
    String prefix = Seeds.pick(r, PREFIX);
    String suffix = Seeds.pick(r, SUFFIX);
    // Some names carry a comma so the CSV writers' quoting gets exercised.
    this.name = prefix + " " + suffix + (index % 9 == 4 ? ", Inc." : "");
    this.domain = (prefix + suffix).toLowerCase() + "-" + Integer.toString(index, 36) + ".com";
    this.industry = Seeds.pick(r, INDUSTRY);
    int seg = Seeds.weighted(r, SEGMENT_WEIGHTS);
    this.segment = SEGMENTS[seg];
    int reg = Seeds.weighted(r, REGION_WEIGHTS);
    this.region = REGIONS[reg];
    this.country = Seeds.pick(r, COUNTRIES[reg]);
    this.currency = country.equals("GB") ? "GBP" : reg == 1 ? "EUR" : "USD";
    this.acquisitionChannel = ACQUISITION[Seeds.weighted(r, ACQUISITION_WEIGHTS)];
    this.engagement = 0.3 + r.nextDouble() * 1.4;
    this.seats = seg == 0 ? 1 + r.nextInt(5) : seg == 1 ? 5 + r.nextInt(36) : 40 + r.nextInt(361);
    this.leadDay = historyStartDay + r.nextLong(endDay - historyStartDay + 1);

    this.hasAnonymousPhase = r.nextDouble() < 0.5;
    long anonId = r.nextLong();
    boolean personalFirst = hasAnonymousPhase && r.nextDouble() < 0.2;
    if (hasAnonymousPhase) {
      long personalDay = personalFirst ? leadDay + 1 + r.nextInt(5) : -1;
      long formDay = (personalFirst ? personalDay : leadDay) + 1 + r.nextInt(10);
      this.anonymousId = "anon-" + Long.toHexString(anonId);
      this.personalFormAt = personalFirst ? personalDay * DAY + timeOfDay(r) : -1;
      this.formSubmitAt = formDay * DAY + timeOfDay(r);
      this.emailKnownDay = formDay;
      this.createdAt = formSubmitAt + (1 + r.nextInt(10)) * DAY + r.nextInt(3600);
    } else {
      this.anonymousId = null;
      this.personalFormAt = -1;
      this.formSubmitAt = -1;
      this.emailKnownDay = leadDay;
      this.createdAt = (leadDay + r.nextInt(15)) * DAY + timeOfDay(r);
    }

    this.salesLed = seg == 0 ? r.nextDouble() < 0.1 : r.nextDouble() < 0.6;
    boolean trial = !salesLed || r.nextDouble() < 0.3;
    this.trialAt = trial ? createdAt + (salesLed ? (1 + r.nextInt(5)) * DAY : 0) : -1;
    long converted = -1;
    Opportunity deal = null;
    if (salesLed) {
      deal = deal(r, "OPP-" + index + "-1", createdAt + r.nextInt(3) * DAY + 3600, 0, 0.6);
      String last = deal.stages()[deal.stages().length - 1];
      if (last.equals("closed_won")) {
        converted = deal.at()[deal.at().length - 1];
      }
    } else if (r.nextDouble() < 0.1 + 0.1 * engagement) {
      // About one product-led trial in five converts, within three weeks.
      converted = trialAt + (5 + r.nextInt(16)) * DAY + r.nextInt(20_000);
    }
    this.conv1 = converted;
    this.trialActiveUntilDay = trial ? trialAt / DAY + 14 + r.nextInt(30) : -1;
    // A constant monthly hazard (lower for bigger and more engaged customers): about 2.5% of the
    // paying customers leave each month, whatever the age of the customer base.
    double hazard = MONTHLY_CHURN[seg] * (1.6 - 0.6 * engagement);
    long lifetimeDays = (long) (-Math.log(1 - r.nextDouble()) / hazard * DAYS_PER_MONTH);
    if (conv1 >= 0 && conv1 / DAY + 14 + lifetimeDays <= endDay) {
      this.churn1 = conv1 + (14 + lifetimeDays) * DAY + r.nextInt(20_000);
      this.conv2 = r.nextDouble() < 0.3 ? churn1 + (20 + r.nextInt(130)) * DAY + r.nextInt(20_000) : -1;
    } else {
      this.churn1 = -1;
      this.conv2 = -1;
    }
    this.keepsOldChurnOnComeback = conv2 >= 0 && r.nextDouble() < 0.2;
    this.paidPlan = seg == 0 ? (r.nextDouble() < 0.7 ? 0 : 1) : seg == 1 ? Seeds.weighted(r, new int[] {20, 70, 10})
        : (r.nextDouble() < 0.7 ? 2 : 1);
    long change = -1;
    int changed = paidPlan;
    if (conv1 >= 0) {
      double x = r.nextDouble();
      long at = conv1 + (30 + r.nextInt(300)) * DAY + r.nextInt(20_000);
      if (x < 0.2 && paidPlan < 2) {
        change = at;
        changed = paidPlan + 1;
      } else if (x > 0.95 && paidPlan > 0) {
        change = at;
        changed = paidPlan - 1;
      }
      if (churn1 >= 0 && change >= churn1) {
        change = -1;
        changed = paidPlan;
      }
    }
    this.planChangeAt = change;
    this.changedPlan = changed;

    long onboardingStart = trial ? trialAt : conv1;
    if (onboardingStart >= 0) {
      int steps = r.nextDouble() < 0.55 ? 5 : r.nextInt(5);
      long[] at = new long[steps];
      long t = onboardingStart;
      for (int s = 0; s < steps; s++) {
        t += 600 + r.nextInt(2) * DAY + r.nextInt(30_000);
        at[s] = t;
      }
      this.onboardingStepsAt = at;
      this.onboardedAt = steps == 5 ? t + 60 : -1;
    } else {
      this.onboardingStepsAt = new long[0];
      this.onboardedAt = -1;
    }

    Opportunity expansion = null;
    if (conv1 >= 0 && r.nextDouble() < 0.15) {
      expansion = deal(r, "OPP-" + index + "-2", conv1 + (60 + r.nextInt(240)) * DAY + 3600, 1, 0.5);
    }
    this.opportunities = deal == null ? (expansion == null ? new Opportunity[0] : new Opportunity[] {expansion})
        : expansion == null ? new Opportunity[] {deal} : new Opportunity[] {deal, expansion};

    int contacts = seg == 0 ? 1 + r.nextInt(2) : seg == 1 ? 1 + r.nextInt(3) : 2 + r.nextInt(2);
    this.contactEmail = new String[contacts];
    this.contactTitle = new String[contacts];
    this.contactCreatedAt = new long[contacts];
    int first = r.nextInt(FIRST.length);
    for (int k = 0; k < contacts; k++) {
      // Distinct first names keep the emails of one account distinct.
      contactEmail[k] = FIRST[(first + 7 * k) % FIRST.length] + "." + Seeds.pick(r, LAST) + "@" + domain;
      contactTitle[k] = Seeds.pick(r, TITLES);
      contactCreatedAt[k] = k == 0 ? createdAt : createdAt + r.nextInt(90) * DAY + r.nextInt(30_000);
    }
    this.personalEmail = personalFirst ? contactEmail[0].substring(0, contactEmail[0].indexOf('@')) + "."
        + Integer.toString(index, 36) + "@" + Seeds.pick(r, PERSONAL_DOMAINS) : null;
  }

  private Opportunity deal(SplittableRandom r, String oppId, long start, int firstStage, double winRate) {
    String[] all = {"prospecting", "qualification", "demo", "proposal", "negotiation"};
    String[] stages = new String[6];
    long[] at = new long[6];
    int n = 0;
    long t = start;
    String outcome = null;
    for (int s = firstStage; s < all.length; s++) {
      stages[n] = all[s];
      at[n++] = t;
      t += (2 + r.nextInt(11)) * DAY + r.nextInt(20_000);
      if (s < all.length - 1 && r.nextDouble() < 0.12) {
        outcome = "closed_lost";
        break;
      }
    }
    if (outcome == null) {
      outcome = r.nextDouble() < winRate ? "closed_won" : "closed_lost";
    }
    stages[n] = outcome;
    at[n++] = t;
    long amount = annualPriceCents(paidPlanGuess(), seats, currency) * (firstStage == 0 ? 1 : 1 + r.nextInt(2));
    return new Opportunity(oppId, Arrays.copyOf(stages, n), Arrays.copyOf(at, n), amount);
  }

  private int paidPlanGuess() {
    return segment.equals("SMB") ? 0 : segment.equals("MidMarket") ? 1 : 2;
  }

  /** A0000042: zero-padded so ids sort like indexes. */
  static String accountId(int index) {
    String digits = Integer.toString(index);
    return "A" + "0000000".substring(Math.min(7, digits.length())) + digits;
  }

  static long timeOfDay(SplittableRandom r) {
    return 7 * 3600 + r.nextInt(14 * 3600);
  }

  static long monthlyPriceCents(int plan, int seats, String currency) {
    long usd = plan == 0 ? 2_900 : plan == 1 ? 7_900 : 14_900;
    long local = currency.equals("EUR") ? usd * 92 / 100 : currency.equals("GBP") ? usd * 79 / 100 : usd;
    return local * seats;
  }

  static long annualPriceCents(int plan, int seats, String currency) {
    return monthlyPriceCents(plan, seats, currency) * 12;
  }

  int planAt(long t) {
    return planChangeAt >= 0 && planChangeAt <= t ? changedPlan : paidPlan;
  }

  boolean isPayingOn(long day) {
    return (conv1 >= 0 && day >= conv1 / DAY && (churn1 < 0 || day < churn1 / DAY))
        || (conv2 >= 0 && day >= conv2 / DAY);
  }

  /** Uses the product that day: during (and a while after) the trial, or while paying. */
  boolean isActiveOn(long day) {
    return (trialAt >= 0 && day >= trialAt / DAY && day <= trialActiveUntilDay) || isPayingOn(day);
  }

  /** A random contact that exists at t (contact 0 always does once the account exists). */
  int pickContact(SplittableRandom r, long t) {
    int k = r.nextInt(contactCreatedAt.length);
    return contactCreatedAt[k] <= t ? k : 0;
  }

  /** The day contact k's email starts appearing in touches. */
  long contactKnownDay(int k) {
    return k == 0 ? Math.min(emailKnownDay, createdAt / DAY) : contactCreatedAt[k] / DAY;
  }

  String userId(int k) {
    return "U" + index + "-" + k;
  }
}
