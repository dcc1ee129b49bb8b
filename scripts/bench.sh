#!/usr/bin/env bash
# Benchmark: generates a sample of N accounts with a year of usage (default 100,000: on the order
# of 10 million touchpoints), runs the whole pipeline locally as a full refresh, and prints the
# input rows, wall time per step, rows per second and peak memory (the driver JVM's peak RSS).
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

accounts=100000
days=365
heap=12g
keep=false
out="${TMPDIR:-/tmp}/journey-bench"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --accounts) accounts="$2"; shift 2 ;;
    --days) days="$2"; shift 2 ;;
    --heap) heap="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --keep) keep=true; shift ;;
    --help|-h)
      cat <<USAGE
Usage: scripts/bench.sh [--accounts N] [--days N] [--heap SIZE] [--out DIR] [--keep]
Defaults: 100000 accounts, 365 days, 12g driver heap, data under \$TMPDIR/journey-bench
(reused if already generated with the same options; --keep leaves it afterwards).
USAGE
      exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
done

journey_ensure_built
cd "$JOURNEY_ROOT"
end_date=2026-11-20
exports="$out/exports-$accounts-$days"
warehouse="$out/warehouse"
if [[ ! -d "$exports" ]]; then
  echo "== generating $accounts accounts, $days days into $exports" >&2
  gen_start=$(date +%s)
  scripts/generate-sample-data.sh --out "$exports" --accounts "$accounts" --days "$days" --end-date "$end_date" >&2
  echo "generation: $(( $(date +%s) - gen_start )) s" >&2
fi
rm -rf "$warehouse"
log="$out/bench-run.log"
echo "== full refresh of $end_date with a $heap driver heap (log: $log)" >&2
start=$(date +%s)
JOURNEY_DRIVER_MEMORY="$heap" scripts/run-local.sh --mode full_refresh --run-date "$end_date" \
  --exports "$exports" --warehouse "$warehouse" 2> "$log" || { tail -20 "$log" >&2; die "the benchmark run failed"; }
elapsed=$(( $(date +%s) - start ))
peak_mb=$(grep -oE "peak memory [0-9]+ MiB" "$log" | tail -1 | grep -oE "[0-9]+")

counts=$(JOURNEY_WAREHOUSE="$warehouse" scripts/sql.sh \
  "SELECT aggregate(map_values(input_rows), 0L, (a, b) -> a + b) AS input_rows, output_rows['touchpoints'] AS touchpoints
   FROM pipeline_runs ORDER BY started_at DESC LIMIT 1" | tail -1)
input_rows=${counts%%,*}
touchpoints=${counts##*,}
echo
echo "accounts:            $accounts ($days days)"
echo "input rows:          $input_rows"
echo "touchpoints written: $touchpoints"
echo "wall time:           $elapsed s"
echo "rows per second:     $(( input_rows / (elapsed > 0 ? elapsed : 1) )) input, $(( touchpoints / (elapsed > 0 ? elapsed : 1) )) touchpoints"
echo "peak memory (RSS):   ${peak_mb:-unknown} MiB (JVM heap limit $heap)"
echo "steps:"
grep -E "step .* done in" "$log" | sed -E 's/.*step /  /'
[[ "$keep" == true ]] || rm -rf "$warehouse"
