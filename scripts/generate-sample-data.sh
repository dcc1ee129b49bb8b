#!/usr/bin/env bash
# Writes sample exports (CRM, marketing, support, usage) in the input contract's layout.
# Usage: scripts/generate-sample-data.sh --out DIR [--accounts N] [--days N] [--end-date YYYY-MM-DD]
#                                        [--seed N] [--dirt-rate R]
# See docs/sample-data.md.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

usage() {
  cat <<'USAGE'
Usage: scripts/generate-sample-data.sh --out DIR [--accounts N] [--days N] [--end-date YYYY-MM-DD]
                                       [--seed N] [--dirt-rate R]

Writes sample CRM, marketing, support and usage exports in the input contract's layout:
  DIR/<source>/<dataset>/export_date=YYYY-MM-DD/part-NNNNN.<ext>

  --out DIR              output folder (created; part files of the days written are replaced)
  --accounts N           number of customer accounts (default 2000)
  --days N               number of export days ending at --end-date (default 30)
  --end-date YYYY-MM-DD  last export day (default 2026-11-20)
  --seed N               random seed; the same options give the same bytes (default 42)
  --dirt-rate R          share of rows made deliberately dirty, 0 to 1 (default 0.005; 0 disables)
  --help                 print this text
USAGE
}

for arg in "$@"; do
  if [[ "$arg" == "--help" || "$arg" == "-h" ]]; then
    usage
    exit 0
  fi
done
[[ $# -gt 0 ]] || die "--out is required (see --help)"

journey_ensure_built
# The generator prints its own one-line reason and exits 2 (bad usage) or 1 (failure).
journey_sample_java com.journeyanalytics.jobs.sample.SampleDataGenerator "$@"
