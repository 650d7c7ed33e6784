#!/usr/bin/env bash
# The GPU bench's command on the device machine (no Node, no network), from the repo root:
#   bash bench/gpu/run.sh "$OUT"        with bench/gpu/.bundle carried (bench/gpu/pack.sh makes it)
# Unpacks the bundle to /tmp, finds Vulkan (the machine's loader and NVIDIA driver, else the
# bundled loader and the driver under /usr/local/nvidia), runs the bench on every models/*/ and
# writes gpu-bench.json, gpu-bench.txt and gpu-bench.log (+ gpu-env.txt, and gpu-vulkan.txt when
# no adapter is found) to the out dir. Exit status: the bench's (see bench/gpu/entry.ts), 2 when
# the bundle is missing or cannot be unpacked, 124 when it ran past GPU_BENCH_TIMEOUT_S (230).
set -uo pipefail
out=${1:?usage: bash bench/gpu/run.sh <out dir>}
mkdir -p "$out" && out=$(cd "$out" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
tarball=$here/.bundle/gpu-bench.tar.xz
if [ ! -f "$tarball" ]; then
  echo "run.sh: $tarball is missing: run bash bench/gpu/pack.sh first and name bench/gpu/.bundle in carry" >&2
  exit 2
fi
work=$(mktemp -d /tmp/gpu-bench.XXXXXX)
t0=$(date +%s.%N)
if [ "${GPU_BENCH_UNPACK:-}" != python ] && command -v xz >/dev/null && command -v tar >/dev/null; then
  tar -C "$work" -xJf "$tarball"
else
  python3 -c 'import sys, tarfile
kw = {"filter": "fully_trusted"} if hasattr(tarfile, "fully_trusted_filter") else {}
tarfile.open(sys.argv[1]).extractall(sys.argv[2], **kw)' "$tarball" "$work"
fi || { echo "run.sh: could not unpack $tarball (with tar/xz or python3)" >&2; exit 2; }
echo "run.sh: unpacked to $work in $(awk "BEGIN { printf \"%.1f\", $(date +%s.%N) - $t0 }") s"

# Bundled libraries only where the machine has none of its own.
mkdir -p "$work/libs-used"
used=""
ldcache=$(ldconfig -p 2>/dev/null || true)  # read once: `ldconfig -p | grep -q` fails under pipefail (SIGPIPE)
for f in "$work"/lib/*; do
  n=$(basename "$f")
  if ! grep -q "[[:space:]]$n (" <<<"$ldcache"; then ln -s "$f" "$work/libs-used/$n"; used="$used $n"; fi
done
extra=""
for d in /usr/local/nvidia/lib64 /usr/local/nvidia/lib; do [ -d "$d" ] && extra="$extra:$d"; done
export LD_LIBRARY_PATH="$work/libs-used${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}$extra"
export GPU_BENCH_BUNDLED_LIBS="${used# }"
# NVIDIA's Vulkan driver manifest, when the loader's own search paths lack one.
if [ -z "${VK_DRIVER_FILES:-}${VK_ICD_FILENAMES:-}" ] && ! compgen -G '/usr/share/vulkan/icd.d/nvidia*' >/dev/null && ! compgen -G '/etc/vulkan/icd.d/nvidia*' >/dev/null; then
  for j in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/local/nvidia/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.x86_64.json; do
    if [ -f "$j" ]; then export VK_DRIVER_FILES=$j VK_ICD_FILENAMES=$j; break; fi
  done
fi
{
  echo "bundled libraries used: ${used:-none}"
  echo "LD_LIBRARY_PATH=$LD_LIBRARY_PATH"
  echo "VK_DRIVER_FILES=${VK_DRIVER_FILES:-} VK_ICD_FILENAMES=${VK_ICD_FILENAMES:-}"
  ls -l /usr/share/vulkan/icd.d /etc/vulkan/icd.d /usr/local/nvidia/share/vulkan/icd.d 2>&1
  grep -Ei 'vulkan|GLdispatch|GLX_nvidia|nvidia-glcore' <<<"$ldcache" || echo "ldconfig: no vulkan/nvidia libraries listed"
  if command -v nvidia-smi >/dev/null; then nvidia-smi -L 2>&1; else echo "nvidia-smi: not available"; fi
} > "$out/gpu-env.txt"
cat "$out/gpu-env.txt"

# --no-liftoff: V8 compiles ORT's 27 MB wasm once with its optimizing compiler instead of tiering
# up in the background while the figures are taken (Chromium's code cache likewise starts a later
# visit on optimized code). It also spares a minute-long wait at exit for background compiles.
bench() { timeout -k 5 "${GPU_BENCH_TIMEOUT_S:-230}" "$work/node" ${GPU_BENCH_NODE_FLAGS---no-liftoff} "$work/bench.mjs" "$root" "$out"; }
bench 2>&1 | tee "$out/gpu-bench.log"
rc=${PIPESTATUS[0]}
case $rc in
  0) echo "run.sh: done; results in $out/gpu-bench.json and gpu-bench.txt" ;;
  3)
    # Once more with the Vulkan loader's own account of what it looked for.
    VK_LOADER_DEBUG=error,warn,driver bench > "$out/gpu-vulkan.txt" 2>&1
    echo "run.sh: no WebGPU adapter (exit 3); the Vulkan loader's log is in gpu-vulkan.txt, the environment in gpu-env.txt" >&2 ;;
  124|137) echo "run.sh: the bench ran past ${GPU_BENCH_TIMEOUT_S:-230} s and was stopped; gpu-bench.json holds what finished" >&2 ;;
  *) echo "run.sh: the bench exited with status $rc (see gpu-bench.log; 4 = software adapter only, 5 = a WebGPU measurement failed)" >&2 ;;
esac
rm -rf "$work"
exit "$rc"
