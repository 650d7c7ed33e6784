"""Pick the CPU training precision and thread count by timing real steps, never from the CPU's name.

bf16 autocast without bf16 hardware is emulated: on an AMD EPYC with AVX2 only it trained at 85 tokens/s
against fp32's 2,491; on an Intel Xeon with AMX bf16 was the faster one (9,470). So at start the trainer
times a few steps of a throwaway copy of the model in each (precision, threads) candidate and trains with the
fastest. The probe uses a short batch of the real sequence length, so an emulated bf16 costs seconds, not
minutes; its figures are logged and recorded in the run's summary and card.
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass
from typing import Callable

import torch

from .diffusion import diffusion_loss, mask_tokens, sample_t
from .specials import MASK_ID


@dataclass(frozen=True)
class Candidate:
    bf16: bool
    threads: int

    @property
    def label(self) -> str:
        return f"{'bf16' if self.bf16 else 'fp32'}, {self.threads} thread{'s' if self.threads > 1 else ''}"


def candidates(max_threads: int) -> list[Candidate]:
    threads = sorted({1, max(1, max_threads)}, reverse=True)
    return [Candidate(bf16, n) for bf16 in (False, True) for n in threads]


def time_steps(
    model: torch.nn.Module,
    vocab: int,
    context: int,
    batch: int,
    bf16: bool,
    steps: int = 3,
    budget_s: float = 4.0,
    reject_below: float = 0.0,
) -> float:
    """Tokens/s of full training steps (forward, backward, AdamW) on a copy of `model`, after one untimed step.

    A one-sequence step comes first: when it already runs below `reject_below` tokens/s the candidate has lost
    (emulated bf16 runs 30x slower) and its rate is returned without spending a full batch on it."""
    m = copy.deepcopy(model)
    m.train()
    opt = torch.optim.AdamW(m.parameters(), lr=1e-4)
    g = torch.Generator().manual_seed(0)

    def step(batch: int = batch) -> None:
        x = torch.randint(3, vocab, (batch, context), generator=g)
        t = sample_t(batch, g)
        noisy, masked = mask_tokens(x, t, MASK_ID, g)
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            logits = m(noisy, masked)
        loss = diffusion_loss(logits, x, masked, t, 10.0).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()

    t0 = time.perf_counter()
    step(1)
    quick = context / (time.perf_counter() - t0)
    if quick < reject_below:
        return quick
    step()  # first full batch: allocations and kernel selection
    t0, n = time.perf_counter(), 0
    while n < steps and (n == 0 or time.perf_counter() - t0 < budget_s):
        step()
        n += 1
    return n * batch * context / (time.perf_counter() - t0)


def pick(
    model: torch.nn.Module,
    vocab: int,
    context: int,
    max_threads: int,
    batch: int = 16,
    measure: Callable[..., float] = time_steps,
    set_threads: Callable[[int], None] = torch.set_num_threads,
) -> tuple[Candidate, dict[str, float]]:
    """The fastest candidate and every candidate's tokens/s. Leaves torch on the chosen thread count.

    A candidate that came in under a quarter of the best so far is keyed "<label> (lost early)": its
    figure may be the one-sequence step alone, which understates a batch (bf16 on 1 thread of an AMX
    Xeon: 981 tokens/s in the probe, about 3,400 while training), so it is no measure of its speed."""
    rates: dict[str, float] = {}
    best: Candidate | None = None
    for c in candidates(max_threads):
        set_threads(c.threads)
        floor = rates[best.label] / 4 if best is not None else 0.0
        measured = measure(model, vocab, context, batch, c.bf16, reject_below=floor)
        rate = round(measured)
        rates[c.label if measured >= floor else f"{c.label} (lost early)"] = rate
        if best is None or rate > rates[best.label]:
            best = c
    assert best is not None
    set_threads(best.threads)
    return best, rates


def thread_ceiling(best: Candidate, max_threads: int, adaptive: bool) -> int:
    """The most threads training may use after the probe. With the load-following governor on
    (pipeline/cpushare.py) it stays the machine's count whatever the probe chose: a probe taken beside a
    test run finds one thread faster (2 threads stall on each other's barriers) and would otherwise cap
    the whole run at half the machine once the other work ends. The probe still decides the precision."""
    return max_threads if adaptive else best.threads
