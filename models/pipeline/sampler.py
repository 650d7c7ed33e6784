"""The Python twin of src/engine: the same rulebook (src/engine/SAMPLING.md), used for the model
card's samples, the repetition figures and the golden generation file the web engine is held to."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from .specials import SPECIAL_IDS

STRATEGIES = ("confidence", "margin", "entropy", "random", "blocks", "left-to-right")
INNER = ("confidence", "margin", "entropy", "random")


@dataclass
class Settings:
    steps: int = 32
    temperature: float = 0.7  # with noRepeatNgram 3: the app's defaults (src/engine/settings.ts says why)
    topK: int = 0
    topP: float = 0.95
    seed: int = 1
    schedule: str = "linear"  # or "cosine", or "adaptive" (SAMPLING.md, "Adaptive unmasking")
    threshold: float = 0.9  # adaptive: a slot whose top probability reaches this commits at once
    strategy: str = "margin"  # the app's default too: far fewer repeated 3-grams than confidence (model card)
    blockLength: int = 32
    blockStrategy: str = "confidence"
    repetitionPenalty: float = 1.0
    repetitionWindow: int = 16
    noRepeatNgram: int = 3  # n, 2..6: no draw repeats an n-gram of tokens the canvas holds (SAMPLING.md 2b')
    # Refinement rounds after unmasking (SAMPLING.md, "Refinement"), 0 = off. On by default, as in the
    # app: shipped model, 8 prompts x 4 seeds, margin, T 0.8, 32 steps, 48 tokens: invented words
    # 5.2 % -> 3.5 %, repeated word 3-grams 0.2 % -> 0.6 % (real text 0.4 %), passes 32 -> 46.
    refineRounds: int = 2
    refineFraction: float = 0.2  # share of the generated tokens re-masked per round


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


def refine_shape(m: int, s: Settings) -> tuple[int, int, int]:
    """(rounds R, tokens re-masked per round K, steps per round S_r); all 0 when refinement is off."""
    rounds = int(s.refineRounds) if m > 0 and s.refineRounds > 0 else 0
    if rounds == 0:
        return 0, 0, 0
    k = min(max(math.floor(s.refineFraction * m + 0.5), 1), m)
    steps = min(max(-(-(planned_steps(m, s) * k) // m), 1), k)  # ceil(S·K/M): the unmasking's pace
    return rounds, k, steps


def is_adaptive(s: Settings) -> bool:
    """Steps commit by the threshold; left-to-right resolves one token per step under any schedule."""
    return s.schedule == "adaptive" and s.strategy != "left-to-right"


def step_plan(m: int, s: Settings) -> list[tuple[int, int, int, int]]:
    """(round, tokens resolved, tokens re-masked before the pass, steps left in the phase) for every
    step of the run; adaptive: count 0 (the step decides) and the most steps the run may take."""

    def counts(tokens: int, steps: int) -> list[int]:
        if is_adaptive(s):
            return [0] * steps
        return schedule_counts(tokens, steps, "linear" if s.schedule == "adaptive" else s.schedule)

    first = counts(m, planned_steps(m, s)) if m else []
    plan = [(0, c, 0, len(first) - j) for j, c in enumerate(first)]
    rounds, k, steps = refine_shape(m, s)
    again = counts(k, steps)
    for r in range(1, rounds + 1):
        plan += [(r, c, k if j == 0 else 0, len(again) - j) for j, c in enumerate(again)]
    return plan


def total_steps(m: int, s: Settings) -> int:
    """S + R·S_r: every step (forward pass) of the run, refinement included."""
    rounds, _, steps = refine_shape(m, s)
    return planned_steps(m, s) + rounds * steps


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
    phase: str = "unmask"  # or "refine"
    round: int = 0
    remasked: list[int] = field(default_factory=list)  # set back to [MASK] before this step's pass
    draft_ids: np.ndarray | None = None  # [N] argmax id per still-masked slot, -1 elsewhere
    draft_probs: np.ndarray | None = None  # [N] its probability (float32), 0 elsewhere


def repeated_ngram_bans(ids: np.ndarray, i: int, n: int) -> list[int]:
    """SAMPLING.md 2b': the ids slot i may not take, ascending. For each run of n positions holding i
    whose other positions hold known tokens (not [PAD], [MASK] or [EOS]), the id at i's place in every
    other all-known run of the canvas that equals it everywhere else."""
    if n < 2:
        return []
    N = len(ids)
    known = [int(v) not in SPECIAL_IDS for v in ids]
    bans: set[int] = set()
    for o in range(n):
        start = i - o
        if start < 0 or start + n > N or not all(known[start + k] for k in range(n) if k != o):
            continue
        for t in range(N - n + 1):
            if t != start and known[t + o] and all(ids[t + k] == ids[start + k] for k in range(n) if k != o):
                bans.add(int(ids[t + o]))
    return sorted(bans)


def draw(l: np.ndarray, s: Settings, u: float) -> int:
    """2d on one row of logits (2a-2b' applied), with the row's u (unused at temperature 0)."""
    if s.temperature == 0:
        return int(np.argmax(l))  # numpy's argmax takes the first (lowest id) on a tie
    q = np.exp((l - l.max()) / s.temperature)  # shift first: a tiny T must not overflow
    q /= q.sum()
    order = np.argsort(-q, kind="stable")  # q descending, id ascending
    qs = q[order]
    n = int(np.count_nonzero(qs > 0))  # specials (and underflowed ids) can never be drawn
    if s.topK > 0:
        n = min(n, s.topK)
    if s.topP < 1:
        n = min(n, int(np.searchsorted(np.cumsum(qs[:n]), s.topP)) + 1)
    kept = qs[:n]
    j = int(np.searchsorted(np.cumsum(kept), u * kept.sum(), side="right"))  # first running sum > u
    return int(order[min(j, n - 1)])


def commit_in_order(ids, masked, chosen, L, X, conf, us, s):
    """Step 4 under 2b': the chosen slots are written one by one in the order of step 3, each seeing
    the slots this step wrote before it. A draw that would repeat an n-gram of the canvas as it now
    stands, or the token a slot of this step just wrote beside it, is drawn again without it."""
    now: set[int] = set()
    for j in chosen:
        i = int(masked[j])
        banned = set(repeated_ngram_bans(ids, i, s.noRepeatNgram))
        banned |= {int(ids[k]) for k in (i - 1, i + 1) if k in now}
        if int(X[j]) in banned:
            l = L[j].copy()
            l[sorted(banned)] = -np.inf
            if np.isfinite(l).any():
                X[j] = draw(l, s, us[j])
                conf[j] = _softmax(l)[X[j]]
        ids[i] = X[j]
        now.add(i)


def unmask(
    ids: np.ndarray,
    fixed: np.ndarray,
    logits_fn: Callable[[np.ndarray], np.ndarray],
    s: Settings,
    special_ids: tuple[int, ...],
    mask_id: int,
):
    """Yields one Frame per step, unmasking then refinement. `logits_fn(ids[N]) -> [N, V]`."""
    if s.noRepeatNgram != 0 and not 2 <= s.noRepeatNgram <= 6:
        # The app clamps such a value with a sentence (settings.ts); the twin is given settings as run.
        raise ValueError(f"noRepeatNgram {s.noRepeatNgram}: 0 (off) or 2-6, as the app runs it")
    ids = ids.copy()
    masked0 = [i for i in range(len(ids)) if not fixed[i]]
    m = len(masked0)
    plan = step_plan(m, s)
    rng = Rng(s.seed)
    trust = np.zeros(len(ids))  # confidence of each generated token when it was last resolved
    inner = s.blockStrategy if s.strategy == "blocks" else s.strategy
    special = np.array(special_ids)
    # Positions holding these ids are skipped by the penalty. TS skips only the three specials, but a
    # byte piece already has -inf, which the penalty cannot change: the rows agree either way.
    skip = frozenset(int(v) for v in special_ids)
    log_r = math.log(s.repetitionPenalty) if s.repetitionPenalty != 1 else 0.0
    rank_of = np.zeros(len(ids), dtype=np.int64)
    rank_of[masked0] = np.arange(m)
    adaptive = is_adaptive(s)
    step = 0
    for k, (round_, count, remask, left) in enumerate(plan):
        remasked = []
        if remask:
            # Least trusted first, lower position on a tie; only generated positions.
            remasked = sorted(sorted(masked0, key=lambda i: (trust[i], i))[:remask])
            ids[remasked] = mask_id
        masked = np.array([i for i in range(len(ids)) if ids[i] == mask_id and not fixed[i]], dtype=np.int64)
        if len(masked) == 0:
            continue  # only after an adaptive phase ended early: no pass, no frame
        logits = np.asarray(logits_fn(ids), dtype=np.float64)
        # All masked rows at once; only the random draws walk the rows one by one, in position order.
        L = logits[masked]
        L[:, special] = -np.inf
        if log_r:
            for r, i in enumerate(masked):
                lo, hi = max(0, i - s.repetitionWindow), min(len(ids), i + s.repetitionWindow + 1)
                seen = {int(ids[j]) for j in range(lo, hi) if j != i and ids[j] != mask_id and int(ids[j]) not in skip}
                if seen:
                    L[r, list(seen)] -= log_r
        if s.noRepeatNgram:
            for r, i in enumerate(masked):
                bans = repeated_ngram_bans(ids, int(i), s.noRepeatNgram)
                if bans and np.isfinite(np.delete(L[r], bans)).any():  # else the rule gives way
                    L[r, bans] = -np.inf
        P = np.exp(L - L.max(axis=1, keepdims=True))
        P /= P.sum(axis=1, keepdims=True)
        scores = np.zeros(len(masked))
        us = np.zeros(len(masked))  # each row's u (2d): a row drawn again at step 4 reuses it
        X = np.zeros(len(masked), dtype=np.int64)
        for r in range(len(masked)):
            if s.temperature != 0:
                us[r] = rng()
            X[r] = draw(L[r], s, us[r])
            if inner == "random":
                scores[r] = rng()
        draft = np.argmax(L, axis=1)  # lowest id on a tie, at every temperature
        conf = P[np.arange(len(masked)), X]
        if inner == "confidence":
            scores = conf
        elif inner == "margin":
            top2 = np.partition(P, -2, axis=1)[:, -2:]
            scores = top2.max(axis=1) - top2.min(axis=1)
        elif inner == "entropy":
            scores = np.sum(P * np.log(np.where(P > 0, P, 1.0)), axis=1)  # 0 log 0 = 0
        elif inner == "left-to-right":
            scores = -masked.astype(np.float64)
        block = rank_of[masked] // s.blockLength if s.strategy == "blocks" else np.zeros(len(masked), np.int64)
        order = np.lexsort((masked, -scores, block))  # block asc, score desc, position asc
        if adaptive:
            # Every sure slot of the current block, then the best of the rest up to the even pace that
            # finishes the phase within its steps.
            top = P.max(axis=1)
            sure = (block == block.min()) & (top >= s.threshold)
            need = max(1, len(masked) // left) - int(sure.sum())
            pick = np.concatenate([np.flatnonzero(sure), [j for j in order if not sure[j]][: max(0, need)]])
            pick = np.sort(pick.astype(np.int64))
        else:
            pick = np.sort(order[:count])
        if s.noRepeatNgram:
            picked = set(pick.tolist())
            commit_in_order(ids, masked, [j for j in order if j in picked], L, X, conf, us, s)
        else:
            ids[masked[pick]] = X[pick]
        trust[masked[pick]] = conf[pick]
        draft_ids = np.full(len(ids), -1, dtype=np.int32)
        draft_probs = np.zeros(len(ids), dtype=np.float32)
        rest = np.setdiff1d(np.arange(len(masked)), pick)
        draft_ids[masked[rest]] = draft[rest]
        draft_probs[masked[rest]] = P[rest, draft[rest]]
        step += 1
        # Adaptive: the most steps the run can still take (the rest of this phase, then the later ones).
        rest = len(masked) - len(pick)
        total = step + min(rest, left - 1) + (len(plan) - k - left) if adaptive else len(plan)
        yield Frame(
            step,
            total,
            ids.copy(),
            masked[pick].tolist(),
            conf[pick].tolist(),
            "refine" if round_ else "unmask",
            round_,
            remasked,
            draft_ids,
            draft_probs,
        )


def repeated_trigram_share(ids) -> float:
    """Share of 3-grams that already occurred earlier in the same sequence (about 1 % in real text)."""
    seen, rep, n = set(), 0, 0
    for j in range(len(ids) - 2):
        g = (int(ids[j]), int(ids[j + 1]), int(ids[j + 2]))
        n += 1
        rep += g in seen
        seen.add(g)
    return rep / n if n else 0.0
