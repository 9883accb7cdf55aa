#!/usr/bin/env bash
# Ours next to the PyTorch reference of one training step, back to back in one run (this
# machine's timings drift between runs, so only ratios from one run mean much).
#   tools/bench-vs-torch.sh [BUILD_DIR] [PRECISION...]   (default build, fp32)
# e.g. tools/bench-vs-torch.sh build fp32 bf16x3: ours in each GEMM precision (--precision),
# PyTorch once (fp32). Prints one line per benchmark and precision: name, ours ms, PyTorch
# ms, speed-up. Where the reference
# script and torch come from: tools/bench-setup.sh.
set -euo pipefail
source "$(dirname "$0")/bench-setup.sh"

precisions=("${@:2}")
[ ${#precisions[@]} -gt 0 ] || precisions=(fp32)

ours() {  # suite preset precision -> median ms
  "$bin" bench "$1" --preset "$2" --precision "$3" 2>/dev/null | "$py" -c "import json,sys; print(json.load(sys.stdin)['ms_per_step'])"
}
theirs() {  # preset extra-args... -> median ms
  local p="$1"; shift
  "$py" "$torch_ref" --preset "$p" --threads "$(nproc)" "$@" 2>/dev/null | tail -1 |
    "$py" -c "import json,sys; print(json.loads(sys.stdin.read())['ms_per_step_median'])"
}
row() { "$py" -c "print('%-18s %10.0f %10.0f %7.1fx' % ('$1', $2, $3, $3 / $2))"; }

printf '%-18s %10s %10s %8s\n' bench "ours ms" "torch ms" speed-up
for p in tiny cpu; do
  t=$(theirs "$p")
  for q in "${precisions[@]}"; do o=$(ours step "$p" "$q"); row "step $p $q" "$o" "$t"; done
done
t=$(theirs paper --encoder-only --steps 3 --warmup 1)
for q in "${precisions[@]}"; do o=$(ours gmn paper "$q"); row "gmn paper $q" "$o" "$t"; done
