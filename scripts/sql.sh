#!/usr/bin/env bash
# Runs one Spark SQL statement against the tables the local job wrote and prints CSV with a
# header on stdout (arrays, maps and structs as JSON). Logs go to stderr.
# Usage: --help (the Java entry point's own, like every error message).
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

journey_ensure_built
JOURNEY_DRIVER_MEMORY="${JOURNEY_DRIVER_MEMORY:-2g}" journey_java com.journeyanalytics.jobs.SqlQuery "$@"
