# Sourced by the benchmark scripts that run ours beside the PyTorch reference
# (tools/bench-vs-torch.sh, tools/bench-contention.sh): sets root, bin (BUILD_DIR/wsnerf,
# BUILD_DIR from the first argument, default build), torch_ref and py, and stops with a
# clear message when one of them is missing. The reference script lives outside this
# repository: ../shared/bench/torch_reference.py beside the checkout, or wherever
# $TORCH_REFERENCE says; it needs a python3 with torch (Debian: python3-torch, run by
# /usr/bin/python3 unless $PYTHON says otherwise).
me="$(basename "$0" .sh)"
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${1:-$root/build}/wsnerf"
torch_ref="${TORCH_REFERENCE:-$root/../shared/bench/torch_reference.py}"
py="${PYTHON:-/usr/bin/python3}"
[ -x "$bin" ] || { echo "$me: no binary at $bin (build first: make)" >&2; exit 2; }
[ -f "$torch_ref" ] || { echo "$me: no reference script at $torch_ref (set TORCH_REFERENCE)" >&2; exit 2; }
"$py" -c "import torch" 2>/dev/null || { echo "$me: $py has no torch (apt-get install python3-torch)" >&2; exit 2; }
