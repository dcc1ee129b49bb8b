#!/usr/bin/env bash
# Runs one Spark SQL statement against the tables the local job wrote and prints CSV with a
# header on stdout (arrays, maps and structs as JSON). Logs go to stderr.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

if [[ $# -eq 0 || "${1:-}" == "--help" || "${1:-}" == "-h" ]]; then
  cat <<USAGE
Usage: scripts/sql.sh [--warehouse URI] [--conf FILE] [--spark-conf KEY=VALUE ...] "SELECT ..."
Runs one statement against the warehouse (default data/warehouse, env JOURNEY_WAREHOUSE);
the current database is journey, e.g.  scripts/sql.sh "SELECT * FROM kpis LIMIT 10"
USAGE
  [[ $# -eq 0 ]] && exit 2 || exit 0
fi

journey_ensure_built
JOURNEY_DRIVER_MEMORY="${JOURNEY_DRIVER_MEMORY:-2g}" journey_java com.journeyanalytics.jobs.SqlQuery "$@"
