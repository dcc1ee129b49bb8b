#!/usr/bin/env bash
# Submits the journey job to a cluster with spark-submit (YARN, Kubernetes or a standalone
# master). Builds the shaded jar on first use. Everything after "--" goes to the job itself.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

usage() {
  cat <<USAGE
Usage: scripts/submit.sh --master URL [submit options] [-- job options]
Submits jobs/target/journey-jobs-*-all.jar (built if missing) with spark-submit.
  --master URL             yarn | k8s://https://HOST:PORT | spark://HOST:PORT | local[N]
  --deploy-mode MODE       cluster (default) | client
  --driver-memory SIZE     e.g. 4g (default 4g)
  --executor-memory SIZE   e.g. 8g (default 8g)
  --num-executors N        executors to start (default 4; YARN and Kubernetes)
  --executor-cores N       cores per executor (default 2)
  --name NAME              application name (default customer-journey-analytics)
  --with-hadoop-aws        add --packages org.apache.hadoop:hadoop-aws:3.3.4 (s3a:// on images without it)
  --image IMAGE            Kubernetes container image (spark.kubernetes.container.image)
  --conf KEY=VALUE         any extra spark-submit --conf (repeatable)
  --spark-submit PATH      spark-submit to use (default: \$SPARK_HOME/bin/spark-submit, else on the PATH)
  --dry-run                print the spark-submit command line instead of running it
  --help                   this text
Job options after "--", e.g. -- --run-date 2026-11-20 --warehouse s3a://bucket/warehouse
Exit status (of the job): 0 success, 1 the run failed (retry), 2 bad usage or configuration
(do not retry), 3 another run holds the warehouse lock (do not retry). On a standalone master
in cluster mode, Spark's client knows only whether the driver finished: 0, or 1 for any failure.
USAGE
}

master=""
deploy_mode="cluster"
driver_memory="4g"
executor_memory="8g"
num_executors="4"
executor_cores="2"
name="customer-journey-analytics"
hadoop_aws=false
image=""
extra_conf=()
spark_submit=""
dry_run=false
job_args=()

need() { [[ $# -ge 2 && -n "$2" ]] || { echo "submit.sh: $1 needs a value" >&2; exit 2; }; }

while [[ $# -gt 0 ]]; do
  case "$1" in
    --help|-h) usage; exit 0 ;;
    --master) need "$@"; master="$2"; shift 2 ;;
    --deploy-mode) need "$@"; deploy_mode="$2"; shift 2 ;;
    --driver-memory) need "$@"; driver_memory="$2"; shift 2 ;;
    --executor-memory) need "$@"; executor_memory="$2"; shift 2 ;;
    --num-executors) need "$@"; num_executors="$2"; shift 2 ;;
    --executor-cores) need "$@"; executor_cores="$2"; shift 2 ;;
    --name) need "$@"; name="$2"; shift 2 ;;
    --with-hadoop-aws) hadoop_aws=true; shift ;;
    --image) need "$@"; image="$2"; shift 2 ;;
    --conf) need "$@"; extra_conf+=(--conf "$2"); shift 2 ;;
    --spark-submit) need "$@"; spark_submit="$2"; shift 2 ;;
    --dry-run) dry_run=true; shift ;;
    --) shift; job_args=("$@"); break ;;
    *) echo "submit.sh: unknown option '$1' (job options go after --)" >&2; exit 2 ;;
  esac
done

[[ -n "$master" ]] || { echo "submit.sh: --master is required (see --help)" >&2; exit 2; }
[[ "$deploy_mode" == "cluster" || "$deploy_mode" == "client" ]] \
  || { echo "submit.sh: --deploy-mode must be cluster or client" >&2; exit 2; }

jar="$(ls "$JOURNEY_ROOT"/jobs/target/journey-jobs-*-all.jar 2>/dev/null | head -n 1 || true)"
if [[ -z "$jar" ]]; then
  if $dry_run; then
    jar="$JOURNEY_ROOT/jobs/target/journey-jobs-<version>-all.jar"
  else
    journey_ensure_built
    jar="$(ls "$JOURNEY_ROOT"/jobs/target/journey-jobs-*-all.jar 2>/dev/null | head -n 1 || true)"
    [[ -n "$jar" ]] || die "the build did not produce jobs/target/journey-jobs-*-all.jar"
  fi
fi

if [[ -z "$spark_submit" ]]; then
  if [[ -n "${SPARK_HOME:-}" ]]; then spark_submit="$SPARK_HOME/bin/spark-submit"; else spark_submit="spark-submit"; fi
fi

cmd=("$spark_submit" --master "$master" --deploy-mode "$deploy_mode" --name "$name"
  --class com.journeyanalytics.jobs.JourneyJob
  --driver-memory "$driver_memory" --executor-memory "$executor_memory" --executor-cores "$executor_cores")
case "$master" in
  yarn) cmd+=(--num-executors "$num_executors") ;;
  k8s://*)
    cmd+=(--conf "spark.executor.instances=$num_executors")
    [[ -n "$image" ]] && cmd+=(--conf "spark.kubernetes.container.image=$image")
    ;;
  spark://*)
    # A standalone master has no executor count; cap the cores instead.
    cmd+=(--total-executor-cores "$((num_executors * executor_cores))") ;;
esac
$hadoop_aws && cmd+=(--packages org.apache.hadoop:hadoop-aws:3.3.4)
if [[ "$master" == spark://* && "$deploy_mode" == cluster ]]; then
  # Wait for the driver, so that the scheduler sees how the run ended (YARN waits by default).
  cmd+=(--conf spark.standalone.submit.waitAppCompletion=true)
  # A standalone worker starts the driver without the JVM options Spark needs on Java 17 (it adds
  # them to executors and to client-mode drivers only); a later --conf of the same key replaces them.
  cmd+=(--conf "spark.driver.extraJavaOptions=${JOURNEY_JAVA_OPTS[*]}")
fi
cmd+=("${extra_conf[@]}" "$jar" "${job_args[@]}")

if $dry_run; then
  printf '%q ' "${cmd[@]}" | sed 's/ $//'
  echo
  exit 0
fi
command -v "$spark_submit" >/dev/null || die "spark-submit not found (set SPARK_HOME or --spark-submit)"
if [[ "$master" != spark://* || "$deploy_mode" != cluster ]]; then
  exec "${cmd[@]}"
fi
# A standalone master in cluster mode: Spark's client (ClientEndpoint, Spark 3.5) waits for the
# driver with waitAppCompletion, but then exits 0 whether the driver FINISHED or FAILED. Its last
# state line, logged at INFO on stderr, becomes the exit status: FINISHED 0, anything else 1.
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
set +e
{ "${cmd[@]}" 2>&1 1>&3 | tee "$log" >&2; } 3>&1
status=${PIPESTATUS[0]}
set -e
(( status == 0 )) || exit "$status"
state="$(sed -n 's/.*State of driver \([^ ]*\) is \([A-Z]*\), exiting spark-submit JVM.*/\1 \2/p' "$log" | tail -n 1)"
case "$state" in
  *" FINISHED") exit 0 ;;
  "") die "spark-submit printed no final driver state (is org.apache.spark.deploy.ClientEndpoint logging at INFO?)" ;;
  *) die "driver ${state% *} ended ${state#* } (its stderr is in the worker's work directory)" ;;
esac
