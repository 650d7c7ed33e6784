"""Does the model know books, or English? The uncapped bound on books the training stream repeated
against books it never held, per kind of book (children's books, fairy tales, novels), on the same fixed
batches as training's validation (issue 21: "more sense per CPU hour").

A weight below 1 in `prepare` keeps a fixed subset of a folder's books in every epoch
(`tokenizer.book_repeats`): with the novels at 0.3, about a quarter of them were seen some 25 times and
the rest never. This tool groups the run's training books by how often its stream held them and scores
each group beside the validation books, so a gap between "seen" and "never seen" books of one kind is
memorisation, not difficulty.

Run from the repository root (one thread, niced: it shares the machine with training):
  nice -n 10 models/.venv/bin/python models/tools/measure_seen_unseen.py --run $R \\
      --weights models/unmask-small/weights.pt --stream-of $R_OF_THE_TRAINING_RUN
`--stream-of`: the run folder whose weighted stream trained the model (its docs and weights decide
which books were seen); `--run`'s own folder by default.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "models"))

from pipeline.model import Denoiser, ModelConfig  # noqa: E402
from pipeline.prepare import read_docs  # noqa: E402
from pipeline.tokenizer import book_repeats, encode_book, load_tokenizer  # noqa: E402
from pipeline.train import fixed_val_batches, validation_bound  # noqa: E402
from pipeline.warmstart import load_warm_start  # noqa: E402

# The kinds of book: each corpus folder of the core on its own, the novels' folders together.
KINDS = {"ChiLit": "children's books", "Grimm": "fairy tales"}


def book_tokens(tok, docs: list[dict], paragraphs: int) -> np.ndarray:
    """The books' opening paragraphs as one stream, encoded as training encodes them."""
    return np.asarray([i for d in docs for i in encode_book(tok, d["paragraphs"][:paragraphs])], dtype=np.uint16)


def groups(stream_of: Path, seed: int) -> dict[str, list[dict]]:
    train = read_docs(stream_of / "docs_train.jsonl")
    seen = book_repeats(train, weighted=True, rng=random.Random(seed))
    val = read_docs(stream_of / "docs_val.jsonl")
    kind = lambda d: KINDS.get(d["folder"], "novels")  # noqa: E731
    out: dict[str, list[dict]] = {}
    for d, n in zip(train, seen):
        out.setdefault(f"{kind(d)}, training books held {n}× per epoch", []).append(d)
    for d in val:
        out.setdefault(f"{kind(d)}, validation books", []).append(d)
    return dict(sorted(out.items()))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--run", type=Path, required=True, help="a run folder with tokenizer.json and train_config.json")
    ap.add_argument("--weights", type=Path, required=True, help="weights.pt or model.onnx to score")
    ap.add_argument("--stream-of", type=Path, help="the run whose training stream trained these weights")
    ap.add_argument("--books", type=int, default=8, help="books drawn per group")
    ap.add_argument("--paragraphs", type=int, default=400, help="opening paragraphs per book")
    ap.add_argument("--batches", type=int, default=6, help="fixed batches of 64 windows per group")
    ap.add_argument("--seed", type=int, default=0, help="the tokenizer step's seed (it decides the stream)")
    ap.add_argument("--out", type=Path)
    a = ap.parse_args(argv)

    torch.set_num_threads(1)
    cfg = ModelConfig(**json.loads((a.run / "train_config.json").read_text())["model"])
    model = Denoiser(cfg)
    model.load_state_dict(load_warm_start(a.weights, cfg))
    tok = load_tokenizer(a.run / "tokenizer.json")
    draw = random.Random(1)
    rows = []
    for name, docs in groups(a.stream_of or a.run, a.seed).items():
        picked = draw.sample(docs, min(a.books, len(docs)))
        ids = book_tokens(tok, picked, a.paragraphs)
        b = validation_bound(model, fixed_val_batches(ids, cfg.context, 64, a.batches), torch.device("cpu"))
        row = {"group": name, "books": len(docs), "scored": len(picked), "tokens": int(ids.size), "bound": round(b, 4)}
        rows.append(row)
        print(json.dumps(row), flush=True)
    if a.out:
        a.out.write_text(json.dumps({"weights": str(a.weights), "rows": rows}, indent=1))


if __name__ == "__main__":
    main()
