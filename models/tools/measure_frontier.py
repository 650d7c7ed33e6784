"""Quality against forward passes (issue 21 §4): invented words and repeated word 3-grams of a shipped
model's samples under the fixed schedules at several step counts and the adaptive schedule at several
thresholds (SAMPLING.md, "Adaptive unmasking"), each without and with refinement. The app's default
is chosen from this frontier (models/README.md).

Same prompts, sampling (margin, T 0.8, top-p 0.95), length and counting as measure_refinement.py.
Run from the repository root (one thread, niced: it shares the machine with training):
  nice -n 10 models/.venv/bin/python models/tools/measure_frontier.py \
      --train-docs $R/docs_train.jsonl --out /tmp/frontier.json
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "models"))
sys.path.insert(0, str(ROOT / "models" / "tools"))
from measure_refinement import PROMPTS, Tally  # noqa: E402

from pipeline.generate import never_emitted_of, onnx_logits, onnx_session  # noqa: E402
from pipeline.quality import vocabulary_of  # noqa: E402
from pipeline.sampler import Settings, build_canvas, unmask  # noqa: E402


def configs(fixed_steps: list[int], thresholds: list[float], budgets: list[int], rounds: list[int]):
    """(label, settings overrides) for every row of the table: each fixed step count, and each
    threshold under each steps budget (the most passes an adaptive run may take)."""
    out = []
    for r in rounds:
        out += [(f"linear {s} steps", {"schedule": "linear", "steps": s, "refineRounds": r}) for s in fixed_steps]
        out += [
            (f"adaptive {t}, at most {b}", {"schedule": "adaptive", "threshold": t, "steps": b, "refineRounds": r})
            for b in budgets
            for t in thresholds
        ]
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", type=Path, default=ROOT / "models" / "unmask-small")
    ap.add_argument("--train-docs", type=Path, required=True)
    ap.add_argument("--steps", default="16,24,32,48", help="fixed (linear) step counts ('' for none)")
    ap.add_argument("--thresholds", default="0.1,0.2,0.3,0.5")
    ap.add_argument("--budgets", default="", help="adaptive steps budgets (default: the length, one per slot)")
    ap.add_argument("--rounds", default="0,2", help="refinement rounds (fraction 0.2) on top of each")
    ap.add_argument("--seeds", type=int, default=8, help="samples per prompt")
    ap.add_argument("--length", type=int, default=48)
    ap.add_argument("--out", type=Path)
    a = ap.parse_args(argv)

    from tokenizers import Tokenizer

    sess = onnx_session(a.model / "model.onnx", threads=1)
    tok = Tokenizer.from_file(str(a.model / "tokenizer.json"))
    cfg = json.loads((a.model / "config.json").read_text())
    sp = cfg["special_ids"]
    vocab = vocabulary_of(a.train_docs)
    logits = onnx_logits(sess)
    special = never_emitted_of(cfg)  # SAMPLING.md 2a, as the app reads it

    rows = []
    ints = lambda text: [int(x) for x in text.split(",") if x]  # noqa: E731
    grid = configs(
        ints(a.steps),
        [float(t) for t in a.thresholds.split(",") if t],
        ints(a.budgets) or [a.length],
        ints(a.rounds),
    )
    for label, over in grid:
        t = Tally()
        for j, prompt in enumerate(PROMPTS):
            ids, fixed = build_canvas(
                [{"kind": "text", "text": prompt}, {"kind": "blank", "length": a.length}],
                lambda s: tok.encode(s).ids,
                sp["mask"],
                cfg["context"],
            )
            for seed in range(1, a.seeds + 1):
                s = Settings(
                    temperature=0.8, topP=0.95, strategy="margin", noRepeatNgram=0, seed=100 * j + seed, **over
                )
                t0 = time.perf_counter()
                frames = list(unmask(ids, fixed, logits, s, special, sp["mask"]))
                t.seconds.append(time.perf_counter() - t0)
                t.passes.append(len(frames))
                gen = fixed == 0
                text = tok.decode(frames[-1].ids[gen].tolist())
                t.add(prompt, text, vocab)
                t.samples.append(prompt + text)
        row = {"config": label, "refine_rounds": over["refineRounds"]} | t.row()
        row["samples"] = len(t.samples)
        row["example"] = t.samples[0]
        rows.append(row)
        print(json.dumps(row), flush=True)

    if a.out:
        a.out.write_text(json.dumps({"settings": {k: str(v) for k, v in vars(a).items()}, "rows": rows}, indent=1))
    print("\n| schedule | refinement | forward passes | invented words | repeated word 3-grams |")
    print("|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['config']} | {r['refine_rounds']} rounds | {r['forward_passes']:.1f} "
            f"| {100 * r['invented_words']:.2f} % | {100 * r['repeated_word_3grams']:.2f} % |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
