#!/usr/bin/env bash
# Run HERE (a machine with the registry): packs what the GPU check needs on a machine that has
# no registry, no internet and maybe no node into .gpu/stage/part-* (xz, at most 56 MiB each, so
# that each fits one device call's 64 MiB carry): node, onnxruntime-node 1.29.0 with its CUDA 13
# provider (npm run gpu:setup) and scripts/gpu-check.ts bundled into one check.mjs. XZ_LEVEL (3) and
# XZ_THREADS (2) set the compression: -6 saves a few MB but takes minutes longer on two cores.
# .gpu/PLAN.md says which device calls to make with them.
set -euo pipefail
cd "$(dirname "$0")/.."
PART_SIZE=${PART_SIZE:-56M}
[ -f .gpu/onnxruntime/node_modules/onnxruntime-node/package.json ] || npm run gpu:setup
rm -rf .gpu/stage .gpu/build
mkdir -p .gpu/stage .gpu/build/node/bin
cp "$(command -v node)" .gpu/build/node/bin/node
cp -r .gpu/onnxruntime .gpu/build/onnxruntime
# one ESM file: the check and the ml engine it drives; onnxruntime-node is loaded from ORT_NODE_DIR
node_modules/.bin/esbuild scripts/gpu-check.ts --bundle --platform=node --format=esm --target=node20 \
  --external:onnxruntime-node --outfile=.gpu/build/check.mjs --log-level=warning
echo "node $(node -v), onnxruntime-node $(node -p "require('./.gpu/onnxruntime/node_modules/onnxruntime-node/package.json').version"), staged $(du -sh .gpu/build | cut -f1) before xz" >&2
tar -C .gpu/build -cf - node onnxruntime check.mjs | xz -"${XZ_LEVEL:-3}" -T"${XZ_THREADS:-2}" | split -b "$PART_SIZE" -d -a 2 - .gpu/stage/part-
(cd .gpu/stage && sha256sum part-* > SHA256SUMS)
rm -rf .gpu/build
ls -l .gpu/stage >&2
