package com.journeyanalytics.jobs.ops;

import static com.journeyanalytics.jobs.ops.S3ProxyServer.BUCKET;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.s3.AmazonS3;
import com.journeyanalytics.common.Hashing;
import com.journeyanalytics.common.testing.SparkTestSession;
import com.journeyanalytics.jobs.fixtures.ExportFixture;
import com.journeyanalytics.jobs.fixtures.MiniWorld;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The job end to end on s3a:// against S3Proxy, an S3-compatible server on loopback. */
class S3RunTest {

  private final SparkSession spark = SparkTestSession.get();
  private S3ProxyServer s3proxy;

  @AfterEach
  void stopS3Proxy() throws Exception {
    if (s3proxy != null) {
      s3proxy.close();
    }
  }

  @Test
  void theJobReadsExportsFromAndWritesTablesToAnS3aBucket(@TempDir Path exportsDir, @TempDir Path work) throws Exception {
    s3proxy = S3ProxyServer.start(work);
    MiniWorld.writeDay1(new ExportFixture(exportsDir), spark);
    upload(s3proxy.client(), exportsDir);
    String database = SparkTestSession.uniqueDatabase("s3");
    Path conf = JobRuns.conf(work, database, "journey.metastore.derby-path = \"" + work.resolve("metastore") + "\"");
    List<String> args = new ArrayList<>(List.of("--exports", "s3a://" + BUCKET + "/exports",
        "--warehouse", "s3a://" + BUCKET + "/warehouse", "--conf", conf.toString(), "--run-date", MiniWorld.DAY1));
    s3proxy.hadoopSettings().forEach((key, value) -> args.addAll(List.of("--spark-conf", "spark.hadoop." + key + "=" + value)));

    JobRuns.Result result = JobRuns.run(args.toArray(new String[0]));

    assertThat(result.status()).as(result.err()).isZero();
    String touchpoints = "s3a://" + BUCKET + "/warehouse/" + database + "_store.db/touchpoints";
    List<String> keys = spark.read().format("delta").load(touchpoints).select("customer_key").distinct()
        .collectAsList().stream().map(r -> r.getString(0)).sorted().toList();
    assertThat(keys).containsExactly("a1", "a2", "anon:v1", "email:" + Hashing.sha256Hex("carol@prospect.com"));
    assertThat(s3proxy.client().doesObjectExist(BUCKET, "warehouse/" + database + "_store.db/touchpoints/_delta_log/00000000000000000000.json"))
        .isTrue();
  }

  /** Copies every export file to s3a://bucket/exports/... */
  private static void upload(AmazonS3 s3, Path exportsDir) throws Exception {
    try (Stream<Path> files = Files.walk(exportsDir)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        String key = "exports/" + exportsDir.relativize(file).toString().replace(File.separatorChar, '/');
        s3.putObject(BUCKET, key, file.toFile());
      }
    }
  }
}
