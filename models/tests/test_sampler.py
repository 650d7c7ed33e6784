import numpy as np
import pytest

from pipeline.sampler import Rng, Settings, planned_steps, schedule_counts, unmask


@pytest.mark.parametrize("kind", ["linear", "cosine"])
def test_schedule_resolves_every_mask_at_least_one_per_step(kind):
    for m in range(1, 60):
        for s in range(1, m + 1):
            n = schedule_counts(m, s, kind)
            assert len(n) == s and sum(n) == m and min(n) >= 1


def test_rng_is_uniform_and_seeded():
    a, b = Rng(5), Rng(5)
    xs = [a() for _ in range(20000)]
    assert xs[:10] == [b() for _ in range(10)]
    assert 0 <= min(xs) and max(xs) < 1 and abs(np.mean(xs) - 0.5) < 0.01
    assert Rng(6)() != xs[0]


def test_confidence_strategy_resolves_the_surest_slots_first():
    # Position p's best token is 10 + p with probability rising with p: the right end resolves first.
    n, v = 6, 20
    def logits(ids):
        out = np.zeros((n, v))
        for p in range(n):
            out[p, 10 + p] = 1.0 + p
        return out
    ids = np.array([5] + [1] * (n - 1))
    fixed = np.array([1] + [0] * (n - 1), dtype=np.uint8)
    frames = list(unmask(ids, fixed, logits, Settings(steps=5, temperature=0, strategy="confidence"), (0, 1, 2), 1))
    assert [f.resolved for f in frames] == [[5], [4], [3], [2], [1]]
    assert frames[-1].ids.tolist() == [5, 11, 12, 13, 14, 15]
    l2r = list(unmask(ids, fixed, logits, Settings(steps=2, temperature=0, strategy="left-to-right"), (0, 1, 2), 1))
    assert planned_steps(5, Settings(strategy="left-to-right")) == 5
    assert [f.resolved for f in l2r] == [[1], [2], [3], [4], [5]]


def test_sampling_respects_top_k_and_never_emits_specials():
    n, v = 8, 12
    rng = np.random.default_rng(0)
    table = rng.normal(size=(n, v))
    for seed in range(20):
        ids = np.ones(n, dtype=np.int64)
        s = Settings(steps=3, temperature=1.5, topK=2, topP=1.0, seed=seed)
        final = list(unmask(ids, np.zeros(n, np.uint8), lambda _: table, s, (0, 1, 2), 1))[-1].ids
        for p, x in enumerate(final):
            allowed = np.argsort(-np.where(np.isin(np.arange(v), [0, 1, 2]), -np.inf, table[p]))[:2]
            assert x in allowed
