#!/usr/bin/env bash
# unmask-base in one GPU call (its return written by DEADLINE_S, 510 s): pre-flight, train against a time
# budget, export, quantize, measure the bound, and return the result within the device's limits.
#
#   bash models/train_gpu.sh pack             # here, on the CPU: prepare + tokenizer over the whole corpus,
#                                             # then models/.gpu-bundle/run.tar.xz (git-ignored, < 60 MiB)
#   bash models/train_gpu.sh run "$OUT"       # on the GPU machine (carry models/.gpu-bundle)
#   PRESET=tiny bash models/train_gpu.sh run /tmp/out   # the same command rehearsed on the CPU (pytest runs it)
#   bash models/train_gpu.sh ship OUT_FILES   # here: verify and reassemble the parts, ship models/unmask-base
#
# The device returns at most 8 files from $OUT, each at most 16 MiB, 64 MiB together; anything beyond
# is dropped silently. So `run` packs everything the ship step needs into one tar, split into 15 MiB
# parts with a sha256 manifest, and checks those limits itself before it ends.
# The call must end before the device's 10-minute limit or nothing at all comes back (2026-12-04: a
# 4.5-minute run trained, exported and was cut off while evaluate sampled 256 texts through
# onnxruntime on the CPU). So `run` holds a deadline: training gets what is left of it after the
# phases that follow, and only the bound (seconds on the GPU) is measured there; samples and word
# figures need only the ONNX file and are measured by `ship`, here.
# Environment: PRESET (gpu), TRAIN_MINUTES (the preset's, cut to the deadline), DEADLINE_S (510: seconds
# from the start by which the return is written), RESERVE_S (120: kept for export, quantize, bound, return),
# NPROC (1; >1 runs DDP under torchrun),
# BUNDLE (models/.gpu-bundle), RUN (the run folder), PART_BYTES (15 MiB), NAME (unmask-base),
# VARIANT (q4h8: the quantized file evaluated, returned and shipped; the same for `run` and `ship`).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bundle="${BUNDLE:-$here/.gpu-bundle}"
preset="${PRESET:-gpu}"
variant="${VARIANT:-q4h8}"
part_bytes="${PART_BYTES:-$((15 * 1024 * 1024))}"
max_files=8 max_file=$((16 * 1024 * 1024)) max_total=$((64 * 1024 * 1024))
py="${PYTHON:-}"
if [ -z "$py" ]; then
  if [ -x "$here/.venv/bin/python" ]; then py="$here/.venv/bin/python"; else py=python3; fi
fi
export PYTHONPATH="$here${PYTHONPATH:+:$PYTHONPATH}" PYTHONUNBUFFERED=1
now() { date +%s; }
phase() { echo "== $1 ($(( $(now) - start )) s)"; printf '"%s": %d,\n' "$1" "$(( $(now) - start ))" >> "$run/timing.txt"; }

# A scratch run that shares the token shards: used by the pre-flight checks.
scratch() {
  local dir="$1"; rm -rf "$dir"; mkdir -p "$dir"
  for f in tokenizer.json tokens_train.npy tokens_val.npy; do ln -s "$run/$f" "$dir/$f"; done
}

case "${1:-}" in
  pack)
    run="${RUN:-$HOME/.cache/unmask/runs/gpu-pack}"
    # Every folder at full weight: the GPU run sees the whole corpus many times over.
    [ -f "$run/docs_train.jsonl" ] || "$py" -m pipeline prepare --run "$run" \
      --weights '{"ChiLit": 1, "Grimm": 1, "19C": 1, "DNov": 1, "ArTs": 1, "AAW": 1}'
    [ -f "$run/tokens_train.npy" ] || "$py" -m pipeline tokenizer --run "$run"
    mkdir -p "$bundle"
    tar -C "$run" -cf - tokenizer.json tokens_train.npy tokens_val.npy docs_val.jsonl docs_train.jsonl \
      split.json shards.json | xz -T2 -6 > "$bundle/run.tar.xz"
    ls -l "$bundle/run.tar.xz"
    size=$(stat -c %s "$bundle/run.tar.xz")
    [ "$size" -lt $((60 * 1024 * 1024)) ] || { echo "bundle is over 60 MiB: lower the corpus weights" >&2; exit 1; }
    ;;

  run)
    out="${2:?usage: train_gpu.sh run OUT}"
    [ -f "$bundle/run.tar.xz" ] || { echo "no $bundle/run.tar.xz: run 'train_gpu.sh pack' first and carry it" >&2; exit 2; }
    run="${RUN:-/tmp/unmask-gpu-run}"
    start=$(now)
    rm -rf "$run"; mkdir -p "$run" "$out"
    : > "$run/timing.txt"
    xz -dc "$bundle/run.tar.xz" | tar -C "$run" -xf -
    "$py" -c "import torch; print('torch', torch.__version__, 'cuda', torch.cuda.is_available(), torch.cuda.get_device_name(0) if torch.cuda.is_available() else 'cpu')"
    phase unpacked

    # Pre-flight, so a mistake costs seconds: a few steps with the real settings (compile, bf16, DDP),
    # then a tiny model through export and quantize.
    scratch "$run/preflight"
    "$py" -m pipeline train --run "$run/preflight" --preset "$preset" --fresh \
      --set max_steps=3 --set warmup_steps=1 --set eval_every=2 --set log_every=1 > "$run/preflight.log"
    scratch "$run/preflight-tiny"
    "$py" -m pipeline train --run "$run/preflight-tiny" --preset tiny --fresh --set max_steps=2 > /dev/null
    "$py" -m pipeline export --run "$run/preflight-tiny" > /dev/null
    "$py" -m pipeline quantize --run "$run/preflight-tiny" > /dev/null
    rm -rf "$run/preflight" "$run/preflight-tiny"
    phase preflight

    # Training against its time budget, cut to what the deadline leaves; the hard timeout sends SIGTERM,
    # which checkpoints, so a run cut short still exports what it learned.
    left=$(( ${DEADLINE_S:-510} - ($(now) - start) - ${RESERVE_S:-120} ))
    budget=$("$py" -c "import sys; from pipeline.train import PRESETS; m = float(sys.argv[1] or PRESETS['$preset']['max_minutes']); print(round(max(0.5, min(m, int(sys.argv[2]) / 60)), 2))" "${TRAIN_MINUTES:-}" "$left")
    echo "training for $budget minutes ($left s left before the reserve)"
    extra=(--set "max_minutes=$budget")
    limit=$("$py" -c "import sys; print(int(float(sys.argv[1]) * 60 + 45))" "$budget")
    if [ "${NPROC:-1}" -gt 1 ]; then
      UNMASK_RUN="$run" timeout -s TERM -k 30 "$limit" "$py" -m torch.distributed.run --standalone \
        --nproc_per_node "$NPROC" -m pipeline train --preset "$preset" --fresh "${extra[@]}" || echo "train exited $?"
    else
      timeout -s TERM -k 30 "$limit" "$py" -m pipeline train --run "$run" --preset "$preset" --fresh "${extra[@]}" \
        || echo "train exited $?"
    fi
    [ -f "$run/ckpt.pt" ] || { echo "training left no checkpoint" >&2; exit 1; }
    phase trained
    # onnxruntime's quantizer logs every node: keep that out of the call's output tail.
    "$py" -m pipeline export --run "$run" > "$run/export.log" 2>&1 || { tail -20 "$run/export.log"; exit 1; }
    "$py" -m pipeline quantize --run "$run" > "$run/quantize.log" 2>&1 || { tail -20 "$run/quantize.log"; exit 1; }
    phase quantized
    # The bound alone, on the GPU, bounded in time: without it `ship` refuses, but the model still returns.
    timeout -s TERM 90 "$py" -m pipeline evaluate --run "$run" --onnx "$run/model_$variant.onnx" --part bound \
      --t-samples 2048 > "$run/evaluate.log" 2>&1 || { echo "evaluate exited $?"; tail -5 "$run/evaluate.log"; }
    phase evaluated

    # Return: one tar split into parts plus a manifest. The shipped variant always goes; q4e8, for
    # comparison, only if it fits; the weights never do at this size (the next run warm-starts from
    # model.onnx).
    printf '{\n%s"total": %d\n}\n' "$(cat "$run/timing.txt")" "$(( $(now) - start ))" > "$run/timing.json"
    keep=("model_$variant.onnx" train_config.json train_summary.json export.json quantize.json train_log.jsonl
          timing.json)
    [ -f "$run/evaluate.json" ] && keep+=(evaluate.json)
    (cd "$run" && tar -cf "$run/result.tar" "${keep[@]}" model_q4e8.onnx)
    if [ "$(stat -c %s "$run/result.tar")" -gt $(( (max_files - 1) * part_bytes < max_total - 65536 ? (max_files - 1) * part_bytes : max_total - 65536 )) ]; then
      echo "result too large with model_q4e8.onnx: returning model_$variant.onnx only"
      (cd "$run" && tar -cf "$run/result.tar" "${keep[@]}")
    fi
    rm -f "$out"/result.part* "$out"/manifest.sha256
    split -b "$part_bytes" -d -a 2 "$run/result.tar" "$out/result.part"
    (cd "$out" && sha256sum result.part* > manifest.sha256 && sha256sum < "$run/result.tar" | sed 's/-$/result.tar/' >> manifest.sha256)
    n=$(find "$out" -type f | wc -l); total=$(du -cb "$out"/* | tail -1 | cut -f1)
    big=$(find "$out" -type f -size +"$max_file"c | wc -l)
    echo "returning $n files, $total bytes:"; ls -l "$out"
    if [ "$n" -gt "$max_files" ] || [ "$total" -gt "$max_total" ] || [ "$big" -gt 0 ]; then
      echo "OUT breaks the return limits ($max_files files, 16 MiB each, 64 MiB in all)" >&2; exit 3
    fi
    cat "$run/train_summary.json"; cat "$run/timing.json"
    echo "done in $(( $(now) - start )) s"
    ;;

  ship)
    out="${2:?usage: train_gpu.sh ship OUT_FILES}"
    run="${RUN:-$HOME/.cache/unmask/runs/gpu-pack}"
    [ -f "$out/manifest.sha256" ] || { echo "no manifest.sha256 in $out: was the whole result returned?" >&2; exit 2; }
    # Every part, then the reassembled tar, must match the manifest written on the GPU machine.
    (cd "$out" && grep ' result.part' manifest.sha256 | sha256sum -c --quiet) \
      || { echo "a returned part is missing or damaged: nothing shipped" >&2; exit 4; }
    tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
    cat "$out"/result.part* > "$tmp/result.tar"
    want=$(grep ' result.tar$' "$out/manifest.sha256" | cut -d' ' -f1)
    [ "$(sha256sum < "$tmp/result.tar" | cut -d' ' -f1)" = "$want" ] \
      || { echo "the reassembled result does not match its sha256: nothing shipped" >&2; exit 4; }
    tar -C "$run" -xf "$tmp/result.tar"
    [ -f "$run/evaluate.json" ] || { echo "the GPU call returned no evaluate.json (its bound): nothing shipped" >&2; exit 5; }
    # Samples and word figures of the returned file, here (see the top of this file).
    "$py" -m pipeline evaluate --run "$run" --onnx "$run/model_$variant.onnx" --part quality --samples 4 > /dev/null
    "$py" -m pipeline ship --run "$run" --name "${NAME:-unmask-base}" --variant "$variant" --out "${SHIP_OUT:-$here}"
    ;;

  *)
    sed -n '2,23p' "$0"; exit 2 ;;
esac
