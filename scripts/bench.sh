#!/usr/bin/env bash
# Benchmark: generates a sample of N accounts with a year of usage (default 100,000: on the order
# of 14 million input rows), then, as a scheduler would, runs the full refresh of the day before
# the last export day and the nightly run of the last day. Prints each run's wall time, steps and
# peak memory (the driver JVM's peak RSS), the nightly run's share of the full refresh, the DuckDB
# reference's time on the same exports and the ratio (when ../shared/bench/duckdb-reference is
# there), and with --scaling the full refresh of a tenth of the accounts and the time ratio.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

accounts=100000
days=365
heap=12g
keep=false
scaling=false
out="${TMPDIR:-/tmp}/journey-bench"
duckdb="$JOURNEY_ROOT/../shared/bench/duckdb-reference"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --accounts) accounts="$2"; shift 2 ;;
    --days) days="$2"; shift 2 ;;
    --heap) heap="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --keep) keep=true; shift ;;
    --scaling) scaling=true; shift ;;
    --duckdb) duckdb="$2"; shift 2 ;;
    --no-duckdb) duckdb=""; shift ;;
    --help|-h)
      cat <<USAGE
Usage: scripts/bench.sh [--accounts N] [--days N] [--heap SIZE] [--out DIR] [--keep]
                        [--scaling] [--duckdb DIR | --no-duckdb]
Defaults: 100000 accounts, 365 days ending 2026-11-20, 12g driver heap, data under
\$TMPDIR/journey-bench (exports reused if already generated with the same options; --keep leaves
the warehouse afterwards). --scaling also runs the full refresh on a tenth of the accounts.
--duckdb: the DuckDB reference (default ../shared/bench/duckdb-reference beside the project).
USAGE
      exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
done
[[ "$accounts" =~ ^[0-9]+$ && "$accounts" -ge 10 ]] || die "--accounts must be a number of at least 10"

journey_ensure_built
cd "$JOURNEY_ROOT"
mkdir -p "$out"
last_day=2026-11-20
day_before=2026-11-19

# generate N: the exports of N accounts (once per size).
generate() {
  local n="$1" dir="$out/exports-$1-$days"
  if [[ ! -d "$dir" ]]; then
    echo "== generating $n accounts, $days days into $dir" >&2
    local gen_start
    gen_start=$(date +%s)
    rm -rf "$dir.tmp"
    scripts/generate-sample-data.sh --out "$dir.tmp" --accounts "$n" --days "$days" --end-date "$last_day" >&2
    mv "$dir.tmp" "$dir"
    echo "generation: $(( $(date +%s) - gen_start )) s" >&2
  fi
  echo "$dir"
}

# timed_run NAME EXPORTS WAREHOUSE job-options...: runs the job, sets SECONDS_<NAME>, PEAK_<NAME>
# (MiB) and STEPS_<NAME> (one "name seconds" line per step).
timed_run() {
  local name="$1" exports="$2" warehouse="$3"
  shift 3
  local log="$out/bench-$name.log" start elapsed
  echo "== $name: $* (log: $log)" >&2
  start=$(date +%s)
  JOURNEY_DRIVER_MEMORY="$heap" scripts/run-local.sh --exports "$exports" --warehouse "$warehouse" "$@" 2> "$log" \
    || { tail -20 "$log" >&2; die "the $name run failed"; }
  elapsed=$(( $(date +%s) - start ))
  printf -v "SECONDS_$name" '%s' "$elapsed"
  printf -v "PEAK_$name" '%s' "$(grep -oE "peak memory [0-9]+ MiB" "$log" | tail -1 | grep -oE "[0-9]+" || echo unknown)"
  printf -v "STEPS_$name" '%s' "$(grep -E "step .* done in" "$log" | sed -E 's/.*step ([a-z_]+) done in ([0-9.]+) ?s.*/\1 \2/')"
}

step_seconds() { # step_seconds STEPS STEP -> the step's seconds (0 if absent)
  awk -v s="$2" '$1 == s { print $2; found = 1 } END { if (!found) print 0 }' <<< "$1"
}

ratio() { # ratio A B -> A / B with two decimals
  awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'
}

exports=$(generate "$accounts")
warehouse="$out/warehouse"
rm -rf "$warehouse"
timed_run full_refresh "$exports" "$warehouse" --mode full_refresh --run-date "$day_before"
timed_run nightly "$exports" "$warehouse" --run-date "$last_day"

counts=$(JOURNEY_WAREHOUSE="$warehouse" scripts/sql.sh \
  "SELECT aggregate(map_values(input_rows), 0L, (a, b) -> a + b) AS input_rows, output_rows['touchpoints'] AS touchpoints
   FROM pipeline_runs WHERE mode = 'full_refresh'" | tail -1)
input_rows=${counts%%,*}
touchpoints=${counts##*,}
[[ "$keep" == true ]] || rm -rf "$warehouse"

duck_seconds=""
if [[ -n "$duckdb" && -x "$duckdb/run.sh" ]]; then
  echo "== DuckDB reference ($duckdb) on the same exports, run date $day_before" >&2
  duck_seconds=$("$duckdb/run.sh" "$exports" "$day_before" | grep -oE "^duckdb_seconds [0-9.]+" | awk '{ print $2 }') \
    || { echo "bench.sh: the DuckDB reference failed (see above); no ratio" >&2; duck_seconds=""; }
fi

if [[ "$scaling" == true ]]; then
  small=$(( accounts / 10 ))
  small_exports=$(generate "$small")
  rm -rf "$out/warehouse-small"
  timed_run full_refresh_small "$small_exports" "$out/warehouse-small" --mode full_refresh --run-date "$day_before"
  rm -rf "$out/warehouse-small"
fi

print_run() { # print_run LABEL SECONDS PEAK STEPS
  echo "$1: $2 s, peak RSS $3 MiB (JVM heap limit $heap)"
  sed -E 's/^/  /; s/ ([0-9.]+)$/: \1 s/' <<< "$4"
}

echo
echo "commit:              $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
echo "accounts:            $accounts ($days days to $last_day)"
echo "input rows:          $input_rows (full refresh of $day_before)"
echo "touchpoints written: $touchpoints"
print_run "full refresh of $day_before" "$SECONDS_full_refresh" "$PEAK_full_refresh" "$STEPS_full_refresh"
print_run "nightly run of $last_day" "$SECONDS_nightly" "$PEAK_nightly" "$STEPS_nightly"
echo "nightly / full refresh: $(ratio "$SECONDS_nightly" "$SECONDS_full_refresh")"
echo "rows per second:     $(( input_rows / (SECONDS_full_refresh > 0 ? SECONDS_full_refresh : 1) )) input (full refresh)"
if [[ -n "$duck_seconds" ]]; then
  core=$(awk -v a="$(step_seconds "$STEPS_full_refresh" ingest)" -v b="$(step_seconds "$STEPS_full_refresh" touchpoints)" \
    'BEGIN { print a + b }')
  echo "DuckDB reference:    $duck_seconds s (touchpoints and monthly KPIs)"
  echo "full refresh / DuckDB: $(ratio "$SECONDS_full_refresh" "$duck_seconds") (ingest + touchpoints alone: $core s, $(ratio "$core" "$duck_seconds"))"
elif [[ -n "$duckdb" && -x "$duckdb/run.sh" ]]; then
  echo "DuckDB reference:    failed (its output is above)"
else
  echo "DuckDB reference:    not run (no ${duckdb:-reference}/run.sh; --duckdb DIR)"
fi
if [[ "$scaling" == true ]]; then
  print_run "full refresh of $small accounts" "$SECONDS_full_refresh_small" "$PEAK_full_refresh_small" "$STEPS_full_refresh_small"
  echo "scaling: 10x the accounts took $(ratio "$SECONDS_full_refresh" "$SECONDS_full_refresh_small")x the time"
fi
