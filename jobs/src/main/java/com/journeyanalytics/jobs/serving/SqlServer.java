package com.journeyanalytics.jobs.serving;

import com.journeyanalytics.common.cli.Cli;
import com.journeyanalytics.common.config.InvalidConfigException;
import com.journeyanalytics.common.config.JobConfig;
import com.journeyanalytics.common.delta.MovedWarehouse;
import com.journeyanalytics.common.delta.TableStore;
import com.journeyanalytics.common.spark.DerbyServer;
import com.journeyanalytics.common.spark.SparkSessions;
import com.journeyanalytics.common.spark.SparkSessions.SessionSettings;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.ToIntFunction;
import org.apache.hadoop.conf.Configuration;
import org.apache.hive.service.cli.CLIService;
import org.apache.hive.service.cli.HiveSQLException;
import org.apache.hive.service.cli.OperationHandle;
import org.apache.hive.service.cli.SessionHandle;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.hive.thriftserver.HiveThriftServer2;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;
import sun.misc.Signal;

/**
 * scripts/serve-sql.sh: a HiveServer2-protocol endpoint (the Spark Thrift Server) over the
 * warehouse and its metastore, for Superset, JDBC clients and notebooks; read-only
 * ({@link ReadOnlySql}). With the local default metastore it also serves that metastore to nightly
 * runs ({@link DerbyServer}). Prints one line {@code ready jdbc:hive2://HOST:PORT/<database>} on
 * stdout once it accepts connections and has answered a first query, logs to stderr, and stops on
 * SIGTERM or SIGINT with exit status 0. Exit status 2: bad usage or configuration (including a
 * bind to a non-loopback address without authentication or TLS); 1: it could not start.
 */
public final class SqlServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SqlServer.class);

  static final String DEFAULT_HOST = "127.0.0.1";
  static final int DEFAULT_PORT = 10000;
  static final String AUTHENTICATION = "hive.server2.authentication";
  static final String USE_SSL = "hive.server2.use.SSL";
  static final String CUSTOM_AUTHENTICATION_CLASS = "hive.server2.custom.authentication.class";
  static final String KEYSTORE_PASSWORD_ENV = "JOURNEY_KEYSTORE_PASSWORD";
  private static final Duration WARM_UP_BUDGET = Duration.ofSeconds(90);
  /**
   * Settings every client session starts with. Delta's metadata-only shortcut for min/max/count
   * breaks on the Java 8 date API the Thrift server turns on for its clients
   * (ClassCastException LocalDate -> java.sql.Date, delta-io/delta#4201): off. SQL on files is
   * refused by {@link ReadOnlySql} anyway; off as well, so the error comes early.
   */
  static final Map<String, String> CLIENT_SETTINGS = Map.of(
      "spark.databricks.delta.optimizeMetadataQuery.enabled", "false",
      "spark.sql.runSQLOnFiles", "false");
  /** HiveServer2 modes that let anyone in: NONE takes any user name, NOSASL does not even ask. */
  private static final Set<String> UNAUTHENTICATED = Set.of("NONE", "NOSASL");
  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(120);

  private final HiveThriftServer2 server;
  private final String jdbcUrl;
  private final boolean open;

  private SqlServer(HiveThriftServer2 server, String jdbcUrl, boolean open) {
    this.server = server;
    this.jdbcUrl = jdbcUrl;
    this.open = open;
  }

  /** {@code jdbc:hive2://HOST:PORT/DATABASE}: what clients connect to. */
  public String jdbcUrl() {
    return jdbcUrl;
  }

  /** Whether a client connects with the URL alone: no password (authentication NONE), no TLS. */
  boolean open() {
    return open;
  }

  /** Stops the endpoint; the session stays open (it may be shared, e.g. in tests). */
  @Override
  public void close() {
    server.stop();
    UsersFileAuthenticator.use(null);
    System.clearProperty(CUSTOM_AUTHENTICATION_CLASS);
  }

  /** Thrown for bad usage or an unsafe bind; exit status 2. */
  static final class UsageException extends RuntimeException {
    UsageException(String message) {
      super(message);
    }
  }

  /** What the command line asks for, environment fallbacks applied. */
  record Options(String warehouse, String host, int port, File confFile, Map<String, String> sparkConf,
      Security security) {}

  @Command(name = "serve-sql.sh", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
      sortOptions = false,
      description = {"Starts a read-only HiveServer2-protocol SQL endpoint (Spark Thrift Server) over the",
          "warehouse, by default on 127.0.0.1:10000 without authentication. Superset connects with",
          "hive://HOST:PORT/journey, JDBC clients with jdbc:hive2://HOST:PORT/journey. Prints",
          "'ready jdbc:hive2://HOST:PORT/journey' on stdout once it accepts connections; stop it with",
          "SIGTERM (or Ctrl-C). See docs/serving.md."},
      footer = {"A host other than loopback needs --users-file (or LDAP/Kerberos via --spark-conf) and --keystore,",
          "  unless --allow-unauthenticated-remote / --allow-plaintext-remote is given.",
          "Environment: JOURNEY_WAREHOUSE, JOURNEY_CONF (options win), JOURNEY_KEYSTORE_PASSWORD,",
          "  JOURNEY_DRIVER_MEMORY (default 4g).",
          "Exit status: 0 stopped by SIGTERM/SIGINT, 1 could not start, 2 bad usage or configuration."})
  private static final class ServeCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    private final Map<String, String> env;
    private final ToIntFunction<Options> server;

    @Option(names = "--warehouse", paramLabel = "URI",
        description = "warehouse root (env JOURNEY_WAREHOUSE; config journey.warehouse)")
    private String warehouse;

    @Option(names = "--host", paramLabel = "HOST", defaultValue = DEFAULT_HOST,
        description = "interface to listen on (default ${DEFAULT-VALUE})")
    private String host;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "" + DEFAULT_PORT, converter = PortConverter.class,
        description = "port to listen on (default ${DEFAULT-VALUE})")
    private int port;

    @Option(names = "--conf", paramLabel = "FILE", description = "HOCON file layered over the defaults (env JOURNEY_CONF)")
    private File conf;

    @Option(names = "--spark-conf", paramLabel = "KEY=VALUE",
        description = "Spark or Hadoop setting for the session (repeatable), e.g. "
            + "spark.hadoop.hive.server2.authentication=LDAP")
    private Map<String, String> sparkConf = new LinkedHashMap<>();

    @Option(names = "--users-file", paramLabel = "FILE",
        description = "require a user name and password, checked against FILE (add users with scripts/sql-user.sh)")
    private Path usersFile;

    @Option(names = "--keystore", paramLabel = "FILE",
        description = "serve TLS with this Java keystore (JKS or PKCS12); its password from "
            + KEYSTORE_PASSWORD_ENV + " or --keystore-password-file")
    private Path keystore;

    @Option(names = "--keystore-password-file", paramLabel = "FILE", description = "file whose first line is the keystore password")
    private Path keystorePasswordFile;

    @Option(names = "--allow-unauthenticated-remote",
        description = "serve a non-loopback HOST without authentication (trusted networks only)")
    private boolean allowUnauthenticatedRemote;

    @Option(names = "--allow-plaintext-remote", description = "serve a non-loopback HOST without TLS (trusted networks only)")
    private boolean allowPlaintextRemote;

    ServeCommand(Map<String, String> env, ToIntFunction<Options> server) {
      this.env = env;
      this.server = server;
    }

    @Override
    public Integer call() {
      return server.applyAsInt(options());
    }

    /** The checks picocli cannot make alone, and the environment fallbacks. */
    private Options options() {
      for (OptionSpec option : spec.commandLine().getParseResult().matchedOptions()) {
        if (option.arity().max() > 0 && option.originalStringValues().stream().anyMatch(String::isBlank)) {
          throw usage(option.longestName() + " needs a value");
        }
      }
      if (sparkConf.containsKey("")) {
        throw usage("--spark-conf expects KEY=VALUE, got an empty KEY");
      }
      String keystorePassword = null;
      if (keystore != null) {
        keystorePassword = keystorePasswordFile != null ? firstLine(keystorePasswordFile) : env.get(KEYSTORE_PASSWORD_ENV);
        if (keystorePassword == null || keystorePassword.isEmpty()) {
          throw usage("--keystore needs its password in " + KEYSTORE_PASSWORD_ENV + " or --keystore-password-file");
        }
      } else if (keystorePasswordFile != null) {
        throw usage("--keystore-password-file needs --keystore");
      }
      Security security = new Security(usersFile == null ? null : new UsersFile(usersFile), keystore, keystorePassword,
          allowUnauthenticatedRemote, allowPlaintextRemote);
      String conf = this.conf != null ? this.conf.getPath() : env.get("JOURNEY_CONF");
      return new Options(warehouse != null ? warehouse : env.get("JOURNEY_WAREHOUSE"), host, port,
          conf == null ? null : new File(conf), Map.copyOf(sparkConf), security);
    }

    private String firstLine(Path file) {
      try {
        return Files.readAllLines(file, StandardCharsets.UTF_8).stream().findFirst().orElse("");
      } catch (IOException e) {
        throw usage("cannot read --keystore-password-file " + file + ": " + e.getMessage());
      }
    }

    private ParameterException usage(String message) {
      return new ParameterException(spec.commandLine(), message);
    }
  }

  /** A TCP port, 1 to 65535. */
  static final class PortConverter implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
      try {
        int port = Integer.parseInt(value);
        if (port >= 1 && port <= 65535) {
          return port;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new TypeConversionException("must be a number from 1 to 65535, got '" + value + "'");
    }
  }

  public static void main(String[] args) {
    // Spark and Hive print a few lines to stdout; stdout is reserved for the ready line.
    PrintStream out = System.out;
    System.setOut(System.err);
    System.exit(run(args, System.getenv(), out, System.err));
  }

  static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    return execute(args, env, out, err, options -> serve(options, out, err));
  }

  /**
   * Parses {@code args} (environment fallbacks from {@code env}) and hands the options to {@code server},
   * whose result is the exit status; --help and usage errors never reach it (status 0 and 2).
   */
  static int execute(String[] args, Map<String, String> env, PrintStream out, PrintStream err,
      ToIntFunction<Options> server) {
    return Cli.execute(new ServeCommand(env, server), args, out, err);
  }

  private static int serve(Options options, PrintStream out, PrintStream err) {
    JobConfig config;
    try {
      Map<String, String> overrides = new HashMap<>();
      if (options.warehouse() != null) {
        overrides.put("journey.warehouse", options.warehouse());
      }
      config = JobConfig.load(options.confFile(), overrides);
    } catch (InvalidConfigException e) {
      err.println("serve-sql.sh: " + e.getMessage());
      return 2;
    }
    Map<String, String> sparkConf = new HashMap<>(config.sparkConf());
    // The Spark UI would listen on every interface; the endpoint is what we mean to expose.
    sparkConf.put("spark.ui.enabled", "false");
    sparkConf.putAll(options.sparkConf());
    DerbyServer metastoreServer = null;
    Path derby = null;
    if (config.metastoreUris() == null || config.metastoreUris().isBlank()) {
      // The local default metastore: serve it, so that nightly runs can use it while we do.
      derby = SparkSessions.localMetastore(TableStore.qualifyLocal(config.warehouse()), config.derbyMetastorePath());
      try {
        metastoreServer = DerbyServer.start(derby);
      } catch (IllegalStateException e) {
        LOG.error("the SQL endpoint did not start", e);
        return 1;
      }
      LOG.info("serving the metastore {} to nightly runs on 127.0.0.1:{}", derby, metastoreServer.connection().port());
    }
    DerbyServer derbyServer = metastoreServer;
    SparkSession spark = SparkSessions.getOrCreate(new SessionSettings("journey-sql-endpoint",
        System.getProperty("spark.master") == null ? config.localMaster() : null, TableStore.qualifyLocal(config.warehouse()),
        config.metastoreUris(), config.derbyMetastorePath(), sparkConf));
    try {
      if (!spark.catalog().databaseExists(config.database())) {
        LOG.warn("database {} does not exist in warehouse {} yet: run the job first (clients naming it cannot connect)",
            config.database(), config.warehouse());
      }
      // A copied or moved warehouse: its views would read the old folder's tables.
      MovedWarehouse.adoptForReading(spark, config);
    } catch (RuntimeException e) {
      // Typically a run that opened the embedded metastore itself and still holds it.
      LOG.error("the SQL endpoint did not start: the metastore cannot be opened (is a run in progress?)", e);
      stop(null, spark, derbyServer);
      return 1;
    }
    SqlServer server;
    try {
      server = start(spark, options.host(), options.port(), config.database(), options.security());
    } catch (UsageException e) {
      err.println("serve-sql.sh: " + e.getMessage());
      stop(null, spark, derbyServer);
      return 2;
    } catch (RuntimeException e) {
      LOG.error("the SQL endpoint did not start", e);
      stop(null, spark, derbyServer);
      return 1;
    }
    // scripts/sql.sh answers through this endpoint while it runs (EndpointAnnouncement).
    Path announced = derby != null && server.open() ? derby : null;
    // Any other way out (SIGHUP, System.exit elsewhere) still stops all; stopping twice is harmless.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      unannounce(announced);
      stop(server, spark, derbyServer);
    }, "sql-endpoint-stop"));
    CountDownLatch stop = new CountDownLatch(1);
    // Handling SIGTERM and SIGINT ourselves (not only in the hook) lets a requested stop exit 0.
    Signal.handle(new Signal("TERM"), signal -> stop.countDown());
    Signal.handle(new Signal("INT"), signal -> stop.countDown());
    if (announced != null) {
      try {
        EndpointAnnouncement.write(announced, server.jdbcUrl());
      } catch (UncheckedIOException e) {
        LOG.warn("scripts/sql.sh will not find this endpoint by itself (pass --endpoint): {}", e.getMessage());
      }
    }
    out.println("ready " + server.jdbcUrl());
    out.flush();
    try {
      stop.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    LOG.info("stopping the SQL endpoint");
    unannounce(announced);
    stop(server, spark, derbyServer);
    return 0;
  }

  private static void unannounce(Path metastore) {
    if (metastore != null) {
      EndpointAnnouncement.remove(metastore);
    }
  }

  private static void stop(SqlServer server, SparkSession spark, DerbyServer metastoreServer) {
    if (server != null) {
      server.close();
    }
    spark.stop();
    if (metastoreServer != null) {
      metastoreServer.close();
    }
  }

  /**
   * Who may connect and how: {@code users} (CUSTOM authentication against a users file) or none;
   * a keystore for TLS or none. The allow flags accept a non-loopback bind without them.
   */
  public record Security(UsersFile users, Path keystore, String keystorePassword, boolean allowUnauthenticatedRemote,
      boolean allowPlaintextRemote) {

    /** Loopback only: no users, no TLS. */
    public static Security none() {
      return new Security(null, null, null, false, false);
    }
  }

  /**
   * Starts the Thrift server over {@code spark}'s catalog on {@code host:port} and returns once it
   * accepts connections and has answered a first query. Every client session opens in
   * {@code database} when its URL names it, and is read-only ({@link ReadOnlySql}). A host other
   * than loopback needs authentication (a users file, or hive.server2.authentication other than
   * NONE/NOSASL in the session's Hadoop settings) and TLS, unless the security's allow flags say
   * otherwise.
   */
  public static SqlServer start(SparkSession spark, String host, int port, String database, Security security) {
    Configuration hadoop = spark.sessionState().newHadoopConf();
    String authentication = security.users() != null ? "CUSTOM"
        : hadoop.get(AUTHENTICATION, "NONE").trim().toUpperCase(Locale.ROOT);
    boolean tls = security.keystore() != null || hadoop.getBoolean(USE_SSL, false);
    if (!isLoopback(host)) {
      if (UNAUTHENTICATED.contains(authentication) && !security.allowUnauthenticatedRemote()) {
        throw new UsageException("refusing to serve " + host + " without authentication (" + AUTHENTICATION + " = "
            + authentication + "): pass --users-file (or configure LDAP or KERBEROS, see docs/serving.md),"
            + " or --allow-unauthenticated-remote on a trusted network");
      }
      if (!tls && !security.allowPlaintextRemote()) {
        throw new UsageException("refusing to serve " + host + " without TLS: pass --keystore (see docs/serving.md),"
            + " or --allow-plaintext-remote on a trusted network");
      }
    }
    if (security.users() != null) {
      try {
        security.users().validate();
      } catch (IllegalArgumentException e) {
        throw new UsageException(e.getMessage());
      }
    }
    if (security.keystore() != null && !Files.isReadable(security.keystore())) {
      throw new UsageException("cannot read the keystore " + security.keystore());
    }
    ensurePortFree(host, port);
    SparkSession root = readOnlyRoot(spark);
    // The server reads its HiveConf from the root session's Hadoop settings, SQL settings included;
    // set on the root only, they do not reach the client sessions (so SET cannot show the keystore password).
    root.conf().set("hive.server2.thrift.bind.host", host);
    root.conf().set("hive.server2.thrift.port", Integer.toString(port));
    root.conf().set("hive.server2.transport.mode", "binary");
    if (security.users() != null) {
      root.conf().set(AUTHENTICATION, "CUSTOM");
      UsersFileAuthenticator.use(security.users());
      // HiveServer2 reads the provider class from a fresh HiveConf, which takes system properties.
      System.setProperty(CUSTOM_AUTHENTICATION_CLASS, UsersFileAuthenticator.class.getName());
    }
    if (security.keystore() != null) {
      root.conf().set(USE_SSL, "true");
      root.conf().set("hive.server2.keystore.path", security.keystore().toAbsolutePath().toString());
      root.conf().set("hive.server2.keystore.password", security.keystorePassword());
    }
    LOG.info("starting the read-only SQL endpoint on {}:{} (authentication {}, TLS {})", host, port, authentication,
        tls ? "on" : "off");
    HiveThriftServer2 server = startInFreshThread(root);
    root.conf().unset("hive.server2.keystore.password");
    try {
      awaitListening(host, port);
      warmUp(server, root, database);
    } catch (RuntimeException e) {
      server.stop();
      throw e;
    }
    String url = "jdbc:hive2://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + "/" + database;
    LOG.info("SQL endpoint ready: {}", url);
    return new SqlServer(server, url, authentication.equals("NONE") && !tls);
  }

  /**
   * The session the Thrift server opens its client sessions from ({@code newSession()} of it): it
   * shares {@code spark}'s SparkContext and catalog, carries the extensions {@code spark} was
   * configured with (Delta's) plus the read-only check, and starts every client with
   * {@link #CLIENT_SETTINGS}. A session of its own, so that a shared session (e.g. in tests) stays writable.
   */
  static SparkSession readOnlyRoot(SparkSession spark) {
    SparkSessionExtensions extensions = new SparkSessionExtensions();
    // First, so that its resolution rule sees Delta tables before Delta's own rules rewrite them.
    ReadOnlySql.install(extensions);
    for (String name : spark.sparkContext().getConf().get("spark.sql.extensions", "").split(",")) {
      if (!name.isBlank()) {
        applyExtension(name.trim(), extensions);
      }
    }
    scala.collection.immutable.Map<String, String> options = scala.collection.immutable.Map$.MODULE$.empty();
    for (Map.Entry<String, String> setting : CLIENT_SETTINGS.entrySet()) {
      options = options.updated(setting.getKey(), setting.getValue());
    }
    return new SparkSession(spark.sparkContext(), scala.Option.apply(spark.sharedState()), scala.Option.empty(), extensions, options);
  }

  @SuppressWarnings("unchecked")
  private static void applyExtension(String className, SparkSessionExtensions extensions) {
    try {
      Object extension = Class.forName(className, true, Thread.currentThread().getContextClassLoader())
          .getDeclaredConstructor().newInstance();
      ((scala.Function1<SparkSessionExtensions, ?>) extension).apply(extensions);
    } catch (ReflectiveOperationException | ClassCastException e) {
      throw new IllegalStateException("cannot load the Spark session extension " + className, e);
    }
  }

  /**
   * Runs what a BI tool's first queries run, the way the server runs a client's (a session of the
   * server's own, the listing, one row of every relation of the database, the Delta logs they
   * read), so that the first real query after {@code ready} answers within seconds instead of
   * paying for class loading, code generation and log replay. Stops after {@link #WARM_UP_BUDGET};
   * a failure is logged, not fatal (clients get the same error when they read that relation).
   */
  private static void warmUp(HiveThriftServer2 server, SparkSession root, String database) {
    long started = System.nanoTime();
    int relations = 0;
    try {
      if (!root.catalog().databaseExists(database)) {
        return;
      }
      CLIService cli = server.getServices().stream().filter(CLIService.class::isInstance).map(CLIService.class::cast)
          .findFirst().orElseThrow(() -> new IllegalStateException("the Thrift server has no CLI service"));
      SessionHandle session = cli.openSession("sql-endpoint-warm-up", "", Map.of("use:database", database));
      try {
        List<String> statements = new ArrayList<>(List.of("SHOW TABLES"));
        for (Row row : root.sql("SHOW TABLES IN " + quote(database)).collectAsList()) {
          statements.add("SELECT * FROM " + quote(row.getString(row.fieldIndex("tableName"))) + " LIMIT 1");
        }
        for (String statement : statements) {
          if (System.nanoTime() - started > WARM_UP_BUDGET.toNanos()) {
            LOG.info("warm-up stopped after {} s", WARM_UP_BUDGET.toSeconds());
            break;
          }
          try {
            OperationHandle operation = cli.executeStatement(session, statement, Map.of());
            cli.fetchResults(operation);
            cli.closeOperation(operation);
            relations++;
          } catch (HiveSQLException e) {
            LOG.warn("warm-up: {} failed: {}", statement, e.getMessage());
          }
        }
      } finally {
        cli.closeSession(session);
      }
    } catch (HiveSQLException | RuntimeException e) {
      LOG.warn("warm-up failed: {}", e.getMessage());
    }
    LOG.info("warm-up ran {} statements in {} ms", relations, (System.nanoTime() - started) / 1_000_000);
  }

  private static String quote(String identifier) {
    return "`" + identifier.replace("`", "``") + "`";
  }

  /**
   * Hive keeps a session state per thread, and the server reuses the calling thread's state (with
   * the settings it was created with) when there is one, e.g. after any metastore access: so start
   * it from a new thread, where it builds its state from the session's current settings.
   */
  private static HiveThriftServer2 startInFreshThread(SparkSession spark) {
    try {
      return CompletableFuture.supplyAsync(() -> HiveThriftServer2.startWithContext(spark.sqlContext()),
          task -> new Thread(task, "sql-endpoint-start").start()).join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException cause ? cause : e;
    }
  }

  static boolean isLoopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      throw new UsageException("unknown host '" + host + "'");
    }
  }

  /**
   * The server binds in a thread of its own and only logs a failure, and a connect to a port some
   * other process holds would look like success: so check first that the port is ours to take.
   */
  private static void ensurePortFree(String host, int port) {
    try (ServerSocket probe = new ServerSocket()) {
      probe.setReuseAddress(true);
      probe.bind(new InetSocketAddress(host, port));
    } catch (IOException e) {
      throw new IllegalStateException("cannot listen on " + host + ":" + port + " (" + e.getMessage() + "): is another endpoint running?", e);
    }
  }

  /** The server binds in a thread of its own; a successful connect means it accepts clients. */
  private static void awaitListening(String host, int port) {
    String target = isWildcard(host) ? "127.0.0.1" : host;
    long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
    while (true) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(target, port), 1000);
        return;
      } catch (IOException e) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the SQL endpoint did not accept connections on " + host + ":" + port
              + " within " + STARTUP_TIMEOUT.toSeconds() + " s", e);
        }
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for the SQL endpoint", e);
      }
    }
  }

  private static boolean isWildcard(String host) {
    return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
  }
}
