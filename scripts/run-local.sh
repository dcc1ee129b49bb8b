#!/usr/bin/env bash
# Runs the journey job locally: an embedded Spark (local[*]) and a Derby metastore kept beside
# the warehouse. Options are the job's own (see --help); builds the project on first use.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

if [[ "${1:-}" == "--help" || "${1:-}" == "-h" ]]; then
  cat <<USAGE
Usage: scripts/run-local.sh [--run-date YYYY-MM-DD] [--mode nightly|backfill|full_refresh|maintenance]
                            [--from YYYY-MM-DD --to YYYY-MM-DD] [--exports URI] [--warehouse URI]
                            [--conf FILE] [--spark-conf KEY=VALUE ...]
Runs the job with an embedded Spark. Defaults come from conf/reference.conf:
exports data/exports, warehouse data/warehouse (relative to the current directory).
Environment: JOURNEY_EXPORTS, JOURNEY_WAREHOUSE, JOURNEY_CONF, JOURNEY_DRIVER_MEMORY (default 6g).
Exit status: 0 success, 1 the run failed (pipeline_runs says why), 2 bad usage or configuration,
3 another run holds the lock (<warehouse>/_journey_run.lock).
USAGE
  exit 0
fi

journey_ensure_built
journey_java com.journeyanalytics.jobs.JourneyJob "$@"
