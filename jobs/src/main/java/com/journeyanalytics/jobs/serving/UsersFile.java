package com.journeyanalytics.jobs.serving;

import com.journeyanalytics.common.cli.Cli;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * The SQL endpoint's users: a text file with one line per user,
 * {@code user:pbkdf2-sha256:<iterations>:<salt base64>:<hash base64>}, a random 16-byte salt per
 * user and PBKDF2-HMAC-SHA256 (a slow hash: a stolen file does not give the passwords away
 * cheaply). Lines starting with # are comments. {@code scripts/sql-user.sh} adds or replaces a user.
 */
public final class UsersFile {

  static final String SCHEME = "pbkdf2-sha256";
  /** OWASP's recommended minimum for PBKDF2-HMAC-SHA256 (2023); one login costs this once. */
  static final int ITERATIONS = 600_000;
  private static final int SALT_BYTES = 16;
  private static final int HASH_BITS = 256;
  private static final Pattern USER = Pattern.compile("[A-Za-z0-9._@-]{1,128}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path file;

  public UsersFile(Path file) {
    this.file = file;
  }

  public Path path() {
    return file;
  }

  /** True when {@code user} is in the file with this password. Reads the file each time, so added users count at once. */
  public boolean verify(String user, String password) {
    Optional<String[]> entry = entry(user);
    // An unknown user costs a hash too, so that timing does not tell which users exist.
    String[] fields = entry.orElse(new String[] {user, SCHEME, Integer.toString(ITERATIONS),
        Base64.getEncoder().encodeToString(new byte[SALT_BYTES]), Base64.getEncoder().encodeToString(new byte[HASH_BITS / 8])});
    byte[] expected = Base64.getDecoder().decode(fields[4]);
    byte[] actual = pbkdf2(password.toCharArray(), Base64.getDecoder().decode(fields[3]), Integer.parseInt(fields[2]));
    return MessageDigest.isEqual(expected, actual) && entry.isPresent();
  }

  /** Adds {@code user}, or replaces its password; creates the file readable by its owner only. */
  public void put(String user, char[] password) {
    if (!USER.matcher(user).matches()) {
      throw new IllegalArgumentException("a user name is 1 to 128 letters, digits or . _ @ -, got '" + user + "'");
    }
    if (password.length < 8) {
      throw new IllegalArgumentException("the password must have at least 8 characters");
    }
    byte[] salt = new byte[SALT_BYTES];
    RANDOM.nextBytes(salt);
    String line = String.join(":", user, SCHEME, Integer.toString(ITERATIONS), Base64.getEncoder().encodeToString(salt),
        Base64.getEncoder().encodeToString(pbkdf2(password, salt, ITERATIONS)));
    try {
      List<String> lines = new ArrayList<>();
      if (Files.exists(file)) {
        for (String existing : Files.readAllLines(file, StandardCharsets.UTF_8)) {
          if (!existing.startsWith(user + ":")) {
            lines.add(existing);
          }
        }
      }
      lines.add(line);
      Path dir = file.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Path temp = Files.createTempFile(dir, ".users", ".tmp", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.write(temp, lines, StandardCharsets.UTF_8);
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the users file " + file, e);
    }
  }

  /** Fails with a message naming the file unless it exists and holds at least one well-formed user. */
  public void validate() {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      int users = 0;
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i).strip();
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        if (parse(line) == null) {
          throw new IllegalArgumentException("users file " + file + " line " + (i + 1)
              + " is not user:" + SCHEME + ":iterations:salt:hash (add users with scripts/sql-user.sh)");
        }
        users++;
      }
      if (users == 0) {
        throw new IllegalArgumentException("users file " + file + " has no users (add one with scripts/sql-user.sh)");
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the users file " + file + ": " + e.getMessage(), e);
    }
  }

  private Optional<String[]> entry(String user) {
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        String[] fields = parse(line.strip());
        if (fields != null && fields[0].equals(user)) {
          return Optional.of(fields);
        }
      }
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the users file " + file, e);
    }
  }

  private static String[] parse(String line) {
    String[] fields = line.split(":", -1);
    if (fields.length != 5 || !fields[1].equals(SCHEME) || !fields[2].matches("[1-9][0-9]{0,8}")) {
      return null;
    }
    try {
      Base64.getDecoder().decode(fields[3]);
      Base64.getDecoder().decode(fields[4]);
      return fields;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static byte[] pbkdf2(char[] password, byte[] salt, int iterations) {
    PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, HASH_BITS);
    try {
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("PBKDF2WithHmacSHA256 is not available in this JVM", e);
    } finally {
      spec.clearPassword();
    }
  }

  /** scripts/sql-user.sh USERS_FILE USER. */
  public static void main(String[] args) {
    System.exit(run(args, System.console(), System.in, System.out, System.err));
  }

  static int run(String[] args, Console console, InputStream in, PrintStream out, PrintStream err) {
    return Cli.execute(new AddUserCommand(console, in, err), args, out, err);
  }

  @Command(name = "sql-user.sh", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
      description = {"Adds USER to USERS_FILE, or changes its password: asks for the password twice on the",
          "terminal (or reads the first line of stdin when there is no terminal) and stores a salted",
          "PBKDF2-HMAC-SHA256 hash of it, in a file readable by its owner only. Users added while the",
          "endpoint runs can log in at once. Start the endpoint with scripts/serve-sql.sh --users-file",
          "USERS_FILE. See docs/serving.md."},
      footer = "Exit status: 0 added, 1 the password could not be read, 2 bad usage, a bad user name or password.")
  private static final class AddUserCommand implements Callable<Integer> {

    private final Console console;
    private final InputStream in;
    private final PrintStream err;

    @Parameters(index = "0", paramLabel = "USERS_FILE", description = "the users file (created if missing)")
    private Path file;

    @Parameters(index = "1", paramLabel = "USER", description = "the user name: 1 to 128 letters, digits or . _ @ -")
    private String user;

    AddUserCommand(Console console, InputStream in, PrintStream err) {
      this.console = console;
      this.in = in;
      this.err = err;
    }

    @Override
    public Integer call() {
      return addUser(file, user, console, in, err);
    }
  }

  private static int addUser(Path file, String user, Console console, InputStream in, PrintStream err) {
    char[] password;
    if (console != null) {
      password = console.readPassword("Password for %s: ", user);
      char[] again = console.readPassword("Again: ");
      if (password == null || !Arrays.equals(password, again)) {
        err.println("sql-user.sh: the passwords differ");
        return 2;
      }
    } else {
      try {
        String line = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
        password = line == null ? new char[0] : line.toCharArray();
      } catch (IOException e) {
        err.println("sql-user.sh: cannot read the password: " + e.getMessage());
        return 1;
      }
    }
    try {
      new UsersFile(file).put(user, password);
    } catch (IllegalArgumentException e) {
      err.println("sql-user.sh: " + e.getMessage());
      return 2;
    } finally {
      Arrays.fill(password, '\0');
    }
    err.println("sql-user.sh: " + user + " can now log in to endpoints started with --users-file " + file);
    return 0;
  }
}
