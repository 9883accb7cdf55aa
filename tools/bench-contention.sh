#!/usr/bin/env bash
# One training step (`bench step`) alone and beside one other CPU-bound process, for ours
# under each OpenMP wait policy and for the PyTorch reference, back to back in one run:
#   tools/bench-contention.sh [BUILD_DIR] [PRESET]     (defaults: build, cpu)
#   WS_PRECISION=bf16x3 tools/bench-contention.sh ...  ours with --precision (default fp32)
# The competitor is a single-threaded busy loop (one core's worth of load, steady). Prints
# one line per case: ms per step alone, ms beside the competitor, and their ratio (how much
# the competitor slows the step), then ours' speed-up over the reference in both settings.
# Where the reference script and torch come from: tools/bench-setup.sh.
set -euo pipefail
source "$(dirname "$0")/bench-setup.sh"
preset="${2:-cpu}"
precision="${WS_PRECISION:-fp32}"

competitor=""
start_competitor() { "$py" -c "while True: pass" & competitor=$!; sleep 1; }
stop_competitor() { [ -n "$competitor" ] && kill "$competitor" 2>/dev/null && wait "$competitor" 2>/dev/null || true; competitor=""; }
trap stop_competitor EXIT

ours() {  # wait-policy -> median ms ("default": whatever the binary does unset)
  local policy="$1"
  if [ "$policy" = default ]; then
    env -u OMP_WAIT_POLICY -u GOMP_SPINCOUNT "$bin" bench step --preset "$preset" --precision "$precision" 2>/dev/null
  else
    env -u GOMP_SPINCOUNT OMP_WAIT_POLICY="$policy" "$bin" bench step --preset "$preset" --precision "$precision" 2>/dev/null
  fi | "$py" -c "import json,sys; print(json.load(sys.stdin)['ms_per_step'])"
}
theirs() {
  "$py" "$torch_ref" --preset "$preset" --threads "$(nproc)" 2>/dev/null | tail -1 |
    "$py" -c "import json,sys; print(json.loads(sys.stdin.read())['ms_per_step_median'])"
}
measure() {  # command... -> $a (alone), $c (beside the competitor), in ms
  a=$("$@")
  start_competitor
  c=$("$@")
  stop_competitor
}

printf '%-22s %10s %12s %8s\n' "step $preset" "alone ms" "contended ms" slowdown
declare -A alone contended
for case in "ours default" "ours passive" "ours active" torch; do
  case "$case" in
    "ours default") measure ours default ;;
    "ours passive") measure ours PASSIVE ;;
    "ours active") measure ours ACTIVE ;;
    torch) measure theirs ;;
  esac
  alone[$case]=$a
  contended[$case]=$c
  "$py" -c "print('%-22s %10.0f %12.0f %7.2fx' % ('$case', $a, $c, $c / $a))"
done
for case in "ours default" "ours passive" "ours active"; do
  "$py" -c "print('%-22s speed-up over torch: alone %.1fx, contended %.1fx' % ('$case', ${alone[torch]} / ${alone[$case]}, ${contended[torch]} / ${contended[$case]}))"
done
