#!/usr/bin/env bash
# Quick start: generates a sample company's exports (once), runs the job on them with the
# embedded defaults (local Spark, local warehouse and Derby metastore under data/), and shows
# what it wrote.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

if [[ "${1:-}" == "--help" || "${1:-}" == "-h" ]]; then
  cat <<USAGE
Usage: scripts/demo.sh [--accounts N] [--days N]
Generates sample exports into data/exports (unless present), runs a full refresh for the day
before the last export day and a nightly run for the last day into data/warehouse, then prints
a few tables with scripts/sql.sh. Defaults: 2000 accounts, 30 export days ending 2026-11-20.
USAGE
  exit 0
fi

accounts=2000
days=30
while [[ $# -gt 0 ]]; do
  case "$1" in
    --accounts) accounts="$2"; shift 2 ;;
    --days) days="$2"; shift 2 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
done

end_date=2026-11-20
cd "$JOURNEY_ROOT"
journey_ensure_built
if [[ ! -d data/exports ]]; then
  echo "== Generating sample exports ($accounts accounts, $days days) into data/exports" >&2
  scripts/generate-sample-data.sh --out data/exports --accounts "$accounts" --days "$days" --end-date "$end_date"
fi
echo "== Full refresh up to 2026-11-19, then the nightly run of $end_date" >&2
scripts/run-local.sh --mode full_refresh --run-date 2026-11-19
scripts/run-local.sh --run-date "$end_date"

echo "== What the job wrote (scripts/sql.sh \"SELECT ...\" for more)" >&2
scripts/sql.sh "SELECT r.run_date, r.mode, r.status, r.input_rows['events'] AS events_read,
  r.output_rows['touchpoints'] AS touchpoints, t.source, t.touchpoints_by_source
  FROM (SELECT * FROM pipeline_runs ORDER BY started_at DESC LIMIT 1) r
  CROSS JOIN (SELECT source, count(*) AS touchpoints_by_source FROM touchpoints GROUP BY source) t
  ORDER BY t.source"
echo "== The company's main KPIs over the last three closed months (docs/kpis.md)" >&2
scripts/sql.sh "SELECT kpi,
  max(CASE WHEN period_start = add_months(trunc(DATE'$end_date', 'MM'), -3) THEN round(value, 1) END) AS three_months_ago,
  max(CASE WHEN period_start = add_months(trunc(DATE'$end_date', 'MM'), -2) THEN round(value, 1) END) AS two_months_ago,
  max(CASE WHEN period_start = add_months(trunc(DATE'$end_date', 'MM'), -1) THEN round(value, 1) END) AS last_month
  FROM kpis
  WHERE period_grain = 'month' AND dimension = 'all'
    AND kpi IN ('new_customers', 'reactivated_customers', 'churn_rate', 'revenue', 'trial_to_paid_rate', 'ctr',
                'email_open_rate', 'email_click_rate', 'nps', 'csat', 'first_response_median_hours')
  GROUP BY kpi ORDER BY kpi"
