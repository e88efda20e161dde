#!/usr/bin/env bash
# SIGINT-to-exit time of `coverlab run` at three points: mid-grid, during the model setup before the grid, and
# mid-data-prep (generating a fresh synthetic cover set). Usage: scripts/benchmarks/stop-latency.sh [ROUNDS]
# Uses a throwaway runs folder and dataset under a temp dir; set COVERLAB_MODELS_DIR to reuse a built tiny base.
set -m   # background jobs keep SIGINT (bash ignores it in background jobs without job control)
cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
measure() {
  local label=$1 pattern=$2; shift 2
  local log=$tmp/$label.log
  "$@" > "$log" 2>&1 &
  local pid=$!
  until grep -q "$pattern" "$log"; do
    sleep 0.05
    kill -0 $pid 2>/dev/null || { echo "$label: exited before '$pattern'"; return; }
  done
  sleep 1
  local t0 t1 rc
  t0=$(date +%s.%N); kill -INT $pid; wait $pid; rc=$?; t1=$(date +%s.%N)
  echo "$label: exit $rc, SIGINT to exit $(echo "$t1 - $t0" | bc) s, $(grep -c 'Exception\|	at ' "$log") stack-trace lines"
}
# an array, not a function: the background job must be scripts/coverlab itself (it execs java) to get the signal
run=(scripts/coverlab run experiments/grids-only.yaml --runs-dir "$tmp/runs")
for i in $(seq "${1:-3}"); do
  measure "mid-grid-$i" "loading model" "${run[@]}"
  measure "model-setup-$i" "grid base:" "${run[@]}"
  rm -rf "$tmp/ds"
  measure "mid-data-prep-$i" "generating the synthetic cover set" "${run[@]}" --set dataset.path="$tmp/ds/covers"
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
