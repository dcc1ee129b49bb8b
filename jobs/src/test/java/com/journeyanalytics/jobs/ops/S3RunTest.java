package com.journeyanalytics.jobs.ops;

import com.journeyanalytics.common.Hashing;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.auth.AWSStaticCredentialsProvider;
import com.amazonaws.auth.BasicAWSCredentials;
import com.amazonaws.client.builder.AwsClientBuilder.EndpointConfiguration;
import com.amazonaws.services.s3.AmazonS3;
import com.amazonaws.services.s3.AmazonS3ClientBuilder;
import com.journeyanalytics.common.testing.SparkTestSession;
import com.journeyanalytics.jobs.fixtures.ExportFixture;
import com.journeyanalytics.jobs.fixtures.MiniWorld;
import java.io.File;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job end to end on s3a:// against S3Proxy, an S3-compatible server on loopback. S3Proxy runs
 * in its own JVM from jobs/target/s3proxy/s3proxy.jar (copied by the build; see jobs/pom.xml).
 */
class S3RunTest {

  private static final String BUCKET = "journey-test";
  private static final String ACCESS_KEY = "test-access";
  private static final String SECRET_KEY = "test-secret";

  private final SparkSession spark = SparkTestSession.get();
  private Process s3proxy;

  @AfterEach
  void stopS3Proxy() throws Exception {
    if (s3proxy != null) {
      s3proxy.destroyForcibly().waitFor();
    }
  }

  @Test
  void theJobReadsExportsFromAndWritesTablesToAnS3aBucket(@TempDir Path exportsDir, @TempDir Path work) throws Exception {
    int port = freePort();
    startS3Proxy(port, work);
    String endpoint = "http://127.0.0.1:" + port;
    MiniWorld.writeDay1(new ExportFixture(exportsDir), spark);
    upload(endpoint, exportsDir);
    String database = SparkTestSession.uniqueDatabase("s3");
    Path conf = JobRuns.conf(work, database, "journey.metastore.derby-path = \"" + work.resolve("metastore") + "\"");

    JobRuns.Result result = JobRuns.run("s3a://" + BUCKET + "/exports", "s3a://" + BUCKET + "/warehouse", conf,
        "--run-date", MiniWorld.DAY1,
        "--spark-conf", "spark.hadoop.fs.s3a.endpoint=" + endpoint,
        "--spark-conf", "spark.hadoop.fs.s3a.path.style.access=true",
        "--spark-conf", "spark.hadoop.fs.s3a.connection.ssl.enabled=false",
        "--spark-conf", "spark.hadoop.fs.s3a.attempts.maximum=2",
        "--spark-conf", "spark.hadoop.fs.s3a.retry.limit=2",
        "--spark-conf", "spark.hadoop.fs.s3a.aws.credentials.provider=org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider",
        // Test-only keys of the throw-away server; real credentials come from the environment.
        "--spark-conf", "spark.hadoop.fs.s3a.access.key=" + ACCESS_KEY,
        "--spark-conf", "spark.hadoop.fs.s3a.secret.key=" + SECRET_KEY);

    assertThat(result.status()).as(result.err()).isZero();
    String touchpoints = "s3a://" + BUCKET + "/warehouse/" + database + ".db/touchpoints";
    List<String> keys = spark.read().format("delta").load(touchpoints).select("customer_key").distinct()
        .collectAsList().stream().map(r -> r.getString(0)).sorted().toList();
    assertThat(keys).containsExactly("a1", "a2", "anon:v1", "email:" + Hashing.sha256Hex("carol@prospect.com"));
    assertThat(client(endpoint).doesObjectExist(BUCKET, "warehouse/" + database + ".db/touchpoints/_delta_log/00000000000000000000.json"))
        .isTrue();
  }

  private void startS3Proxy(int port, Path work) throws Exception {
    Path properties = work.resolve("s3proxy.properties");
    Files.writeString(properties, String.join("\n",
        "s3proxy.endpoint=http://127.0.0.1:" + port,
        "s3proxy.authorization=aws-v2-or-v4",
        "s3proxy.identity=" + ACCESS_KEY,
        "s3proxy.credential=" + SECRET_KEY,
        "jclouds.provider=transient",
        "jclouds.identity=unused",
        "jclouds.credential=unused", ""));
    Path jar = Paths.get("target", "s3proxy", "s3proxy.jar").toAbsolutePath();
    assertThat(jar).as("copied by the build (mvn test)").exists();
    s3proxy = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
        "-jar", jar.toString(), "--properties", properties.toString())
        .redirectErrorStream(true).redirectOutput(work.resolve("s3proxy.log").toFile()).start();
    long deadline = System.currentTimeMillis() + 120_000;
    while (true) {
      try (Socket ignored = new Socket("127.0.0.1", port)) {
        return;
      } catch (java.io.IOException notYet) {
        assertThat(s3proxy.isAlive()).as("s3proxy running (see s3proxy.log)").isTrue();
        assertThat(System.currentTimeMillis()).as("s3proxy started within 2 minutes").isLessThan(deadline);
        Thread.sleep(200);
      }
    }
  }

  private static AmazonS3 client(String endpoint) {
    return AmazonS3ClientBuilder.standard()
        .withEndpointConfiguration(new EndpointConfiguration(endpoint, "us-east-1"))
        .withPathStyleAccessEnabled(true)
        .withCredentials(new AWSStaticCredentialsProvider(new BasicAWSCredentials(ACCESS_KEY, SECRET_KEY)))
        .build();
  }

  /** Creates the bucket and copies every export file to s3a://bucket/exports/... */
  private static void upload(String endpoint, Path exportsDir) throws Exception {
    AmazonS3 s3 = client(endpoint);
    s3.createBucket(BUCKET);
    try (Stream<Path> files = Files.walk(exportsDir)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        String key = "exports/" + exportsDir.relativize(file).toString().replace(File.separatorChar, '/');
        s3.putObject(BUCKET, key, file.toFile());
      }
    }
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
