package com.journeyanalytics.jobs.serving;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command lines of scripts/serve-sql.sh and scripts/sql-user.sh; no endpoint starts. */
class ServingCommandLineTest {

  private record Run(int status, String out, String err, List<SqlServer.Options> served) {
    String firstErrLine() {
      return err.lines().findFirst().orElse("");
    }
  }

  private static Run serve(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    List<SqlServer.Options> served = new ArrayList<>();
    int status = SqlServer.execute(args, env, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), options -> {
          served.add(options);
          return 0;
        });
    return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8), served);
  }

  private static Run addUser(String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = UsersFile.run(args, null, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8), List.of());
  }

  @Test
  void serveSqlHelpPrintsTheUsageOnStdoutAndExitsZero() {
    Run run = serve(Map.of(), "--help");

    assertThat(run.status()).isZero();
    assertThat(run.out()).startsWith("Usage: serve-sql.sh ").contains("--warehouse=URI", "--host=HOST",
        "--port=PORT", "(default 127.0.0.1)", "(default 10000)", "--conf=FILE", "--spark-conf=KEY=VALUE",
        "--users-file=FILE", "--keystore=FILE", "--keystore-password-file=FILE", "--allow-unauthenticated-remote",
        "--allow-plaintext-remote", SqlServer.KEYSTORE_PASSWORD_ENV);
    assertThat(run.err()).isEmpty();
    assertThat(run.served()).isEmpty();
  }

  @Test
  void optionsDefaultToLoopbackPort10000AndRejectABadPort() {
    Run defaults = serve(Map.of("JOURNEY_WAREHOUSE", "/env"), "--warehouse", "/w");
    Run fromEnv = serve(Map.of("JOURNEY_WAREHOUSE", "/env"));
    Run badPort = serve(Map.of(), "--port", "70000");

    SqlServer.Options options = defaults.served().get(0);
    assertThat(options.host()).isEqualTo("127.0.0.1");
    assertThat(options.port()).isEqualTo(10000);
    assertThat(options.warehouse()).isEqualTo("/w");
    assertThat(options.security()).isEqualTo(SqlServer.Security.none());
    assertThat(fromEnv.served().get(0).warehouse()).isEqualTo("/env");
    assertThat(badPort.status()).isEqualTo(2);
    assertThat(badPort.firstErrLine())
        .isEqualTo("serve-sql.sh: Invalid value for option '--port': must be a number from 1 to 65535, got '70000'");
    assertThat(badPort.served()).isEmpty();
  }

  @Test
  void anUnknownOptionOrABlankValueExitsTwoWithAOneLineReasonAndTheSynopsis() {
    Run unknown = serve(Map.of(), "--bogus");
    Run blank = serve(Map.of(), "--host", " ");

    assertThat(unknown.status()).isEqualTo(2);
    assertThat(unknown.err()).startsWith("serve-sql.sh: Unknown option: '--bogus'\nUsage: serve-sql.sh [-hV] ")
        .endsWith("Try 'serve-sql.sh --help' for more information.\n");
    assertThat(blank.status()).isEqualTo(2);
    assertThat(blank.firstErrLine()).isEqualTo("serve-sql.sh: --host needs a value");
    assertThat(unknown.served()).isEmpty();
    assertThat(blank.served()).isEmpty();
  }

  @Test
  void aKeystoreWithoutItsPasswordIsAUsageError(@TempDir Path dir) throws IOException {
    Run noPassword = serve(Map.of(), "--keystore", "/k.p12");
    Run passwordFileAlone = serve(Map.of(), "--keystore-password-file", "/p");
    Run fromEnv = serve(Map.of(SqlServer.KEYSTORE_PASSWORD_ENV, "s3cret"), "--keystore", "/k.p12");
    Path passwordFile = Files.writeString(dir.resolve("password"), "fr0m-file\nignored\n");
    Run fromFile = serve(Map.of(SqlServer.KEYSTORE_PASSWORD_ENV, "s3cret"), "--keystore", "/k.p12",
        "--keystore-password-file", passwordFile.toString());

    assertThat(noPassword.status()).isEqualTo(2);
    assertThat(noPassword.firstErrLine()).isEqualTo(
        "serve-sql.sh: --keystore needs its password in JOURNEY_KEYSTORE_PASSWORD or --keystore-password-file");
    assertThat(passwordFileAlone.status()).isEqualTo(2);
    assertThat(passwordFileAlone.firstErrLine()).isEqualTo("serve-sql.sh: --keystore-password-file needs --keystore");
    assertThat(fromEnv.served().get(0).security().keystorePassword()).isEqualTo("s3cret");
    assertThat(fromEnv.served().get(0).security().keystore()).isEqualTo(Path.of("/k.p12"));
    assertThat(fromFile.served().get(0).security().keystorePassword()).isEqualTo("fr0m-file");
  }

  @Test
  void sqlUserHelpPrintsTheUsageOnStdoutAndUsageErrorsExitTwo(@TempDir Path dir) {
    Run help = addUser("", "--help");
    Run missingUser = addUser("", dir.resolve("users").toString());
    Run unknown = addUser("", "-x", dir.resolve("users").toString(), "ann");

    assertThat(help.status()).isZero();
    assertThat(help.out()).startsWith("Usage: sql-user.sh [-hV] USERS_FILE USER");
    assertThat(help.err()).isEmpty();
    assertThat(missingUser.status()).isEqualTo(2);
    assertThat(missingUser.err()).startsWith("sql-user.sh: Missing required parameter: 'USER'\nUsage: sql-user.sh ");
    assertThat(unknown.status()).isEqualTo(2);
    assertThat(unknown.err()).startsWith("sql-user.sh: Unknown option: '-x'\nUsage: sql-user.sh ");
    assertThat(Files.exists(dir.resolve("users"))).isFalse();
  }
}
