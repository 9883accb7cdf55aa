#!/usr/bin/env bash
# Ours next to the PyTorch reference of one training step, back to back in one run (this
# machine's timings drift between runs, so only ratios from one run mean much).
#   tools/bench-vs-torch.sh [BUILD_DIR]     (default build)
# Prints one line per benchmark: name, ours ms, PyTorch ms, speed-up. Where the reference
# script and torch come from: tools/bench-setup.sh.
set -euo pipefail
source "$(dirname "$0")/bench-setup.sh"

ours() {  # suite preset -> median ms
  "$bin" bench "$1" --preset "$2" 2>/dev/null | "$py" -c "import json,sys; print(json.load(sys.stdin)['ms_per_step'])"
}
theirs() {  # preset extra-args... -> median ms
  local p="$1"; shift
  "$py" "$torch_ref" --preset "$p" --threads "$(nproc)" "$@" 2>/dev/null | tail -1 |
    "$py" -c "import json,sys; print(json.loads(sys.stdin.read())['ms_per_step_median'])"
}
row() { "$py" -c "print('%-18s %10.0f %10.0f %7.1fx' % ('$1', $2, $3, $3 / $2))"; }

printf '%-18s %10s %10s %8s\n' bench "ours ms" "torch ms" speed-up
for p in tiny cpu; do
  o=$(ours step "$p"); t=$(theirs "$p"); row "step $p" "$o" "$t"
done
o=$(ours gmn paper); t=$(theirs paper --encoder-only --steps 3 --warmup 1); row "gmn paper" "$o" "$t"
