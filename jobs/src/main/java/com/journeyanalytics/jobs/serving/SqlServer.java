package com.journeyanalytics.jobs.serving;

import com.journeyanalytics.common.config.InvalidConfigException;
import com.journeyanalytics.common.config.JobConfig;
import com.journeyanalytics.common.delta.TableStore;
import com.journeyanalytics.common.spark.SparkSessions;
import com.journeyanalytics.common.spark.SparkSessions.SessionSettings;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.hive.thriftserver.HiveThriftServer2;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * scripts/serve-sql.sh: a HiveServer2-protocol endpoint (the Spark Thrift Server) over the
 * warehouse and its metastore, for Superset, JDBC clients and notebooks. Prints one line
 * {@code ready jdbc:hive2://HOST:PORT/<database>} on stdout once it accepts connections, logs to
 * stderr, and stops on SIGTERM or SIGINT with exit status 0. Exit status 2: bad usage or
 * configuration (including an unauthenticated bind to a non-loopback address); 1: it could not
 * start.
 */
public final class SqlServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SqlServer.class);

  static final String USAGE = String.join("\n",
      "Usage: serve-sql.sh [options]",
      "  --warehouse URI             warehouse root (env JOURNEY_WAREHOUSE; config journey.warehouse)",
      "  --host HOST                 interface to listen on (default 127.0.0.1)",
      "  --port PORT                 port to listen on (default 10000)",
      "  --conf FILE                 HOCON file layered over the defaults (env JOURNEY_CONF)",
      "  --spark-conf KEY=VALUE      Spark or Hadoop setting for the session (repeatable), e.g.",
      "                              spark.hadoop.hive.server2.authentication=LDAP",
      "  --allow-unauthenticated-remote",
      "                              serve a non-loopback HOST without authentication (trusted networks only)",
      "  --help                      this text",
      "Prints 'ready jdbc:hive2://HOST:PORT/journey' when it accepts connections; stop it with SIGTERM.");

  static final String DEFAULT_HOST = "127.0.0.1";
  static final int DEFAULT_PORT = 10000;
  static final String AUTHENTICATION = "hive.server2.authentication";
  /** HiveServer2 modes that let anyone in: NONE takes any user name, NOSASL does not even ask. */
  private static final Set<String> UNAUTHENTICATED = Set.of("NONE", "NOSASL");
  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(120);

  private final HiveThriftServer2 server;
  private final String jdbcUrl;

  private SqlServer(HiveThriftServer2 server, String jdbcUrl) {
    this.server = server;
    this.jdbcUrl = jdbcUrl;
  }

  /** {@code jdbc:hive2://HOST:PORT/DATABASE}: what clients connect to. */
  public String jdbcUrl() {
    return jdbcUrl;
  }

  /** Stops the endpoint; the session stays open (it may be shared, e.g. in tests). */
  @Override
  public void close() {
    server.stop();
  }

  /** Thrown for bad usage or an unsafe bind; exit status 2. */
  static final class UsageException extends RuntimeException {
    UsageException(String message) {
      super(message);
    }
  }

  /** The command line, with environment fallbacks. */
  record Options(String warehouse, String host, int port, File confFile, Map<String, String> sparkConf,
      boolean allowUnauthenticatedRemote, boolean help) {

    static Options parse(String[] args, Map<String, String> env) {
      String warehouse = env.get("JOURNEY_WAREHOUSE");
      String conf = env.get("JOURNEY_CONF");
      String host = DEFAULT_HOST;
      int port = DEFAULT_PORT;
      Map<String, String> sparkConf = new LinkedHashMap<>();
      boolean allowRemote = false;
      boolean help = false;
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        switch (arg) {
          case "--help", "-h" -> help = true;
          case "--warehouse" -> warehouse = value(args, ++i, arg);
          case "--host" -> host = value(args, ++i, arg);
          case "--port" -> port = port(value(args, ++i, arg));
          case "--conf" -> conf = value(args, ++i, arg);
          case "--spark-conf" -> {
            String pair = value(args, ++i, arg);
            int eq = pair.indexOf('=');
            if (eq <= 0) {
              throw new UsageException("--spark-conf expects KEY=VALUE, got '" + pair + "'");
            }
            sparkConf.put(pair.substring(0, eq), pair.substring(eq + 1));
          }
          case "--allow-unauthenticated-remote" -> allowRemote = true;
          default -> throw new UsageException("unexpected argument '" + arg + "'");
        }
      }
      return new Options(warehouse, host, port, conf == null ? null : new File(conf), Map.copyOf(sparkConf), allowRemote, help);
    }

    private static String value(String[] args, int i, String option) {
      if (i >= args.length || args[i].isBlank()) {
        throw new UsageException(option + " needs a value");
      }
      return args[i];
    }

    private static int port(String text) {
      try {
        int port = Integer.parseInt(text);
        if (port >= 1 && port <= 65535) {
          return port;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new UsageException("--port must be a number from 1 to 65535, got '" + text + "'");
    }
  }

  public static void main(String[] args) {
    // Spark and Hive print a few lines to stdout; stdout is reserved for the ready line.
    PrintStream out = System.out;
    System.setOut(System.err);
    System.exit(run(args, System.getenv(), out, System.err));
  }

  static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    Options options;
    JobConfig config;
    try {
      options = Options.parse(args, env);
      if (options.help()) {
        out.println(USAGE);
        return 0;
      }
      Map<String, String> overrides = new HashMap<>();
      if (options.warehouse() != null) {
        overrides.put("journey.warehouse", options.warehouse());
      }
      config = JobConfig.load(options.confFile(), overrides);
    } catch (UsageException | InvalidConfigException e) {
      err.println("serve-sql.sh: " + e.getMessage());
      if (e instanceof UsageException) {
        err.println(USAGE);
      }
      return 2;
    }
    Map<String, String> sparkConf = new HashMap<>(config.sparkConf());
    // The Spark UI would listen on every interface; the endpoint is what we mean to expose.
    sparkConf.put("spark.ui.enabled", "false");
    sparkConf.putAll(options.sparkConf());
    SparkSession spark = SparkSessions.getOrCreate(new SessionSettings("journey-sql-endpoint",
        System.getProperty("spark.master") == null ? config.localMaster() : null, TableStore.qualifyLocal(config.warehouse()),
        config.metastoreUris(), config.derbyMetastorePath(), sparkConf));
    if (!spark.catalog().databaseExists(config.database())) {
      LOG.warn("database {} does not exist in warehouse {} yet: run the job first (clients naming it cannot connect)",
          config.database(), config.warehouse());
    }
    SqlServer server;
    try {
      server = start(spark, options.host(), options.port(), config.database(), options.allowUnauthenticatedRemote());
    } catch (UsageException e) {
      err.println("serve-sql.sh: " + e.getMessage());
      spark.stop();
      return 2;
    } catch (RuntimeException e) {
      LOG.error("the SQL endpoint did not start", e);
      spark.stop();
      return 1;
    }
    // Any other way out (SIGHUP, System.exit elsewhere) still stops both; stopping twice is harmless.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      spark.stop();
    }, "sql-endpoint-stop"));
    CountDownLatch stop = new CountDownLatch(1);
    // Handling SIGTERM and SIGINT ourselves (not only in the hook) lets a requested stop exit 0.
    Signal.handle(new Signal("TERM"), signal -> stop.countDown());
    Signal.handle(new Signal("INT"), signal -> stop.countDown());
    out.println("ready " + server.jdbcUrl());
    out.flush();
    try {
      stop.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    LOG.info("stopping the SQL endpoint");
    server.close();
    spark.stop();
    return 0;
  }

  /**
   * Starts the Thrift server over {@code spark}'s catalog on {@code host:port} and returns once it
   * accepts connections. Every client session opens in {@code database} when its URL names it.
   * A host other than loopback needs authentication (hive.server2.authentication other than
   * NONE/NOSASL in the session's Hadoop settings) unless {@code allowUnauthenticatedRemote}.
   */
  public static SqlServer start(SparkSession spark, String host, int port, String database, boolean allowUnauthenticatedRemote) {
    String authentication = spark.sessionState().newHadoopConf().get(AUTHENTICATION, "NONE").trim().toUpperCase(Locale.ROOT);
    if (!isLoopback(host) && UNAUTHENTICATED.contains(authentication) && !allowUnauthenticatedRemote) {
      throw new UsageException("refusing to serve " + host + " without authentication (" + AUTHENTICATION + " = "
          + authentication + "): configure LDAP, KERBEROS or CUSTOM authentication (see docs/serving.md),"
          + " or pass --allow-unauthenticated-remote on a trusted network");
    }
    ensurePortFree(host, port);
    // The server reads its HiveConf from the session's Hadoop settings, SQL settings included.
    spark.conf().set("hive.server2.thrift.bind.host", host);
    spark.conf().set("hive.server2.thrift.port", Integer.toString(port));
    spark.conf().set("hive.server2.transport.mode", "binary");
    LOG.info("starting the SQL endpoint on {}:{} (authentication {})", host, port, authentication);
    HiveThriftServer2 server = startInFreshThread(spark);
    try {
      awaitListening(host, port);
    } catch (RuntimeException e) {
      server.stop();
      throw e;
    }
    String url = "jdbc:hive2://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + "/" + database;
    LOG.info("SQL endpoint ready: {}", url);
    return new SqlServer(server, url);
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
