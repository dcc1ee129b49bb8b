#!/usr/bin/env bash
# Runs the journey job locally: an embedded Spark (local[*]) and a Derby metastore kept beside
# the warehouse. Options and --help are the job's own; builds the project on first use.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

journey_ensure_built
journey_java com.journeyanalytics.jobs.JourneyJob "$@"
