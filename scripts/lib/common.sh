#!/usr/bin/env bash
# Shared by the scripts in scripts/: builds the project on first use (or when sources changed)
# and starts Java with the local classpath (the job, Spark, Delta, Hadoop) and the JVM flags
# Spark's own launcher adds on Java 17.
set -euo pipefail

JOURNEY_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# Each module's classpath of every scope (Spark and Delta, which a cluster provides, and hive-jdbc,
# with which sql.sh talks to a running endpoint), written by the build below.
JOURNEY_CLASSPATH_FILE="$JOURNEY_ROOT/jobs/target/local-classpath.txt"
JOURNEY_SAMPLE_CLASSPATH_FILE="$JOURNEY_ROOT/sample/target/local-classpath.txt"
JOURNEY_BUILD_STAMP="$JOURNEY_ROOT/jobs/target/.local-build-stamp"

JOURNEY_JAVA_OPTS=(
  -XX:+IgnoreUnrecognizedVMOptions
  --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/sun.nio.cs=ALL-UNNAMED
  --add-opens=java.base/sun.security.action=ALL-UNNAMED
  --add-opens=java.base/sun.util.calendar=ALL-UNNAMED
  -Djdk.reflect.useDirectMethodHandle=false
  -Duser.timezone=UTC
)

die() {
  echo "$(basename "$0"): $*" >&2
  exit 1
}

# Builds jobs/target (classes, shaded jar, classpath file) and sample/target (the sample-data
# generator) unless they are newer than every source.
journey_ensure_built() {
  command -v java >/dev/null || die "java (17) is not on the PATH"
  if [[ -f "$JOURNEY_BUILD_STAMP" && -f "$JOURNEY_CLASSPATH_FILE" && -f "$JOURNEY_SAMPLE_CLASSPATH_FILE" ]] \
      && [[ -z "$(find "$JOURNEY_ROOT/pom.xml" "$JOURNEY_ROOT/common" "$JOURNEY_ROOT/jobs/pom.xml" \
                  "$JOURNEY_ROOT/jobs/src" "$JOURNEY_ROOT/sample/pom.xml" "$JOURNEY_ROOT/sample/src" \
                  "$JOURNEY_ROOT/conf" -newer "$JOURNEY_BUILD_STAMP" -type f \
                  -not -path '*/target/*' -print -quit)" ]]; then
    return 0
  fi
  command -v mvn >/dev/null || die "mvn (Maven) is not on the PATH"
  echo "Building the project (first use or sources changed)..." >&2
  (cd "$JOURNEY_ROOT" && mvn -B -q -DskipTests package dependency:build-classpath \
      -Dmdep.outputFile=target/local-classpath.txt >&2) \
    || die "the Maven build failed"
  touch "$JOURNEY_BUILD_STAMP"
}

# journey_java MAIN_CLASS [args...]: runs a class of the job on the local classpath, replacing
# the shell (exec) so that signals such as SIGTERM reach the JVM; call it last.
journey_java() {
  journey_module_java jobs "$JOURNEY_CLASSPATH_FILE" "$@"
}

# journey_sample_java MAIN_CLASS [args...]: the same for the sample-data generator's module.
journey_sample_java() {
  journey_module_java sample "$JOURNEY_SAMPLE_CLASSPATH_FILE" "$@"
}

journey_module_java() {
  local module="$1" classpath_file="$2" main="$3"
  shift 3
  local cp="$JOURNEY_ROOT/$module/target/classes:$JOURNEY_ROOT/common/target/classes:$(cat "$classpath_file")"
  exec java "-Xmx${JOURNEY_DRIVER_MEMORY:-6g}" "${JOURNEY_JAVA_OPTS[@]}" \
    -Dlog4j2.configurationFile="$JOURNEY_ROOT/conf/log4j2-local.properties" \
    -cp "$cp" "$main" "$@"
}
