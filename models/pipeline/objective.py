"""The training objective, shown in the page (the explainer's noise panel) and checked here as its twin.

Writes `passages.json`: a few passages of the run's validation books (text and token ids, a window of
the model's context each, at most 30 kB in all), the only corpus text in git. The page masks a passage at
noise level t with the seeded generator both sides share (SAMPLING.md, "Randomness"), runs one forward
pass, and reports the loss at t (the bound's integrand; training lowers the same cross-entropy, weighted
over t as its recipe says: the card's "Loss" line). The same definitions live in src/engine/objective.ts;
`objective_cases.json` holds this side's numbers on the shipped graph for the TypeScript twin test.

Definitions (natural logs inside, bits outside):
  draw        slot i masked iff rng() < t, for the generator seeded with draw_seed(seed, draw);
  per token   -log2 p(true token | noisy passage) at each masked slot, over the whole vocabulary (the
              bound's definition in the card);
  integrand   (1/t) * sum over masked slots of -ln p / L  (nats per token), the ELBO's value at t;
  bound       its integral over t in (0, 1], by the midpoint rule on K equal strata (the mean of the
              integrand at t_k = (k + 1/2) / K over draws and passages), in bits per byte:
              nats per token / ln 2 * tokens / UTF-8 bytes of the passages.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

from .errors import PipelineError
from .sampler import Rng
from .specials import MASK_ID, NEWLINE_PIECE

MAX_BYTES = 30_000


def draw_seed(seed: int, draw: int) -> int:
    """The generator's seed for one draw of a passage's noise: the first 32-bit output of the generator
    seeded with seed + draw * 0x632BE5AB. Hashed, because seeds a multiple of the Weyl step apart would give
    the same stream shifted by one (seed + draw * 0x9E3779B9 made draw 1 draw 0 minus its first value)."""
    return int(Rng((seed + draw * 0x632BE5AB) & 0xFFFFFFFF)() * 2**32)


def noise_mask(n: int, t: float, seed: int, draw: int = 0) -> np.ndarray:
    """Which of n slots the forward process masks at level t (boolean [n])."""
    rng = Rng(draw_seed(seed, draw))
    return np.array([rng() < t for _ in range(n)], dtype=bool)


def log_softmax(rows: np.ndarray) -> np.ndarray:
    rows = np.asarray(rows, dtype=np.float64)
    m = rows.max(axis=-1, keepdims=True)
    return rows - m - np.log(np.exp(rows - m).sum(axis=-1, keepdims=True))


def score(logits_fn, ids: list[int], t: float, seed: int, draw: int = 0) -> dict:
    """One draw: the masked canvas, one forward pass, and the loss on it."""
    ids = np.asarray(ids, dtype=np.int64)
    masked = noise_mask(len(ids), t, seed, draw)
    at = np.flatnonzero(masked)
    if at.size == 0:
        return {"masked": [], "bits_per_masked_token": None, "integrand_nats": 0.0}
    noisy = np.where(masked, MASK_ID, ids)
    lp = log_softmax(logits_fn(noisy, at))  # [masked, V]: a 1-D canvas gives rows without a batch axis
    nll = -lp[np.arange(at.size), ids[at]]
    return {
        "masked": at.tolist(),
        "bits_per_masked_token": float(nll.mean() / math.log(2)),
        "integrand_nats": float(nll.sum() / (t * len(ids))),
    }


def curve_points(k: int) -> list[float]:
    return [(i + 0.5) / k for i in range(k)]


def bound_bits_per_byte(logits_fn, passages: list[dict], points: int, draws: int, seed: int) -> dict:
    """The loss over t and the bound it integrates to, on `passages` (each with ids and text)."""
    curve = []
    for t in curve_points(points):
        vals = [
            score(logits_fn, p["ids"], t, seed + j, d)["integrand_nats"]
            for j, p in enumerate(passages)
            for d in range(draws)
        ]
        curve.append({"t": t, "integrand_nats": float(np.mean(vals))})
    nats = float(np.mean([c["integrand_nats"] for c in curve]))
    tokens = sum(len(p["ids"]) for p in passages)
    nbytes = sum(len(p["text"].encode()) for p in passages)
    return {"curve": curve, "nats_per_token": nats, "bits_per_byte": nats / math.log(2) * tokens / nbytes}


def pick_passages(docs: list[dict], tok, count: int, tokens: int, least: int | None = None) -> list[dict]:
    """One passage from each of up to `count` validation books (at least `least`, by default all `count`;
    the longest first, spread across folders): from a
    paragraph a third of the way in (past front matter), paragraphs joined by newlines as in training, cut
    to `tokens` ids. The text is what those ids decode to, so text and ids always agree."""
    nl = tok.token_to_id(NEWLINE_PIECE)
    books = sorted(docs, key=lambda d: -len(d["paragraphs"]))
    seen_folders: set[str] = set()
    chosen = [d for d in books if d["folder"] not in seen_folders and not seen_folders.add(d["folder"])]
    chosen += [d for d in books if d not in chosen]
    out = []
    for d in chosen:
        paras = d["paragraphs"]
        ids: list[int] = []
        for p in paras[len(paras) // 3 :]:
            ids += tok.encode(p).ids + [nl]
            if len(ids) >= tokens:
                break
        if len(ids) < tokens:
            continue
        ids = ids[:tokens]
        book = {"book": f"{d['folder']}/{d['file']}"} | {k: d[k] for k in ("title", "author") if k in d}
        out.append(book | {"text": tok.decode(ids, skip_special_tokens=False), "ids": ids})
        if len(out) == count:
            break
    if len(out) < (count if least is None else least):
        raise PipelineError(f"the validation books hold {len(out)} passages of {tokens} tokens, not {count}")
    return out


def write_passages(run: Path, dest: Path, count: int = 8, tokens: int = 112, least: int | None = None) -> dict:
    """passages.json in the shipped model's folder, with the card's bound for the same model beside them.
    `least`: ship takes what a small rehearsal's split holds (one book may be all it has); the shipped
    model's own passages are held to `count` by tests/test_objective.py."""
    from .runfolder import run_file
    from .tokenizer import load_tokenizer

    tok = load_tokenizer(dest / "tokenizer.json")
    docs = [json.loads(line) for line in open(run_file(run, "docs_val.jsonl"))]
    passages = pick_passages(docs, tok, count, tokens, least)
    card = json.loads((dest / "config.json").read_text()).get("evaluation", {})
    out = {
        "about": "Passages of the pipeline's validation books (public domain), which the model never trained on.",
        "card_bits_per_byte": card.get("bits_per_byte"),
        "passages": passages,
    }
    text = json.dumps(out, ensure_ascii=False, separators=(",", ":")) + "\n"
    if len(text.encode()) > MAX_BYTES:
        raise PipelineError(f"passages.json would be {len(text.encode())} bytes, over the {MAX_BYTES} allowed")
    (dest / "passages.json").write_text(text)
    return {"passages": len(passages), "bytes": len(text.encode())}


def write_cases(dest: Path, logits_fn) -> dict:
    """fixtures/objective_cases.json: this side's draws and losses on the shipped graph, for the TS twin."""
    passages = json.loads((dest / "passages.json").read_text())["passages"]
    cases = []
    for i, (t, seed, draw) in enumerate([(0.15, 7, 0), (0.5, 7, 1), (0.85, 11, 0), (1.0, 3, 0)]):
        p = passages[i % len(passages)]
        cases.append(
            {"passage": i % len(passages), "t": t, "seed": seed, "draw": draw}
            | score(logits_fn, p["ids"], t, seed, draw)
        )
    curve = bound_bits_per_byte(logits_fn, passages[:2], points=8, draws=1, seed=5)
    # The panel's own button on its first draw (src/ui/explain/noiseView.ts): every passage, 10 t, 2 draws.
    panel = bound_bits_per_byte(logits_fn, passages, points=10, draws=2, seed=1)
    fixture = {
        "cases": cases,
        "curve": {"passages": [0, 1], "points": 8, "draws": 1, "seed": 5} | curve,
        "panel": {"points": 10, "draws": 2, "seed": 1} | panel,
    }
    (dest / "fixtures" / "objective_cases.json").write_text(json.dumps(fixture, indent=1) + "\n")
    return {"cases": len(cases), "bits_per_byte": curve["bits_per_byte"]}
