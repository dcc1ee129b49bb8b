package com.journeyanalytics.jobs.sample;

import static org.assertj.core.api.Assertions.assertThat;

import com.journeyanalytics.jobs.sample.SampleDataGenerator.Options;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** scripts/generate-sample-data.sh's command line; nothing is generated. */
class SampleDataGeneratorCommandLineTest {

  private record Run(int status, String out, String err, List<Options> generated) {
    String firstErrLine() {
      return err.lines().findFirst().orElse("");
    }
  }

  private static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    List<Options> generated = new ArrayList<>();
    int status = SampleDataGenerator.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), options -> {
          generated.add(options);
          return 0;
        });
    return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8), generated);
  }

  @Test
  void helpPrintsTheUsageOnStdoutAndExitsZero() {
    Run run = run("--help");

    assertThat(run.status()).isZero();
    assertThat(run.out()).startsWith("Usage: generate-sample-data.sh ")
        .contains("--out=DIR", "--accounts=N", "--days=N", "--end-date=YYYY-MM-DD", "--seed=N", "--dirt-rate=R",
            "(default 2000)", "(default 2026-11-20)");
    assertThat(run.err()).isEmpty();
    assertThat(run.generated()).isEmpty();
  }

  @Test
  void onlyOutIsRequiredAndTheRestHasTheDocumentedDefaults() {
    Run run = run("--out", "x");

    assertThat(run.status()).isZero();
    assertThat(run.generated()).containsExactly(new Options(Path.of("x"), 2000, 30, LocalDate.of(2026, 11, 20), 42, 0.005));
  }

  @Test
  void usageErrorsExitTwoWithAOneLineReasonAndTheSynopsisOnStderr() {
    Run missing = run("--accounts", "10");
    Run unknown = run("--out", "x", "--bogus");
    Run badDate = run("--out", "x", "--end-date", "2026-13-01");
    Run badRate = run("--out", "x", "--dirt-rate", "2");
    Run badDays = run("--out", "x", "--days", "3651");

    assertThat(List.of(missing, unknown, badDate, badRate, badDays)).allSatisfy(run -> {
      assertThat(run.status()).isEqualTo(2);
      assertThat(run.out()).isEmpty();
      assertThat(run.err()).contains("\nUsage: generate-sample-data.sh [-hV] ")
          .endsWith("Try 'generate-sample-data.sh --help' for more information.\n");
      assertThat(run.generated()).isEmpty();
    });
    assertThat(missing.firstErrLine()).isEqualTo("generate-sample-data.sh: Missing required option: '--out=DIR'");
    assertThat(unknown.firstErrLine()).isEqualTo("generate-sample-data.sh: Unknown option: '--bogus'");
    assertThat(badDate.firstErrLine()).isEqualTo(
        "generate-sample-data.sh: Invalid value for option '--end-date': '2026-13-01' is not a date YYYY-MM-DD");
    assertThat(badRate.firstErrLine()).isEqualTo("generate-sample-data.sh: --dirt-rate must be between 0 and 1, got 2.0");
    assertThat(badDays.firstErrLine()).isEqualTo("generate-sample-data.sh: --days must be between 1 and 3650, got 3651");
  }
}
