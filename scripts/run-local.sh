#!/usr/bin/env bash
# Runs the journey job locally: an embedded Spark (local[*]) and a Derby metastore kept beside
# the warehouse. Options and --help are the job's own; builds the project on first use.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

journey_ensure_built
progress=()
# On a terminal, Spark's console progress bar shows the stage at work; a log file gets no \r lines.
[[ -t 2 ]] && progress=(--spark-conf spark.ui.showConsoleProgress=true)
journey_java com.journeyanalytics.jobs.JourneyJob "${progress[@]}" "$@"
