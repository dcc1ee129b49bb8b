#!/usr/bin/env bash
# Serves the warehouse's tables and BI views over the HiveServer2 protocol (Spark Thrift Server)
# for Superset, JDBC clients and notebooks. Prints one line "ready jdbc:hive2://HOST:PORT/journey"
# on stdout once it accepts connections; logs go to stderr. Stop it with SIGTERM (or Ctrl-C).
# Read-only. With the local default metastore it serves the metastore to nightly runs (a Derby
# network server on loopback, started and stopped with it), so run-local.sh works meanwhile.
# Usage: --help (the Java entry point's own, like every error message).
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

journey_ensure_built
# journey_java execs the JVM, so SIGTERM reaches it and stops the endpoint cleanly (status 0).
JOURNEY_DRIVER_MEMORY="${JOURNEY_DRIVER_MEMORY:-4g}" journey_java com.journeyanalytics.jobs.serving.SqlServer "$@"
