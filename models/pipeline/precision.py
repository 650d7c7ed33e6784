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
from .fakequant import rounded_forward
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


@dataclass(frozen=True)
class Timing:
    quick: float  # tokens/s of one warm one-sequence step
    full: float | None  # tokens/s of full batches; None when the quick step already lost


def time_steps(
    model: torch.nn.Module,
    vocab: int,
    context: int,
    batch: int,
    bf16: bool,
    steps: int = 3,
    budget_s: float = 4.0,
    reject_below: float = 0.0,
    qat: bool = False,
) -> Timing:
    """Tokens/s of full training steps (forward, backward, AdamW) on a copy of `model`, after one untimed step.

    A one-sequence step comes first: when it already runs below `reject_below` tokens/s the candidate has lost
    (emulated bf16 runs 30x slower) and no full batch is spent on it. That step is timed warm: the first step
    in a precision runs at about half speed (one sequence on an AMX Xeon, fresh process: fp32 778 then 1,902
    tokens/s, bf16 1,025 then 1,531), and timed cold bf16 on 2 threads lost there at 889 tokens/s, though it
    trains at ~5,800 against fp32's ~3,850. So one untimed one-sequence step runs before it.
    With `qat` the forward runs on the rounded weights, as a quantization-aware run's does (about 4 % slower
    on 2 cores of an AMD EPYC): the probe times the step the run will take, so the run can be held to it."""
    m = copy.deepcopy(model)
    m.train()
    opt = torch.optim.AdamW(m.parameters(), lr=1e-4)
    g = torch.Generator().manual_seed(0)

    def step(batch: int = batch) -> None:
        x = torch.randint(3, vocab, (batch, context), generator=g)
        t = sample_t(batch, g)
        noisy, masked = mask_tokens(x, t, MASK_ID, g)
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            logits = rounded_forward(m, noisy, masked) if qat else m(noisy, masked)
        loss = diffusion_loss(logits, x, masked, t, 10.0).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()

    step(1)  # cold: kernel selection and JIT
    t0 = time.perf_counter()
    step(1)
    quick = context / (time.perf_counter() - t0)
    if quick < reject_below:
        return Timing(quick, None)
    step()  # first full batch: allocations and kernel selection
    t0, n = time.perf_counter(), 0
    while n < steps and (n == 0 or time.perf_counter() - t0 < budget_s):
        step()
        n += 1
    return Timing(quick, n * batch * context / (time.perf_counter() - t0))


def pick(
    model: torch.nn.Module,
    vocab: int,
    context: int,
    max_threads: int,
    batch: int = 16,
    measure: Callable[..., Timing] = time_steps,
    set_threads: Callable[[int], None] = torch.set_num_threads,
    qat: bool = False,
) -> tuple[Candidate, dict[str, float]]:
    """The fastest candidate and every candidate's tokens/s. Leaves torch on the chosen thread count.

    A candidate gives up when its one-sequence step runs under a quarter of the fastest one-sequence step so
    far: like against like, since one sequence understates a batch by a factor that differs between
    precisions (bf16 on 1 thread of an AMX Xeon: about 1,000 tokens/s for one sequence, about 3,400 while
    training). Its figure, that one-sequence rate, is keyed "<label> (lost early)": no measure of its speed."""
    rates: dict[str, float] = {}
    best: Candidate | None = None
    fastest_quick = 0.0
    for c in candidates(max_threads):
        set_threads(c.threads)
        timing = measure(model, vocab, context, batch, c.bf16, reject_below=fastest_quick / 4, qat=qat)
        fastest_quick = max(fastest_quick, timing.quick)
        if timing.full is None:
            rates[f"{c.label} (lost early)"] = round(timing.quick)
            continue
        rates[c.label] = round(timing.full)
        if best is None or timing.full > rates[best.label]:
            best = c
    assert best is not None, "the first candidate has no floor, so it is always measured in full"
    set_threads(best.threads)
    return best, rates


def thread_ceiling(best: Candidate, max_threads: int, adaptive: bool) -> int:
    """The most threads training may use after the probe. With the load-following governor on
    (pipeline/cpushare.py) it stays the machine's count whatever the probe chose: a probe taken beside a
    test run finds one thread faster (2 threads stall on each other's barriers) and would otherwise cap
    the whole run at half the machine once the other work ends. The probe still decides the precision."""
    return max_threads if adaptive else best.threads
