#!/usr/bin/env bash
# Packs the real-GPU check for an offline Linux x64 machine that has only Python 3 and an NVIDIA
# driver: bench/gpu/dist/tlc-gpu-bench/ = run.py + README.md + payload.tar.xz (this machine's Node
# binary, tlc's production install for linux-x64 alone, the bench and the Fashion examples).
# Run from a checkout after `pnpm install`, on Linux x64 with glibc (the Node binary travels).
# The folder must stay under 64 MiB; the script says its size and fails above it.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)
out="$repo/bench/gpu/dist/tlc-gpu-bench"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
app="$stage/tlc"

# tlc's production dependencies, flat (no symlinks), from the lockfile.
pnpm --filter @tlc/cli deploy --prod --legacy --config.node-linker=hoisted "$stage/deploy" >/dev/null
mkdir -p "$app/packages/cli" "$app/bench/gpu" "$app/examples/data"
mv "$stage/deploy/node_modules" "$app/node_modules"
cp -r "$stage/deploy/bin" "$stage/deploy/src" "$stage/deploy/package.json" "$app/packages/cli/"
printf '{ "name": "tlc-gpu-bench", "private": true, "type": "module" }\n' > "$app/package.json"
cp bench/gpu/bench.ts "$app/bench/gpu/"
# The workspace packages where the repository has them (they find grammar/ and their weights by
# relative paths), linked from node_modules as pnpm links them.
for pkg in "$app/node_modules/@tlc"/*; do
  name=$(basename "$pkg")
  mv "$pkg" "$app/packages/$name"
  ln -s "../../packages/$name" "$pkg"
done
cp -r grammar "$app/grammar"
cp examples/fashion*.tl "$app/examples/"
cp -r examples/data/fashion "$app/examples/data/"

# Only what runs on linux-x64 under Node: other platforms' binaries, browser bundles, source
# maps, type declarations and the workspace packages' tests stay behind.
nm="$app/node_modules"
find "$nm/onnxruntime-node/bin/napi-v6" -mindepth 1 -maxdepth 1 ! -name linux -exec rm -rf {} +
find "$nm/onnxruntime-node/bin/napi-v6/linux" -mindepth 1 -maxdepth 1 ! -name x64 -exec rm -rf {} +
find "$nm/webgpu/dist" -mindepth 1 -maxdepth 1 ! -name linux-x64 -exec rm -rf {} +
rm -rf "$app"/packages/*/test "$app"/packages/*/scripts
find "$nm" -type f \( -name '*.map' -o -name '*.d.ts' -o -name '*.min.js' -o -name '*.es2017.js' \
  -o -name '*.fesm.js' -o -name '*.esm.js' -o -name 'CHANGELOG*' -o -name '*.md' \) -delete
# tfjs packages: Node loads their "main" bundle (dist/*.node.js) and the wasm binaries; the
# per-module ESM copies under dist/ are for bundlers.
for pkg in "$nm"/@tensorflow/*; do
  [ -d "$pkg/dist" ] || continue
  main=$(node -p "require('$pkg/package.json').main")
  find "$pkg/dist" -mindepth 1 \( -type f ! -name '*.wasm' ! -path "$pkg/$main" -delete \) -o \( -type d -empty -delete \) 2>/dev/null || true
  find "$pkg/dist" -type d -empty -delete
  rm -rf "$pkg/src" "$pkg/wasm-out" "$pkg/scripts"
done

cp "$(readlink -f "$(command -v node)")" "$stage/node"
rm -rf "$out" && mkdir -p "$out"
# pnpm hard-links files from its store, and another install linking the same file changes its
# ctime: tar then exits 1 ("file changed as we read it"), harmless for a copy of the content.
tar -C "$stage" --warning=no-file-changed -cf "$stage/payload.tar" node tlc || [ $? -eq 1 ]
xz -7 -T0 -c "$stage/payload.tar" > "$out/payload.tar.xz"
cp bench/gpu/run.py bench/gpu/README.md "$out/"
size=$(du -sb "$out" | cut -f1)
echo "packed $out: $((size / 1048576)) MiB (unpacked $(du -smc "$stage/node" "$stage/tlc" | tail -1 | cut -f1) MiB)"
if [ "$size" -ge $((64 * 1048576)) ]; then echo "pack.sh: over the 64 MiB limit" >&2; exit 1; fi
