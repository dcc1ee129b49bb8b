package com.journeyanalytics.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.journeyanalytics.jobs.pipeline.RunMode;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The job's command line; no run starts (usage errors stop before Spark, valid options are only captured). */
class JobOptionsTest {

  private record Run(int status, String out, String err, List<JobOptions> ran) {
    String firstErrLine() {
      return err.lines().findFirst().orElse("");
    }
  }

  private static Run parse(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    List<JobOptions> ran = new ArrayList<>();
    int status = JobOptions.execute(args, env, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), options -> {
          ran.add(options);
          return 0;
        });
    return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8), ran);
  }

  /** The real entry point, up to where a run would start. */
  private static Run job(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = JourneyJob.run(args, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8), List.of());
  }

  @Test
  void helpPrintsTheUsageWithEveryOptionAndTheExitStatusesOnStdoutAndExitsZero() {
    Run run = job("--help");

    assertThat(run.status()).isZero();
    assertThat(run.out()).startsWith("Usage: journey ")
        .contains("--run-date=YYYY-MM-DD", "--mode=MODE", "--from=YYYY-MM-DD", "--to=YYYY-MM-DD", "--exports=URI",
            "--warehouse=URI", "--conf=FILE", "--spark-conf=KEY=VALUE", "JOURNEY_EXPORTS", "JOURNEY_HASH_KEY",
            "3 another run holds the lock");
    assertThat(run.err()).isEmpty();
    assertThat(job("-h").out()).isEqualTo(run.out());
  }

  @Test
  void anUnknownOptionOrABadDateExitsTwoWithAOneLineReasonAndTheSynopsis() {
    Run unknown = job("--bogus");
    Run badDate = job("--run-date", "2026-02-30");
    Run badMode = job("--mode", "weekly");

    assertThat(List.of(unknown, badDate, badMode)).allSatisfy(run -> {
      assertThat(run.status()).isEqualTo(2);
      assertThat(run.out()).isEmpty();
      assertThat(run.err()).contains("\nUsage: journey [-hV] ").endsWith("Try 'journey --help' for more information.\n");
    });
    assertThat(unknown.firstErrLine()).isEqualTo("journey: Unknown option: '--bogus'");
    assertThat(badDate.firstErrLine())
        .isEqualTo("journey: Invalid value for option '--run-date': '2026-02-30' is not a date YYYY-MM-DD");
    assertThat(badMode.firstErrLine()).isEqualTo(
        "journey: Invalid value for option '--mode': 'weekly' is not one of nightly, backfill, full_refresh, maintenance");
  }

  @Test
  void aBackfillNeedsFromAndToInOrderAndOnlyABackfillTakesThem() {
    assertThat(parse(Map.of(), "--mode", "backfill", "--from", "2026-11-01").firstErrLine())
        .isEqualTo("journey: --mode backfill needs --from and --to");
    assertThat(parse(Map.of(), "--mode", "backfill", "--from", "2026-11-02", "--to", "2026-11-01").firstErrLine())
        .isEqualTo("journey: --to 2026-11-01 is before --from 2026-11-02");
    Run nightlyWithFrom = parse(Map.of(), "--from", "2026-11-01");
    assertThat(nightlyWithFrom.status()).isEqualTo(2);
    assertThat(nightlyWithFrom.firstErrLine()).isEqualTo("journey: --from and --to go with --mode backfill");
    assertThat(nightlyWithFrom.ran()).isEmpty();

    Run backfill = parse(Map.of(), "--mode", "backfill", "--from", "2026-11-01", "--to", "2026-11-03");
    assertThat(backfill.status()).isZero();
    JobOptions options = backfill.ran().get(0);
    assertThat(options.runDate()).isEqualTo(LocalDate.of(2026, 11, 3));
    assertThat(options.runDates())
        .containsExactly(LocalDate.of(2026, 11, 1), LocalDate.of(2026, 11, 2), LocalDate.of(2026, 11, 3));
  }

  @Test
  void aNightlyRunDefaultsToYesterdayAndTheEnvironmentFillsWhatTheCommandLineLeavesOpen() {
    Map<String, String> env = Map.of("JOURNEY_EXPORTS", "/env/exports", "JOURNEY_WAREHOUSE", "/env/warehouse",
        "JOURNEY_CONF", "/env/job.conf", JobOptions.HASH_KEY_ENV, "k3y");

    JobOptions fromEnv = parse(env).ran().get(0);
    JobOptions fromArgs = parse(env, "--run-date", "2026-11-20", "--mode", "full_refresh", "--exports", "/x",
        "--warehouse", "s3a://b/w", "--conf", "/c.conf", "--spark-conf", "spark.a=1", "--spark-conf", "spark.b=x=y")
        .ran().get(0);

    assertThat(fromEnv.mode()).isEqualTo(RunMode.NIGHTLY);
    assertThat(fromEnv.runDate()).isEqualTo(LocalDate.now(ZoneOffset.UTC).minusDays(1));
    assertThat(fromEnv.configOverrides()).isEqualTo(Map.of("journey.exports", "/env/exports",
        "journey.warehouse", "/env/warehouse", "journey.privacy.hash-key", "k3y"));
    assertThat(fromEnv.confFile()).isEqualTo(new File("/env/job.conf"));
    assertThat(fromArgs.mode()).isEqualTo(RunMode.FULL_REFRESH);
    assertThat(fromArgs.runDates()).containsExactly(LocalDate.of(2026, 11, 20));
    assertThat(fromArgs.exports()).isEqualTo("/x");
    assertThat(fromArgs.warehouse()).isEqualTo("s3a://b/w");
    assertThat(fromArgs.confFile()).isEqualTo(new File("/c.conf"));
    assertThat(fromArgs.sparkConf()).isEqualTo(Map.of("spark.a", "1", "spark.b", "x=y"));
  }

  @Test
  void aSparkConfWithoutKeyEqualsValueIsAUsageError() {
    Run run = parse(Map.of(), "--spark-conf", "spark.a");

    assertThat(run.status()).isEqualTo(2);
    assertThat(run.firstErrLine()).isEqualTo(
        "journey: Value for option option '--spark-conf' (KEY=VALUE) should be in KEY=VALUE format but was spark.a");
    assertThat(run.ran()).isEmpty();
  }
}
