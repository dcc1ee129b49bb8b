package com.journeyanalytics.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.journeyanalytics.jobs.fixtures.SqlShRuns;
import com.journeyanalytics.jobs.fixtures.SqlShRuns.Result;
import org.junit.jupiter.api.Test;

/** scripts/sql.sh's command line: help and usage errors, which stop before any Spark session. */
class SqlQueryCommandLineTest {

  private static Result run(String... args) {
    return SqlShRuns.run(args);
  }

  @Test
  void helpPrintsTheUsageOnStdoutAndExitsZero() {
    Result run = run("--help");

    assertThat(run.status()).isZero();
    assertThat(run.out()).startsWith("Usage: sql.sh ").contains("--warehouse=URI", "--conf=FILE", "--spark-conf=KEY=VALUE",
        "--endpoint=JDBC_URL", "--user=NAME", "--local", "STATEMENT", "JOURNEY_WAREHOUSE", "JOURNEY_SQL_ENDPOINT");
    assertThat(run.err()).isEmpty();
  }

  @Test
  void anUnknownOptionOrAMissingOrBlankStatementExitsTwoWithAOneLineReason() {
    Result unknown = run("--bogus", "SELECT 1");
    Result missing = run("--warehouse", "/w");
    Result blank = run(" ");
    Result two = run("SELECT 1", "SELECT 2");

    assertThat(unknown.status()).isEqualTo(2);
    assertThat(unknown.err()).startsWith("sql.sh: Unknown option: '--bogus'\nUsage: sql.sh [-hV] ");
    assertThat(missing.status()).isEqualTo(2);
    assertThat(missing.err()).startsWith("sql.sh: Missing required parameter: 'STATEMENT'\nUsage: sql.sh ");
    assertThat(blank.status()).isEqualTo(2);
    assertThat(blank.err()).startsWith("sql.sh: no SQL statement given\nUsage: sql.sh ");
    assertThat(two.status()).isEqualTo(2);
    assertThat(two.err()).startsWith("sql.sh: Unmatched argument at index 1: 'SELECT 2'\nUsage: sql.sh ");
    assertThat(unknown.out() + missing.out() + blank.out() + two.out()).isEmpty();
  }

  @Test
  void anEndpointThatIsNoHiveUrlOrComesWithLocalExitsTwoBeforeConnecting() {
    Result notHive = run("--endpoint", "http://127.0.0.1:10000", "SELECT 1");
    Result both = run("--local", "--endpoint", "jdbc:hive2://127.0.0.1:10000/journey", "SELECT 1");

    assertThat(notHive.status()).isEqualTo(2);
    assertThat(notHive.err()).startsWith("sql.sh: --endpoint must be a jdbc:hive2:// URL, got 'http://127.0.0.1:10000'\n");
    assertThat(both.status()).isEqualTo(2);
    assertThat(both.err()).startsWith("sql.sh: --local and an endpoint (--endpoint, JOURNEY_SQL_ENDPOINT) exclude each other\n");
    assertThat(notHive.out() + both.out()).isEmpty();
  }
}
