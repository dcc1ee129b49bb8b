#!/usr/bin/env bash
# Writes the night's report of a run date (default: the last run) as one self-contained HTML page,
# by default <warehouse>/_reports/<run_date>.html, and prints where on stdout. Logs go to stderr.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

if [[ "${1:-}" == "--help" || "${1:-}" == "-h" ]]; then
  cat <<USAGE
Usage: scripts/report.sh [--warehouse URI] [--run-date YYYY-MM-DD] [--out FILE] [--conf FILE] [--spark-conf KEY=VALUE ...]
Writes the report of the run date's last run (default: the last run) to
<warehouse>/_reports/<run_date>.html (or --out): the run, its data quality, the KPIs of the
last 13 months, the stage Sankey, the funnels and attribution by model. Opens offline.
USAGE
  exit 0
fi

journey_ensure_built
JOURNEY_DRIVER_MEMORY="${JOURNEY_DRIVER_MEMORY:-2g}" journey_java com.journeyanalytics.jobs.report.ReportCommand "$@"
