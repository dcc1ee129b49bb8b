package com.journeyanalytics.jobs.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SubmitScriptTest {

  /** The repository root (surefire runs in jobs/). */
  private static final Path ROOT = Paths.get("").toAbsolutePath().getParent();

  private record Run(int status, String out, String err) {}

  private static Run submit(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("bash", ROOT.resolve("scripts/submit.sh").toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile());
    builder.environment().remove("SPARK_HOME");
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Run(process.waitFor(), out, err);
  }

  @Test
  void helpDescribesTheOptionsAndTheExitStatusesForSchedulers() throws Exception {
    Run run = submit("--help");

    assertThat(run.status()).isZero();
    assertThat(run.out()).contains("--master URL", "--deploy-mode", "--driver-memory", "--executor-memory",
        "--num-executors", "--with-hadoop-aws", "--dry-run", "3 another run holds the warehouse lock");
  }

  @Test
  void aYarnSubmissionPassesResourcesPackagesAndTheJobOptionsAfterTheDoubleDash() throws Exception {
    Run run = submit("--master", "yarn", "--driver-memory", "2g", "--executor-memory", "6g", "--num-executors", "3",
        "--with-hadoop-aws", "--conf", "spark.sql.shuffle.partitions=64", "--dry-run",
        "--", "--run-date", "2026-11-20", "--warehouse", "s3a://bucket/warehouse");

    assertThat(run.status()).as(run.err()).isZero();
    String line = run.out().strip();
    assertThat(line).startsWith("spark-submit --master yarn --deploy-mode cluster ")
        .contains(" --class com.journeyanalytics.jobs.JourneyJob ")
        .contains(" --driver-memory 2g --executor-memory 6g ")
        .contains(" --num-executors 3 ")
        .contains(" --packages org.apache.hadoop:hadoop-aws:3.3.4 ")
        .contains(" --conf spark.sql.shuffle.partitions=64 ")
        .matches(".* \\S*jobs/target/journey-jobs-\\S*-all\\.jar --run-date 2026-11-20 --warehouse s3a://bucket/warehouse$");
  }

  @Test
  void kubernetesGetsExecutorInstancesAndTheImageAndStandaloneACoreCap() throws Exception {
    Run k8s = submit("--master", "k8s://https://api:6443", "--image", "repo/journey:1", "--num-executors", "5", "--dry-run");
    Run standalone = submit("--master", "spark://host:7077", "--num-executors", "3", "--executor-cores", "4",
        "--deploy-mode", "client", "--dry-run");

    assertThat(k8s.out()).contains(" --conf spark.executor.instances=5 ")
        .contains(" --conf spark.kubernetes.container.image=repo/journey:1 ").doesNotContain("--num-executors");
    // 3 executors x 4 cores.
    assertThat(standalone.out()).contains(" --deploy-mode client ").contains(" --total-executor-cores 12 ");
  }

  @Test
  void aMissingMasterOrAnUnknownOptionFailsWithAOneLineReason() throws Exception {
    Run noMaster = submit("--dry-run");
    Run unknown = submit("--master", "yarn", "--bogus");

    assertThat(noMaster.status()).isEqualTo(2);
    assertThat(noMaster.err().strip()).isEqualTo("submit.sh: --master is required (see --help)");
    assertThat(unknown.status()).isEqualTo(2);
    assertThat(unknown.err()).contains("unknown option '--bogus'");
  }
}
