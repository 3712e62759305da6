#!/usr/bin/env bash
# The GPU check: CUDA provider loads; one SFT step, one reward-model step and one PPO iteration at
# GPT-2 124M shape on CUDA and on the CPU from the same state; losses agree within 1e-3; ONE JSON
# line on stdout (scripts/gpu-check.ts). Sized for a 15-minute GPU lease including start-up.
#
#   scripts/gpu-check.sh [--device cuda|cpu] [--shape gpt2|tiny] [--threads N]
#
# --device cpu rehearses the whole path here (CUDA stood in by the CPU). On the GPU machine the
# staged parts (scripts/gpu-stage.sh; received into .gpu/recv by the earlier calls of .gpu/PLAN.md)
# are unpacked first: node, onnxruntime-node 1.29.0 + its CUDA 13 provider, the bundled check.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DEVICE=cuda
for ((i = 1; i <= $#; i++)); do [ "${!i}" = "--device" ] && { j=$((i + 1)); DEVICE=${!j}; }; done
log() { echo "[gpu-check] $*" >&2; }

# the staged parts: received one per device call into .gpu/recv (see .gpu/PLAN.md), or still in .gpu/stage here
PARTS=""
for d in .gpu/recv .gpu/stage; do ls "$d"/part-* >/dev/null 2>&1 && { PARTS=$d; break; }; done
if [ -n "$PARTS" ]; then
  U=.gpu/unpacked
  if [ ! -f "$U/.unpacked" ] || [ "$PARTS/SHA256SUMS" -nt "$U/.unpacked" ]; then
    log "unpacking $(ls "$PARTS"/part-* | wc -l) staged parts from $PARTS"
    (cd "$PARTS" && { [ ! -f SHA256SUMS ] || sha256sum -c --quiet SHA256SUMS; })
    rm -rf "$U.tmp" && mkdir -p "$U.tmp"
    cat "$PARTS"/part-* | xz -d -T0 | tar -C "$U.tmp" -xf -
    touch "$U.tmp/.unpacked" && rm -rf "$U" && mv "$U.tmp" "$U"
  fi
  NODE=("$ROOT/$U/node/bin/node")
  CHECK="$ROOT/$U/check.mjs"
  export ORT_NODE_DIR="$ROOT/$U/onnxruntime/node_modules/onnxruntime-node"
else
  command -v node >/dev/null || { echo '{"check":"gpu","pass":false,"error":"no node and no staged parts: run scripts/gpu-stage.sh and carry .gpu/stage/part-* (see .gpu/PLAN.md)"}'; exit 1; }
  [ -d node_modules/tsx ] || { echo '{"check":"gpu","pass":false,"error":"node_modules is missing: run npm ci (or stage the parts)"}'; exit 1; }
  NODE=(node --import tsx)
  CHECK="$ROOT/scripts/gpu-check.ts"
fi

if [ "$DEVICE" = "cuda" ]; then
  # CUDA 13, cuDNN 9 and NVRTC from PyTorch's wheels (the GPU machine has no system CUDA toolkit on the path)
  PY=$(command -v python3 || command -v python || true)
  if [ -n "$PY" ]; then
    LIBS=$("$PY" - <<'PYEOF' 2>/dev/null || true
import os, site, sys
roots = set(site.getsitepackages() + [site.getusersitepackages()])
try:
    import torch
    roots.add(os.path.dirname(os.path.dirname(torch.__file__)))
except Exception:
    pass
dirs = set()
for r in roots:
    for base in (os.path.join(r, "nvidia"), os.path.join(r, "torch", "lib")):
        for d, _, files in os.walk(base):
            if any(".so" in f for f in files):
                dirs.add(d)
print(":".join(sorted(dirs)))
PYEOF
)
    [ -n "$LIBS" ] && export LD_LIBRARY_PATH="$LIBS${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  fi
  command -v nvidia-smi >/dev/null && nvidia-smi -L >&2 || log "nvidia-smi not found"
fi
log "node $("${NODE[0]}" -v), device $DEVICE"
exec "${NODE[@]}" "$CHECK" --dir "$ROOT/.gpu/work" "$@"
