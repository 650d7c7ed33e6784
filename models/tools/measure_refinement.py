"""Measures what refinement (SAMPLING.md, "Refinement") does to samples of a shipped model: share of
invented words (lowercase alphabetic words never seen in the training books), share of repeated
word 3-grams, share of generated tokens refinement changed, forward passes and time per sample.

Fresh prompts (written for this, not from the books), the app's defaults (margin, T 0.8, top-p 0.95)
at 32 steps and 48 new tokens, refinement rounds x re-masked fraction as given. A row of held-out
text (the validation books, cut to the same length) gives the level of real prose.

Run from the repository root (one thread, niced: it shares the machine with training):
  nice -n 10 models/.venv/bin/python models/tools/measure_refinement.py \
      --model models/unmask-small --train-docs /work/runs/cpu/docs_train.jsonl \
      --val-docs /work/runs/cpu/docs_val.jsonl --out /tmp/refinement.json
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "models"))
from pipeline.generate import never_emitted_of, onnx_logits, onnx_session  # noqa: E402
from pipeline.quality import repeated_counts, vocabulary_of, words  # noqa: E402
from pipeline.sampler import Settings, build_canvas, unmask  # noqa: E402

PROMPTS = [
    "The lighthouse keeper climbed the stairs every evening",
    "When the snow finally melted, the children ran",
    "My grandmother kept a small wooden box under her bed",
    "The train stopped in the middle of a field",
    "Nobody in the village had ever seen a ship so large",
    "The cat sat by the window and watched the rain",
    "He opened the letter slowly, afraid of what it might say",
    "At the edge of the forest there was a cottage with a blue gate",
]


class Tally:
    def __init__(self):
        self.words = self.invented = self.rep = self.grams = self.changed = self.generated = 0
        self.passes, self.seconds, self.samples = [], [], []

    def add(self, prompt: str, generated: str, vocab: set[str]):
        gen = words(generated)
        self.words += len(gen)
        self.invented += sum(w not in vocab for w in gen)
        r, g = repeated_counts(words(prompt + generated))
        self.rep += r
        self.grams += g

    def row(self) -> dict:
        return {
            "invented_words": self.invented / max(self.words, 1),
            "repeated_word_3grams": self.rep / max(self.grams, 1),
            "changed_tokens": self.changed / max(self.generated, 1),
            "forward_passes": float(np.mean(self.passes)) if self.passes else 0.0,
            "seconds_per_sample": float(np.mean(self.seconds)) if self.seconds else 0.0,
            "words": self.words,
        }


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", type=Path, default=ROOT / "models" / "unmask-small")
    ap.add_argument("--train-docs", type=Path, required=True)
    ap.add_argument("--val-docs", type=Path, help="held-out books for the real-text row")
    ap.add_argument("--rounds", default="0,2,4,8")
    ap.add_argument("--fractions", default="0.1,0.2,0.3")
    ap.add_argument("--seeds", type=int, default=2, help="samples per prompt")
    ap.add_argument("--steps", type=int, default=32)
    ap.add_argument("--length", type=int, default=48)
    ap.add_argument("--strategy", default="margin")
    ap.add_argument("--out", type=Path)
    a = ap.parse_args(argv)

    from tokenizers import Tokenizer

    sess = onnx_session(a.model / "model.onnx", threads=1)
    tok = Tokenizer.from_file(str(a.model / "tokenizer.json"))
    cfg = json.loads((a.model / "config.json").read_text())
    sp = cfg["special_ids"]
    never = never_emitted_of(cfg)  # SAMPLING.md 2a, as the app reads it
    vocab = vocabulary_of(a.train_docs)
    print(f"training vocabulary: {len(vocab)} words", flush=True)

    logits = onnx_logits(sess)

    configs = [(0, 0.0)] + [
        (r, f) for r in map(int, a.rounds.split(",")) if r > 0 for f in map(float, a.fractions.split(","))
    ]
    rows = []
    for rounds, fraction in configs:
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
                    steps=a.steps,
                    temperature=0.8,
                    topP=0.95,
                    noRepeatNgram=0,  # the sampler these tables in models/README.md measured
                    strategy=a.strategy,
                    seed=100 * j + seed,
                    refineRounds=rounds,
                    refineFraction=fraction or 0.2,
                )
                t0 = time.perf_counter()
                frames = list(unmask(ids, fixed, logits, s, never, sp["mask"]))
                t.seconds.append(time.perf_counter() - t0)
                t.passes.append(len(frames))
                before = [f for f in frames if f.phase == "unmask"][-1].ids
                final = frames[-1].ids
                gen = fixed == 0
                t.changed += int(np.sum(before[gen] != final[gen]))
                t.generated += int(gen.sum())
                text = tok.decode(final[gen].tolist())
                t.add(prompt, text, vocab)
                t.samples.append(prompt + text)
        row = {"rounds": rounds, "fraction": fraction if rounds else None} | t.row()
        row["example"] = t.samples[0]
        rows.append(row)
        print(json.dumps(row), flush=True)

    if a.val_docs:
        # Real prose cut to samples of the same size: prompt-length context plus `length` tokens.
        t = Tally()
        rng = np.random.default_rng(0)
        paras = [p for line in a.val_docs.open() for p in json.loads(line)["paragraphs"] if len(p) > 400]
        for p in rng.choice(len(paras), size=len(PROMPTS) * a.seeds, replace=False):
            ids = tok.encode(paras[p]).ids
            head, body = ids[:10], ids[10 : 10 + a.length]
            t.add(tok.decode(head), tok.decode(body), vocab)
        rows.append({"rounds": "real text", "fraction": None} | t.row())
        print(json.dumps(rows[-1]), flush=True)

    if a.out:
        a.out.write_text(
            json.dumps(
                {
                    "settings": vars(a)
                    | {
                        "model": str(a.model),
                        "train_docs": str(a.train_docs),
                        "val_docs": str(a.val_docs),
                        "out": str(a.out),
                    },
                    "rows": rows,
                },
                indent=1,
            )
            + "\n"
        )
    print(
        "\n| rounds | fraction | invented words | repeated word 3-grams | tokens changed | forward passes | s/sample |"
    )
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        fr = "-" if r["fraction"] is None else f"{r['fraction']:.2f}"
        print(
            f"| {r['rounds']} | {fr} | {100 * r['invented_words']:.1f} % | {100 * r['repeated_word_3grams']:.1f} % "
            f"| {100 * r['changed_tokens']:.1f} % | {r['forward_passes']:.0f} | {r['seconds_per_sample']:.2f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
