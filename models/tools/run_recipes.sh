#!/usr/bin/env bash
# The recipe table of the model card (issue 21 §2): each recipe trains for the same budget of the process's
# CPU time (max_cpu_minutes, so other work on the machine does not give one recipe more compute than another),
# from the same start, one after another, niced. Rows (a)-(c) and (e) continue from the shipped weights;
# (d) and its baseline start from scratch. Each run folder links the shared token shards.
#   usage: tools/run_recipes.sh DATA_RUN OUT_DIR CPU_MINUTES [recipe ...]
set -euo pipefail
cd "$(dirname "$0")/.."
data=$1 out=$2 budget=$3
shift 3
py=.venv/bin/python
common=(--preset cpu --set max_minutes=1000 --set "max_cpu_minutes=$budget" --set warmup_steps=100
  --set decay_frac=0.3 --set eval_every=100000 --set log_every=25)
cont=(--init unmask-small/weights.pt --set lr=3e-4)
scratch=(--set lr=1.5e-3)
declare -A recipe=(
  [base]="${cont[*]}"
  [subs]="${cont[*]} --set subs=true"
  [logitnormal]="${cont[*]} --set t_dist=logitnormal"
  [flat]="${cont[*]} --set weighting=one"
  [muon]="${cont[*]} --set optimizer=muon"
  [grow8]="--init $out/grown8.pt --set lr=3e-4 --set model.n_layers=8"
  [scratch]="${scratch[*]}"
  [scratch-arch]="${scratch[*]} --set model.activation=relu2 --set model.qk_norm=true --set model.zero_init=true"
)
mkdir -p "$out"
[ -f "$out/grown8.pt" ] || $py -m pipeline grow --init unmask-small/weights.pt --config unmask-small/config.json \
  --layers 8 --out "$out/grown8.pt"
for name in "${@:-base subs muon grow8 logitnormal flat scratch scratch-arch}"; do
  for n in $name; do
    run=$out/$n
    [ -f "$run/train_summary.json" ] && { echo "$n: done already"; continue; }
    mkdir -p "$run"
    for f in tokens_train.npy tokens_val.npy tokenizer.json shards.json split.json docs_val.jsonl docs_train.jsonl; do
      ln -sf "$(realpath "$data/$f")" "$run/$f"
    done
    echo "$(date -u +%H:%M) $n: ${recipe[$n]}"
    # shellcheck disable=SC2086  # the recipe's words are separate arguments
    nice -n 10 $py -m pipeline train --run "$run" "${common[@]}" ${recipe[$n]} > "$run/train.out" 2>&1
    $py -c "import json,sys; s=json.load(open(sys.argv[1])); print(sys.argv[2], s['steps'], s['tokens_seen'], s['cpu_s'], round(s['val_bound'],4), round(s['val_bound_subs'],4))" \
      "$run/train_summary.json" "$n"
  done
done
