"""The Python twin of src/engine: the same rulebook (src/engine/SAMPLING.md), used for the model
card's samples, the repetition figures and the golden generation file the web engine is held to."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

STRATEGIES = ("confidence", "margin", "entropy", "random", "blocks", "left-to-right")
INNER = ("confidence", "margin", "entropy", "random")


@dataclass
class Settings:
    steps: int = 32
    temperature: float = 0.8
    topK: int = 0
    topP: float = 0.95
    seed: int = 1
    schedule: str = "linear"
    strategy: str = "confidence"
    blockLength: int = 32
    blockStrategy: str = "confidence"
    repetitionPenalty: float = 1.0
    repetitionWindow: int = 16


class Rng:
    """Weyl sequence through MurmurHash3's finaliser; bit-identical to src/engine's generator."""

    def __init__(self, seed: int):
        self.state = seed & 0xFFFFFFFF

    def __call__(self) -> float:
        self.state = (self.state + 0x9E3779B9) & 0xFFFFFFFF
        z = self.state
        z = ((z ^ (z >> 16)) * 0x85EBCA6B) & 0xFFFFFFFF
        z = ((z ^ (z >> 13)) * 0xC2B2AE35) & 0xFFFFFFFF
        z ^= z >> 16
        return z / 2**32


def planned_steps(m: int, s: Settings) -> int:
    if m == 0:
        return 0
    if s.strategy == "left-to-right":
        return m
    return min(max(int(math.floor(s.steps + 0.5)), 1), m)


def schedule_counts(m: int, steps: int, kind: str = "linear") -> list[int]:
    """n(k) for k = 0..S-1: at least one per step, all m by the last."""
    out, prev = [], 0
    for k in range(steps):
        if kind == "cosine":
            f = math.floor(m * (1 - math.cos(math.pi / 2 * (k + 1) / steps)) + 0.5)
        else:
            f = (m * (k + 1)) // steps
        c = max(prev + 1, min(f, m - (steps - 1 - k)))
        out.append(c - prev)
        prev = c
    return out


def build_canvas(segments: list[dict], encode: Callable[[str], list[int]], mask_id: int, context: int):
    ids: list[int] = []
    fixed: list[int] = []
    for seg in segments:
        if seg["kind"] == "text":
            t = encode(seg["text"])
            ids += t
            fixed += [1] * len(t)
        else:
            ids += [mask_id] * seg["length"]
            fixed += [0] * seg["length"]
    if len(ids) > context:
        raise ValueError(f"canvas of {len(ids)} tokens exceeds the context of {context}")
    return np.array(ids, dtype=np.int64), np.array(fixed, dtype=np.uint8)


def _softmax(l: np.ndarray) -> np.ndarray:
    m = l.max()
    e = np.exp(l - m)
    return e / e.sum()


@dataclass
class Frame:
    step: int
    total_steps: int
    ids: np.ndarray
    resolved: list[int]
    confidences: list[float] = field(default_factory=list)


def unmask(ids: np.ndarray, fixed: np.ndarray, logits_fn: Callable[[np.ndarray], np.ndarray], s: Settings,
           special_ids: tuple[int, ...], mask_id: int):
    """Yields one Frame per step. `logits_fn(ids[N]) -> [N, V]`."""
    ids = ids.copy()
    masked0 = [i for i in range(len(ids)) if not fixed[i]]
    m = len(masked0)
    steps = planned_steps(m, s)
    counts = schedule_counts(m, steps, s.schedule) if steps else []
    rank = {p: r for r, p in enumerate(masked0)}
    rng = Rng(s.seed)
    inner = s.blockStrategy if s.strategy == "blocks" else s.strategy
    special = np.array(special_ids)
    log_r = math.log(s.repetitionPenalty) if s.repetitionPenalty != 1 else 0.0
    for k in range(steps):
        logits = np.asarray(logits_fn(ids), dtype=np.float64)
        masked = [i for i in range(len(ids)) if ids[i] == mask_id and not fixed[i]]
        cand: dict[int, tuple[int, float, float]] = {}
        for i in masked:
            l = logits[i].copy()
            l[special] = -np.inf
            if log_r:
                lo, hi = max(0, i - s.repetitionWindow), min(len(ids), i + s.repetitionWindow + 1)
                seen = {int(ids[j]) for j in range(lo, hi) if j != i and ids[j] != mask_id and ids[j] not in special_ids}
                if seen:
                    l[list(seen)] -= log_r
            p = _softmax(l)
            if s.temperature == 0:
                x = int(np.argmax(l))  # numpy's argmax takes the first (lowest id) on a tie
            else:
                q = _softmax((l - l.max()) / s.temperature)  # shift first: a tiny T must not overflow
                order = np.lexsort((np.arange(len(q)), -q))  # q descending, id ascending
                order = order[q[order] > 0]  # specials (and underflowed ids) can never be drawn
                keep = order[: s.topK] if s.topK > 0 else order
                if s.topP < 1:
                    cs = np.cumsum(q[keep])
                    keep = keep[: int(np.searchsorted(cs, s.topP)) + 1]
                u = rng() * q[keep].sum()
                acc, x = 0.0, int(keep[-1])
                for v in keep:
                    acc += q[v]
                    if acc > u:
                        x = int(v)
                        break
            conf = float(p[x])
            if inner == "confidence":
                score = conf
            elif inner == "margin":
                top2 = np.partition(p, -2)[-2:]
                score = float(top2.max() - top2.min())
            elif inner == "entropy":
                nz = p[p > 0]
                score = float((nz * np.log(nz)).sum())
            elif inner == "random":
                score = rng()
            else:  # left-to-right
                score = -float(i)
            cand[i] = (x, conf, score)
        block = (lambda i: rank[i] // s.blockLength) if s.strategy == "blocks" else (lambda i: 0)
        chosen = sorted(masked, key=lambda i: (block(i), -cand[i][2], i))[: counts[k]]
        chosen.sort()
        for i in chosen:
            ids[i] = cand[i][0]
        yield Frame(k + 1, steps, ids.copy(), chosen, [cand[i][1] for i in chosen])


def repeated_trigram_share(ids) -> float:
    """Share of 3-grams that already occurred earlier in the same sequence (about 1 % in real text)."""
    seen, rep, n = set(), 0, 0
    for j in range(len(ids) - 2):
        g = (int(ids[j]), int(ids[j + 1]), int(ids[j + 2]))
        n += 1
        rep += g in seen
        seen.add(g)
    return rep / n if n else 0.0
