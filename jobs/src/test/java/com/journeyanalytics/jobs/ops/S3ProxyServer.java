package com.journeyanalytics.jobs.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.auth.AWSStaticCredentialsProvider;
import com.amazonaws.auth.BasicAWSCredentials;
import com.amazonaws.client.builder.AwsClientBuilder.EndpointConfiguration;
import com.amazonaws.services.s3.AmazonS3;
import com.amazonaws.services.s3.AmazonS3ClientBuilder;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * S3Proxy, an S3-compatible server on loopback with an in-memory store, in its own JVM from
 * jobs/target/s3proxy/s3proxy.jar (copied by the build; see jobs/pom.xml).
 */
final class S3ProxyServer implements AutoCloseable {

  static final String BUCKET = "journey-test";
  private static final String ACCESS_KEY = "test-access";
  private static final String SECRET_KEY = "test-secret";

  private final Process process;
  private final String endpoint;

  private S3ProxyServer(Process process, String endpoint) {
    this.process = process;
    this.endpoint = endpoint;
  }

  /** Starts the server (log and properties in {@code work}) and creates {@link #BUCKET}. */
  static S3ProxyServer start(Path work) throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    String endpoint = "http://127.0.0.1:" + port;
    Path properties = work.resolve("s3proxy.properties");
    Files.writeString(properties, String.join("\n",
        "s3proxy.endpoint=" + endpoint,
        "s3proxy.authorization=aws-v2-or-v4",
        "s3proxy.identity=" + ACCESS_KEY,
        "s3proxy.credential=" + SECRET_KEY,
        "jclouds.provider=transient",
        "jclouds.identity=unused",
        "jclouds.credential=unused", ""));
    Path jar = Paths.get("target", "s3proxy", "s3proxy.jar").toAbsolutePath();
    assertThat(jar).as("copied by the build (mvn test)").exists();
    Process process = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-jar", jar.toString(), "--properties", properties.toString())
        .redirectErrorStream(true).redirectOutput(work.resolve("s3proxy.log").toFile()).start();
    S3ProxyServer server = new S3ProxyServer(process, endpoint);
    long deadline = System.currentTimeMillis() + 120_000;
    while (true) {
      try (Socket ignored = new Socket("127.0.0.1", port)) {
        break;
      } catch (java.io.IOException notYet) {
        if (!process.isAlive() || System.currentTimeMillis() > deadline) {
          server.close();
          throw new IllegalStateException("s3proxy did not start within 2 minutes (see " + work.resolve("s3proxy.log") + ")");
        }
        Thread.sleep(200);
      }
    }
    server.client().createBucket(BUCKET);
    return server;
  }

  String endpoint() {
    return endpoint;
  }

  AmazonS3 client() {
    return AmazonS3ClientBuilder.standard()
        .withEndpointConfiguration(new EndpointConfiguration(endpoint, "us-east-1"))
        .withPathStyleAccessEnabled(true)
        .withCredentials(new AWSStaticCredentialsProvider(new BasicAWSCredentials(ACCESS_KEY, SECRET_KEY)))
        .build();
  }

  /** The Hadoop settings (without the spark.hadoop. prefix) that point s3a:// at this server. */
  Map<String, String> hadoopSettings() {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("fs.s3a.endpoint", endpoint);
    settings.put("fs.s3a.path.style.access", "true");
    settings.put("fs.s3a.connection.ssl.enabled", "false");
    settings.put("fs.s3a.attempts.maximum", "2");
    settings.put("fs.s3a.retry.limit", "2");
    settings.put("fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
    // Test-only keys of the throw-away server; real credentials come from the environment.
    settings.put("fs.s3a.access.key", ACCESS_KEY);
    settings.put("fs.s3a.secret.key", SECRET_KEY);
    return settings;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }
}
