package com.journeyanalytics.jobs.touchpoints;

import static com.journeyanalytics.common.testing.DataFrameAssert.assertThatDataFrame;
import static com.journeyanalytics.common.testing.DataFrameAssert.row;
import static org.assertj.core.api.Assertions.assertThat;

import com.journeyanalytics.common.Hashing;
import com.journeyanalytics.common.quality.QualityCheck;
import com.journeyanalytics.common.schema.Silver;
import com.journeyanalytics.jobs.fixtures.SilverFixture;
import com.journeyanalytics.jobs.fixtures.TestRuns;
import com.journeyanalytics.jobs.pipeline.RunContext;
import com.journeyanalytics.jobs.pipeline.RunMode;
import com.journeyanalytics.jobs.pipeline.StepResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The identity rules of the output contract (Subjects, rules 1-5) on one hand-made world, run
 * once through the touchpoint step. Contacts:
 * <ul>
 *   <li>W = w@customer.com of acc-1, X = x@other.com of acc-2, Z = z@third.com of acc-5;</li>
 *   <li>D = d@shared.com listed twice: c3 of acc-3 updated 2026-01-05, c4 of acc-4 updated
 *       2026-01-03 (c4 is the greater id, so ordering by id would pick acc-4).</li>
 * </ul>
 * P, Q, M, R, TIE_A and TIE_B are addresses no contact has. Anonymous visitors: A, B, V, G1, G2, N, T.
 */
class TouchpointIdentityTest {

  private static final String W = Hashing.sha256Hex("w@customer.com");
  private static final String X = Hashing.sha256Hex("x@other.com");
  private static final String Z = Hashing.sha256Hex("z@third.com");
  private static final String D = Hashing.sha256Hex("d@shared.com");
  private static final String P = Hashing.sha256Hex("p@gmail.com");
  private static final String Q = Hashing.sha256Hex("q@gmail.com");
  private static final String M = Hashing.sha256Hex("m@gmail.com");
  private static final String R = Hashing.sha256Hex("r@prospect.net");
  // TIE_A's hash is the greater one (526b... > 4549...), so a tie broken by hash would pick it.
  private static final String TIE_A = Hashing.sha256Hex("tie-a@gmail.com");
  private static final String TIE_B = Hashing.sha256Hex("tie-b@gmail.com");
  private static final List<String> COLUMNS =
      List.of("source_record_id", "customer_key", "customer_kind", "account_id", "email_sha256");

  @TempDir
  static Path dir;

  private static RunContext ctx;
  private static StepResult result;

  @BeforeAll
  static void resolveTheWorld() {
    ctx = TestRuns.context(TestRuns.config(dir.resolve("exports"), dir.resolve("warehouse"), Map.of()),
        "run-1", "2026-01-31", RunMode.NIGHTLY);
    SilverFixture.silver()
        .contact("c1", "acc-1", W, "2026-01-01T00:00:00Z")
        .contact("c2", "acc-2", X, "2026-01-01T00:00:00Z")
        .contact("c5", "acc-5", Z, "2026-01-01T00:00:00Z")
        .contact("c3", "acc-3", D, "2026-01-05T00:00:00Z")
        .contact("c4", "acc-4", D, "2026-01-03T00:00:00Z")
        // A chain through a personal address: A links to P first, to the customer's W later; B links only to P.
        .touch("t01", null, "A", "web_visit", "2026-01-01T10:00:00Z")
        .touch("t02", P, "A", "form_submit", "2026-01-02T10:00:00Z")
        .touch("t03", P, null, "email_open", "2026-01-03T10:00:00Z")
        .touch("t04", P, "B", "form_submit", "2026-01-04T10:00:00Z")
        .touch("t05", null, "B", "web_visit", "2026-01-05T10:00:00Z")
        .touch("t06", W, "A", "form_submit", "2026-01-10T10:00:00Z")
        .touch("t07", null, "A", "web_visit", "2026-01-11T10:00:00Z")
        // A visitor linked to two customers (X of acc-2, then Z of acc-5), then to a personal address Q.
        .touch("t14", null, "V", "web_visit", "2025-12-20T10:00:00Z")
        .touch("t10", X, "V", "form_submit", "2026-01-01T10:00:00Z")
        .touch("t11", Z, "V", "form_submit", "2026-01-06T10:00:00Z")
        .touch("t12", Q, "V", "form_submit", "2026-01-08T10:00:00Z")
        .touch("t13", null, "V", "web_visit", "2026-01-09T10:00:00Z")
        // M, an address without contact, linked first to G1 (of acc-2), later to G2 (of acc-1).
        .touch("t30", X, "G1", "form_submit", "2026-01-01T12:00:00Z")
        .touch("t31", M, "G1", "form_submit", "2026-01-02T12:00:00Z")
        .touch("t32", W, "G2", "form_submit", "2026-01-03T12:00:00Z")
        .touch("t33", M, "G2", "form_submit", "2026-01-07T12:00:00Z")
        .touch("t34", M, null, "email_open", "2026-01-08T12:00:00Z")
        // A prospect never linked, a visitor never identified, the address two contacts share.
        .touch("t40", R, null, "email_open", "2026-01-02T10:00:00Z")
        .touch("t41", null, "N", "web_visit", "2026-01-02T11:00:00Z")
        .touch("t50", D, null, "email_open", "2026-01-04T10:00:00Z")
        // T links to two addresses at the same instant; t62 (TIE_B) is added first.
        .touch("t62", TIE_B, "T", "form_submit", "2026-01-05T10:00:00Z")
        .touch("t61", TIE_A, "T", "form_submit", "2026-01-05T10:00:00Z")
        .touch("t63", null, "T", "web_visit", "2026-01-06T10:00:00Z")
        // Rule 1 wins over the requester's contact; without an account the requester's email decides.
        .ticket("k1", "acc-9", W, "2026-01-12T10:00:00Z")
        .ticket("k2", null, D, "2026-01-12T11:00:00Z")
        .writeTo(ctx.staging());

    result = new TouchpointStep().run(ctx);
  }

  private static Dataset<Row> touchpoints(String recordIds) {
    return ctx.tables().read("touchpoints").where("source_record_id IN (" + recordIds + ")");
  }

  /**
   * A's latest link to a contact's email is t06 (W, acc-1): A is acc-1, its person W, and its
   * earlier touchpoints (t01, before any link) move too. P has no contact; of its links, t02 (A)
   * reaches a visitor of an account and t04 (B) does not, so P is acc-1 (rule 4), and so is B,
   * whose only link is to P.
   */
  @Test
  void aVisitorWhoUsedAPersonalAddressAndLaterACustomersWorkAddressBelongsWithTheAddressToTheCustomer() {
    assertThatDataFrame(touchpoints("'t01', 't02', 't03', 't04', 't05', 't06', 't07'"))
        .containsExactlyRowsInAnyOrder(COLUMNS, List.of(
            row("t01", "acc-1", "account", "acc-1", W),
            row("t02", "acc-1", "account", "acc-1", P),
            row("t03", "acc-1", "account", "acc-1", P),
            row("t04", "acc-1", "account", "acc-1", P),
            row("t05", "acc-1", "account", "acc-1", P),
            row("t06", "acc-1", "account", "acc-1", W),
            row("t07", "acc-1", "account", "acc-1", W)));
  }

  /**
   * V's links: X (acc-2) on Jan 1, Z (acc-5) on Jan 6, Q (no contact) on Jan 8. Its latest link
   * to a contact's email is Z: V's own touchpoints, before and after the links, are acc-5, and
   * so is Q (its only link is V). t10 carries X itself and stays with X's account (rule 2).
   * V is the one visitor with contacts' emails of two accounts: identity_conflicts = 1, warn.
   */
  @Test
  void aVisitorLinkedToTwoCustomersFollowsItsLatestCustomerAndCountsAsOneIdentityConflict() {
    assertThatDataFrame(touchpoints("'t10', 't11', 't12', 't13', 't14'"))
        .containsExactlyRowsInAnyOrder(COLUMNS, List.of(
            row("t14", "acc-5", "account", "acc-5", Z),
            row("t10", "acc-2", "account", "acc-2", X),
            row("t11", "acc-5", "account", "acc-5", Z),
            row("t12", "acc-5", "account", "acc-5", Q),
            row("t13", "acc-5", "account", "acc-5", Z)));
    QualityCheck conflicts = result.checks().stream().filter(c -> c.checkName().equals("identity_conflicts"))
        .findFirst().orElseThrow();
    assertThat(conflicts).isEqualTo(new QualityCheck("touchpoints", "identity_conflicts", QualityCheck.Status.WARN, 1.0,
        0.0, "1 anonymous ids linked to emails of two or more accounts; each belongs to the account of its latest such link"));
  }

  /**
   * M's links: G1 on Jan 2 (G1's only contact link is X: acc-2), G2 on Jan 7 (W: acc-1). The
   * most recent link wins: M is acc-1, on every touch carrying M; G1's link to X keeps acc-2.
   */
  @Test
  void anEmailWithoutContactBelongsToTheAccountOfItsMostRecentlyLinkedVisitor() {
    assertThatDataFrame(touchpoints("'t30', 't31', 't32', 't33', 't34'"))
        .containsExactlyRowsInAnyOrder(COLUMNS, List.of(
            row("t30", "acc-2", "account", "acc-2", X),
            row("t31", "acc-1", "account", "acc-1", M),
            row("t32", "acc-1", "account", "acc-1", W),
            row("t33", "acc-1", "account", "acc-1", M),
            row("t34", "acc-1", "account", "acc-1", M)));
  }

  @Test
  void anAddressWithNoContactAndNoLinkIsAProspectAndAVisitorNeverLinkedStaysAnonymous() {
    assertThatDataFrame(touchpoints("'t40', 't41'"))
        .containsExactlyRowsInAnyOrder(COLUMNS, List.of(
            row("t40", "email:" + R, "prospect", null, R),
            row("t41", "anon:N", "anonymous", null, null)));
  }

  /** D: c3 (acc-3, updated Jan 5) beats c4 (acc-4, updated Jan 3); k1's own account beats W's contact. */
  @Test
  void theMostRecentlyUpdatedContactOfAnEmailWinsAndARowsOwnAccountWinsOverItsEmail() {
    assertThatDataFrame(touchpoints("'t50', 'k1', 'k2'"))
        .containsExactlyRowsInAnyOrder(COLUMNS, List.of(
            row("t50", "acc-3", "account", "acc-3", D),
            row("k1", "acc-9", "account", "acc-9", W),
            row("k2", "acc-3", "account", "acc-3", D)));
  }

  /**
   * T's two links share an instant and neither address has a contact: the greater touch id,
   * t62, decides T's person (TIE_B), whatever the insertion order or the hashes' order.
   */
  @Test
  void linksAtTheSameInstantAreOrderedByTouchId() {
    assertThatDataFrame(touchpoints("'t61', 't62', 't63'"))
        .containsExactlyRowsInAnyOrder(COLUMNS, List.of(
            row("t61", "email:" + TIE_A, "prospect", null, TIE_A),
            row("t62", "email:" + TIE_B, "prospect", null, TIE_B),
            row("t63", "email:" + TIE_B, "prospect", null, TIE_B)));
  }

  /**
   * A nightly run recomputing some subjects (here acc-5, the prospect R and the visitor N) reads
   * only the rows carrying one of their identifiers. Those are, as account ids, the three keys;
   * as emails Z (acc-5's contact), Q (linked only to V, which is acc-5: rule 4) and R; as anonymous
   * ids V (its person is Z) and N. So of the touches t10-t14 (V), t40 (R) and t41 (N), and no
   * ticket (k1: acc-9 and W; k2: D). t10 carries V but its own email X makes it acc-2's: read,
   * then dropped, so the subjects get exactly their touchpoints.
   */
  @Test
  void recomputingSomeSubjectsReadsOnlyTheRowsCarryingTheirIdentifiersAndResolvesExactlyTheirActivities() {
    Map<String, Dataset<Row>> sources = ActivitySources.read(ctx.staging());
    Dataset<Row> identityMap = TouchpointStep.identityMap(ctx.staging().readOrEmpty(Silver.CONTACTS),
        sources.get(Silver.TOUCHES.name()));
    Dataset<Row> customers = ctx.spark().createDataFrame(
        List.of(RowFactory.create("acc-5"), RowFactory.create("email:" + R), RowFactory.create("anon:N")),
        new StructType().add("customer_key", DataTypes.StringType));

    Dataset<Row> identifiers = ActivitySources.identifiersOf(customers, identityMap);
    assertThatDataFrame(identifiers).containsExactlyRowsInAnyOrder(List.of("kind", "identifier"), List.of(
        row("account_id", "acc-5"), row("account_id", "email:" + R), row("account_id", "anon:N"),
        row("email_sha256", Z), row("email_sha256", Q), row("email_sha256", R),
        row("anonymous_id", "V"), row("anonymous_id", "N")));
    Map<String, Dataset<Row>> carried = ActivitySources.carrying(sources, identifiers);
    assertThatDataFrame(carried.get(Silver.TOUCHES.name())).containsExactlyRowsInAnyOrder(List.of("touch_id"),
        List.of(row("t10"), row("t11"), row("t12"), row("t13"), row("t14"), row("t40"), row("t41")));
    assertThat(carried.get(Silver.TICKETS.name()).count()).isZero();

    assertThatDataFrame(TouchpointStep.resolved(ctx, sources, identityMap, Optional.of(customers)))
        .containsExactlyRowsInAnyOrder(List.of("source_record_id", "customer_key"), List.of(
            row("t11", "acc-5"), row("t12", "acc-5"), row("t13", "acc-5"), row("t14", "acc-5"),
            row("t40", "email:" + R), row("t41", "anon:N")));
  }
}
