#!/usr/bin/env bash
# Builds bench/gpu/.bundle/gpu-bench.tar.xz (git-ignored), all the GPU bench needs on a machine
# with no Node and no network: this machine's node (stripped), the bench bundled into one .mjs
# (bench/gpu/build.mjs), onnxruntime-web's threaded glue and wasm, Dawn for Node (npm `webgpu`,
# linux-x64 only), and fallback copies of libvulkan.so.1, libGLdispatch.so.0 and the X11 client
# libraries (run.sh uses them only where the machine lacks them). The models are not in it: they
# travel in the working tree.
# Usage: bash bench/gpu/pack.sh   (needs node_modules with the `webgpu` devDependency)
set -euo pipefail
cd "$(dirname "$0")/../.."
bundle=bench/gpu/.bundle
ort=node_modules/onnxruntime-web/dist
dawn=node_modules/webgpu
[ -f "$dawn/dist/linux-x64/dawn.node" ] || { echo "pack.sh: $dawn/dist/linux-x64/dawn.node is missing: run npm install" >&2; exit 1; }
stage=$(mktemp -d /tmp/gpu-bench-stage.XXXXXX)
trap 'rm -rf "$stage"' EXIT

node bench/gpu/build.mjs "$stage"
cp "$ort/ort-wasm-simd-threaded.asyncify.mjs" "$ort/ort-wasm-simd-threaded.asyncify.wasm" "$stage/"
mkdir -p "$stage/node_modules/webgpu/dist/linux-x64" "$stage/lib"
cp "$dawn/package.json" "$dawn/index.js" "$dawn/LICENSE.md" "$stage/node_modules/webgpu/"
cp "$dawn/dist/linux-x64/dawn.node" "$stage/node_modules/webgpu/dist/linux-x64/"

# Node: this machine's binary (libc and libstdc++ only); without its debug symbols it is 13 MB smaller.
node_bin=$(command -v node)
if command -v strip >/dev/null; then strip -o "$stage/node" "$node_bin"; else cp "$node_bin" "$stage/node"; fi
"$stage/node" -e 'process.exit(0)'

# The Vulkan loader (Dawn dlopens libvulkan.so.1), libglvnd's dispatch library that NVIDIA's Vulkan
# driver (libGLX_nvidia.so.0) links, and the X11 client libraries it may link: the system's copies
# (Chromium's loader where the system has none). run.sh uses each only where the device lacks it.
find_lib() { ldconfig -p 2>/dev/null | awk -v n="$1" '$1 == n && /x86-64/ { print $NF; exit }'; }
for name in libvulkan.so.1 libGLdispatch.so.0 libX11.so.6 libXext.so.6 libxcb.so.1 libXau.so.6 libXdmcp.so.6 libbsd.so.0 libmd.so.0; do
  lib=$(find_lib "$name")
  [ -n "$lib" ] || [ "$name" != libvulkan.so.1 ] || lib=/usr/lib/chromium/libvulkan.so.1
  if [ -n "$lib" ] && [ -f "$lib" ]; then cp -L "$lib" "$stage/lib/$name"; else echo "pack.sh: warning: $name not found here; the bundle goes without it" >&2; fi
done

rm -f "$bundle/gpu-bench.tar.xz"
mkdir -p "$bundle"
tar -C "$stage" -cf - . | xz -9e -T0 > "$bundle/gpu-bench.tar.xz.tmp"
mv "$bundle/gpu-bench.tar.xz.tmp" "$bundle/gpu-bench.tar.xz"
(cd "$stage" && find . -type f -printf '%s\t%p\n' | sort -k2)
ls -l "$bundle/gpu-bench.tar.xz"
echo "carry bench/gpu/.bundle; device command: bash bench/gpu/run.sh \"\$OUT\""
