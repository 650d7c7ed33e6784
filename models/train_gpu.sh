#!/usr/bin/env bash
# The large model in one GPU run of at most 9 minutes: train (preset "gpu", 35.7 M parameters),
# export, quantize and evaluate, leaving the shippable artefacts in OUT.
#
#   bash models/train_gpu.sh pack             # here, on the CPU: prepare + tokenizer, then compress the
#                                             # token shards into models/.gpu-bundle/ (git-ignored, < 64 MiB)
#   bash models/train_gpu.sh run OUT          # on the GPU machine (carry models/.gpu-bundle)
#   PRESET=tiny bash models/train_gpu.sh run /tmp/out   # the same script rehearsed on the CPU
#   NPROC=8 bash models/train_gpu.sh run OUT  # more than one GPU: the train stage runs under torchrun (DDP)
# Afterwards, here: bash models/train_gpu.sh ship OUT   # copies the result into models/unmask-small/
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bundle="$here/.gpu-bundle"
preset="${PRESET:-gpu}"
py="${PYTHON:-}"
if [ -z "$py" ]; then
  if [ -x "$here/.venv/bin/python" ]; then py="$here/.venv/bin/python"; else py=python3; fi
fi
export PYTHONPATH="$here${PYTHONPATH:+:$PYTHONPATH}" PYTHONUNBUFFERED=1

case "${1:-}" in
  pack)
    run="${RUN:-$HOME/.cache/unmask/runs/gpu-pack}"
    # Every folder at full weight: the GPU run sees the whole corpus many times over.
    [ -f "$run/docs_train.jsonl" ] || "$py" -m pipeline prepare --run "$run" \
      --weights '{"ChiLit": 1, "Grimm": 1, "19C": 1, "DNov": 1, "ArTs": 1, "AAW": 1}'
    [ -f "$run/tokens_train.npy" ] || "$py" -m pipeline tokenizer --run "$run"
    mkdir -p "$bundle"
    tar -C "$run" -cf - tokenizer.json tokens_train.npy tokens_val.npy docs_val.jsonl split.json shards.json \
      | xz -T2 -6 > "$bundle/run.tar.xz"
    ls -l "$bundle/run.tar.xz"
    size=$(stat -c %s "$bundle/run.tar.xz")
    [ "$size" -lt $((60 * 1024 * 1024)) ] || { echo "bundle is over 60 MiB: lower the corpus weights" >&2; exit 1; }
    ;;
  run)
    out="${2:?usage: train_gpu.sh run OUT}"
    [ -f "$bundle/run.tar.xz" ] || { echo "no $bundle/run.tar.xz: run 'train_gpu.sh pack' first and carry it" >&2; exit 2; }
    run="${RUN:-/tmp/unmask-gpu-run}"
    mkdir -p "$run" "$out"
    xz -dc "$bundle/run.tar.xz" | tar -C "$run" -xf -
    start=$(date +%s)
    if [ "${NPROC:-1}" -gt 1 ]; then
      UNMASK_RUN="$run" "$py" -m torch.distributed.run --standalone --nproc_per_node "$NPROC" -m pipeline train --preset "$preset" --fresh
    else
      "$py" -m pipeline train --run "$run" --preset "$preset" --fresh
    fi
    "$py" -m pipeline export --run "$run"
    "$py" -m pipeline quantize --run "$run"
    "$py" -m pipeline evaluate --run "$run" --onnx "$run/model_q4e8.onnx" --samples 4 --t-samples 2048 > /dev/null
    cp "$run"/model_q4.onnx "$run"/model_q4e8.onnx "$run"/*.json "$run"/train_log.jsonl "$out"/
    echo "done in $(( $(date +%s) - start )) s; artefacts in $out"
    ;;
  ship)
    out="${2:?usage: train_gpu.sh ship OUT}"
    run="${RUN:-$HOME/.cache/unmask/runs/gpu-pack}"
    cp "$out"/model_q4.onnx "$out"/model_q4e8.onnx "$out"/*.json "$run"/
    "$py" -m pipeline ship --run "$run" --variant "${VARIANT:-q4e8}" --out "${SHIP_OUT:-$here}"
    ;;
  *)
    sed -n '2,13p' "$0"; exit 2 ;;
esac
