"""Candidate app defaults on the card's own quality measure (issue 21 §3): invented words and repeated
word 3-grams of 256 samples (16 fresh prompts x 16 seeds, 48 new tokens), exactly as `evaluate` scores
the app's defaults, once per candidate; each row also counts the forward passes a run takes.

Run from the repository root (one thread, niced: it shares the machine with training):
  nice -n 10 models/.venv/bin/python models/tools/measure_defaults.py --run $R --out /tmp/defaults.json \\
      --candidate '{}' --candidate '{"repetitionPenalty": 1.1}'
A candidate's "seed" (a list of 16) draws another set of samples: '{"seed": [17, ..., 32]}'.
`$R` is a run folder that `evaluate` has scored (its word_vocab.json is the training vocabulary).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "models"))

from pipeline.evaluate import DEFAULT_SEEDS, defaults_quality  # noqa: E402
from pipeline.generate import onnx_logits, onnx_session  # noqa: E402
from pipeline.quality import training_vocabulary  # noqa: E402


def counted(fn):
    """`fn`, counting its calls: one call is one forward pass."""
    calls = [0]

    def wrapped(*a, **k):
        calls[0] += 1
        return fn(*a, **k)

    return wrapped, calls


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", type=Path, default=ROOT / "models" / "unmask-small")
    ap.add_argument("--run", type=Path, required=True)
    ap.add_argument("--candidate", action="append", default=[], help="JSON settings overrides ('{}': the defaults)")
    ap.add_argument("--out", type=Path)
    a = ap.parse_args(argv)

    from tokenizers import Tokenizer

    sess = onnx_session(a.model / "model.onnx", threads=1)
    tok = Tokenizer.from_file(str(a.model / "tokenizer.json"))
    context = json.loads((a.model / "config.json").read_text())["context"]
    vocab = training_vocabulary(a.run)
    rows = []
    for c in a.candidate or ["{}"]:
        overrides = json.loads(c)
        # "seed" names the seeds of the 16 runs per prompt (another set of samples); defaults_quality
        # sets each run's seed itself and would otherwise drop it without a word.
        seeds = overrides.pop("seed", list(DEFAULT_SEEDS))
        fn, calls = counted(onnx_logits(sess))
        t0 = time.time()
        q = defaults_quality(fn, tok, context, vocab, seeds=tuple(seeds), overrides=overrides)
        row = {
            "overrides": overrides,
            "seeds": seeds,
            "invented": q["invented_word_share"],
            "invented_se": q["invented_word_share_std_error"],
            "repeated_3grams": q["repeated_word_3gram_share"],
            "doubled": q["doubled_word_share"],
            "words": q["words"],
            "passes_per_run": calls[0] / q["samples"],
            "seconds": round(time.time() - t0, 1),
        }
        rows.append(row)
        print(json.dumps(row), flush=True)
    if a.out:
        a.out.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
