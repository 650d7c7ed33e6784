#!/usr/bin/env bash
# Rehearses the device call on this machine's CPU: copies the working tree as the device gets it
# (tracked and untracked-not-ignored files, plus bench/gpu/.bundle) to a temp dir and runs the same
# bench/gpu/run.sh there, on SwiftShader (Chromium's software Vulkan driver) with a short plan.
# Usage: bash bench/gpu/rehearse.sh [out dir]   (after bench/gpu/pack.sh). Extra GPU_BENCH_*
# variables pass through; the defaults here are one model, 4 steps, both backends.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$(realpath -m "${1:-/tmp/gpu-bench-rehearsal}")
icd=/usr/lib/chromium/vk_swiftshader_icd.json
[ -f "$icd" ] || { echo "rehearse.sh: $icd is missing (Debian's chromium package ships it)" >&2; exit 1; }
tree=$(mktemp -d /tmp/gpu-bench-tree.XXXXXX)
trap 'rm -rf "$tree"' EXIT
{ git ls-files -co --exclude-standard -z; find bench/gpu/.bundle -type f -print0; } | tar --null -T - -cf - | tar -C "$tree" -xf -
echo "rehearse.sh: tree copied to $tree ($(du -sm "$tree" | cut -f1) MB); running run.sh there"
rm -rf "$out"
cd "$tree"
# env -u: the device has no node on PATH and none of this machine's Vulkan settings.
env -u VK_ICD_FILENAMES -u LD_LIBRARY_PATH PATH=/usr/sbin:/usr/bin:/sbin:/bin \
  VK_DRIVER_FILES="$icd" GPU_BENCH_ALLOW_SOFTWARE=1 GPU_BENCH_PLAN="${GPU_BENCH_PLAN:-quick}" \
  GPU_BENCH_MODEL_LIMIT_S="${GPU_BENCH_MODEL_LIMIT_S:-900}" GPU_BENCH_TOTAL_LIMIT_S="${GPU_BENCH_TOTAL_LIMIT_S:-1200}" \
  GPU_BENCH_TIMEOUT_S="${GPU_BENCH_TIMEOUT_S:-1500}" bash bench/gpu/run.sh "$out"
