"""The trainer's precision probe: it picks the fastest measured candidate and never trusts the CPU's name."""

import torch

from pipeline.model import Denoiser, ModelConfig
from pipeline.precision import Candidate, Timing, candidates, pick, thread_ceiling, time_steps


def test_candidates_cover_both_precisions_and_thread_counts():
    assert candidates(2) == [Candidate(False, 2), Candidate(False, 1), Candidate(True, 2), Candidate(True, 1)]
    assert candidates(1) == [Candidate(False, 1), Candidate(True, 1)]


def test_pick_takes_the_fastest_and_leaves_its_thread_count():
    # (one-sequence rate, full rate): emulated bf16 is 30x slower than fp32 in either.
    speed = {(False, 2): (800, 2500), (False, 1): (600, 1600), (True, 2): (27, 85), (True, 1): (25, 80)}
    threads = []
    calls = []

    def measure(_model, _vocab, _context, _batch, bf16, reject_below=0.0, qat=False):
        calls.append((bf16, threads[-1], reject_below, qat))
        quick, full = speed[(bf16, threads[-1])]
        return Timing(quick, full if quick >= reject_below else None)

    best, rates = pick(torch.nn.Linear(1, 1), 16, 8, 2, measure=measure, set_threads=threads.append, qat=True)
    assert best == Candidate(False, 2)
    assert all(c[3] for c in calls), "a quantization-aware run's probe times the rounded forward"
    # bf16's one sequence came in under a quarter of fp32's: its figures are marked, not passed off as its speed.
    assert rates == {
        "fp32, 2 threads": 2500,
        "fp32, 1 thread": 1600,
        "bf16, 2 threads (lost early)": 27,
        "bf16, 1 thread (lost early)": 25,
    }
    assert threads[-1] == 2
    # Once a candidate is measured, the others give up below a quarter of the fastest one-sequence rate.
    assert calls[0][2] == 0.0 and all(c[2] == 800 / 4 for c in calls[1:])


def test_pick_compares_one_sequence_against_one_sequence():
    # As on an AMX Xeon: bf16's one sequence runs under a quarter of fp32's full batches (1,000 against
    # 4,400), but not of fp32's one sequence, and bf16's batches are the fastest of all.
    speed = {(False, 2): (1400, 4400), (False, 1): (900, 2400), (True, 2): (1000, 5800), (True, 1): (1000, 3400)}
    threads = []

    def measure(*a, reject_below=0.0, qat=False):
        quick, full = speed[(a[4], threads[-1])]
        return Timing(quick, full if quick >= reject_below else None)

    best, rates = pick(torch.nn.Linear(1, 1), 16, 8, 2, measure=measure, set_threads=threads.append)
    assert best == Candidate(True, 2) and threads[-1] == 2
    assert not any("lost early" in k for k in rates)


def test_pick_prefers_bf16_where_it_is_faster():
    speed = {(False, 2): 5000, (False, 1): 3000, (True, 2): 9000, (True, 1): 5000}
    threads = []
    best, _ = pick(
        torch.nn.Linear(1, 1),
        16,
        8,
        2,
        set_threads=threads.append,
        measure=lambda *a, reject_below=0.0, qat=False: Timing(1000, speed[(a[4], threads[-1])]),
    )
    assert best == Candidate(True, 2) and threads[-1] == 2


def test_time_steps_runs_real_steps_without_touching_the_model():
    cfg = ModelConfig(d_model=32, n_layers=1, n_heads=2, context=16, vocab_size=64)
    model = Denoiser(cfg)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    timing = time_steps(model, 64, 16, 2, bf16=False, steps=2, budget_s=1.0)
    assert timing.quick > 0 and timing.full is not None and timing.full > 0
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())
    # A candidate slower than the floor stops after its one-sequence step.
    assert time_steps(model, 64, 16, 2, bf16=False, reject_below=float("inf")).full is None


def test_time_steps_of_a_quantization_aware_run_runs_the_rounded_forward(monkeypatch):
    import pipeline.precision as precision
    from pipeline.fakequant import rounded_forward

    cfg = ModelConfig(d_model=32, n_layers=1, n_heads=2, context=16, vocab_size=64)
    model = Denoiser(cfg)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    views = []
    monkeypatch.setattr(precision, "rounded_forward", lambda m, *x: views.append(1) or rounded_forward(m, *x))
    timing = time_steps(model, 64, 16, 2, bf16=False, steps=2, budget_s=1.0, qat=True)
    assert timing.full is not None and len(views) >= 4  # cold, quick, first full and each timed step
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())


def test_a_probe_beside_other_work_does_not_cap_the_threads_of_a_load_following_run():
    # Beside a test run the probe finds 1 thread fastest; the governor, not the probe, then decides.
    loaded = Candidate(bf16=True, threads=1)
    assert thread_ceiling(loaded, 2, adaptive=True) == 2
    assert thread_ceiling(loaded, 2, adaptive=False) == 1
    assert thread_ceiling(Candidate(bf16=False, threads=2), 2, adaptive=False) == 2


class FakeClock:
    """The probe's clock, by hand: each reading moves it on 1 ms, and a cold step moves it on its delay.
    The test then times nothing real, so a busy machine cannot decide it."""

    def __init__(self):
        self.now = 0.0

    def perf_counter(self) -> float:
        self.now += 0.001
        return self.now


class ColdStart(torch.nn.Module):
    """A model whose first forward pass is slow, as the first step in either precision is (about half speed)."""

    def __init__(self, inner: torch.nn.Module, delay_s: float, clock: FakeClock):
        super().__init__()
        # A function, not the clock: the probe deep-copies the model, and a copied clock would stand still.
        self.inner, self.cold = inner, True
        self.wait = lambda: setattr(clock, "now", clock.now + delay_s)

    def forward(self, *args):
        if self.cold:
            self.wait()
            self.cold = False
        return self.inner(*args)


def test_the_quick_reject_is_timed_warm(monkeypatch):
    # 16 tokens in a 0.5 s cold step is 32 tokens/s, under the floor; a warm step here reads 1 ms on the
    # clock. Timing the cold step made bf16 "lose early" on the Xeon it trains fastest on.
    import pipeline.precision as precision

    clock = FakeClock()
    monkeypatch.setattr(precision, "time", clock)
    cfg = ModelConfig(d_model=32, n_layers=1, n_heads=2, context=16, vocab_size=64)
    model = ColdStart(Denoiser(cfg), delay_s=0.5, clock=clock)
    timing = time_steps(model, 64, 16, 2, bf16=False, steps=2, budget_s=1.0, reject_below=200.0)
    assert timing.quick >= 200.0 and timing.full is not None
