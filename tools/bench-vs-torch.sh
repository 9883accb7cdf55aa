#!/usr/bin/env bash
# Ours next to the PyTorch reference of one training step, back to back in one run (this
# machine's timings drift between runs, so only ratios from one run mean much).
#   tools/bench-vs-torch.sh [BUILD_DIR]     (default build)
# Prints one line per benchmark: name, ours ms, PyTorch ms, speed-up. The reference script
# lives outside this repository: ../shared/bench/torch_reference.py beside the checkout,
# or wherever $TORCH_REFERENCE says; it needs a python3 with torch (Debian: python3-torch,
# run by /usr/bin/python3 unless $PYTHON says otherwise).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${1:-$root/build}/wsnerf"
torch_ref="${TORCH_REFERENCE:-$root/../shared/bench/torch_reference.py}"
py="${PYTHON:-/usr/bin/python3}"
[ -x "$bin" ] || { echo "bench-vs-torch: no binary at $bin (build first: make)" >&2; exit 2; }
[ -f "$torch_ref" ] || { echo "bench-vs-torch: no reference script at $torch_ref (set TORCH_REFERENCE)" >&2; exit 2; }
"$py" -c "import torch" 2>/dev/null || { echo "bench-vs-torch: $py has no torch (apt-get install python3-torch)" >&2; exit 2; }

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
