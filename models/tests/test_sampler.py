import numpy as np
import pytest

from pipeline.sampler import (
    Rng,
    Settings,
    planned_steps,
    refine_shape,
    repeated_ngram_bans,
    schedule_counts,
    total_steps,
    unmask,
)


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
    frames = list(
        unmask(
            ids, fixed, logits, Settings(steps=5, temperature=0, strategy="confidence", refineRounds=0), (0, 1, 2), 1
        )
    )
    assert [f.resolved for f in frames] == [[5], [4], [3], [2], [1]]
    assert frames[-1].ids.tolist() == [5, 11, 12, 13, 14, 15]
    l2r = list(
        unmask(
            ids, fixed, logits, Settings(steps=2, temperature=0, strategy="left-to-right", refineRounds=0), (0, 1, 2), 1
        )
    )
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


def _noise_logits(n, v, seed):
    table = np.random.default_rng(seed).normal(scale=2.0, size=(n, v))
    return lambda ids: table + 1.5 * np.eye(v)[np.roll(ids, -1) % v]  # depends on the right neighbour


def test_refinement_remasks_only_generated_tokens_and_counts_every_pass():
    ids0 = np.array([5, 1, 1, 6, 1, 1, 1, 7, 1, 1, 1, 1, 8, 1])
    fixed = (ids0 != 1).astype(np.uint8)
    m = int((fixed == 0).sum())
    for strategy in ("confidence", "margin", "random", "left-to-right"):
        for temperature in (0.0, 0.9):
            s = Settings(
                steps=4, temperature=temperature, strategy=strategy, refineRounds=3, refineFraction=0.3, seed=3
            )
            calls = []
            fn = _noise_logits(len(ids0), 16, 1)
            frames = list(unmask(ids0, fixed, lambda x, calls=calls, fn=fn: calls.append(1) or fn(x), s, (0, 1, 2), 1))
            assert len(frames) == len(calls) == total_steps(m, s) == planned_steps(m, s) + 3 * refine_shape(m, s)[2]
            assert all(f.total_steps == len(frames) for f in frames)
            for r in (1, 2, 3):
                rf = [f for f in frames if f.round == r]
                assert all(f.phase == "refine" for f in rf)
                assert len(rf[0].remasked) == round(0.3 * m) and not any(fixed[rf[0].remasked])
                assert sorted(p for f in rf for p in f.resolved) == rf[0].remasked
            for f in frames:
                assert (f.ids[fixed == 1] == ids0[fixed == 1]).all()


def test_refinement_off_changes_nothing_and_runs_are_seeded():
    ids0, fixed = np.ones(10, np.int64), np.zeros(10, np.uint8)
    fn = _noise_logits(10, 12, 2)
    key = lambda s: [
        (f.ids.tolist(), f.resolved, f.remasked, f.draft_ids.tolist()) for f in unmask(ids0, fixed, fn, s, (0, 1, 2), 1)
    ]
    # Refinement comes after unmasking: with it off, the frames are the unmasking frames of a run with it on.
    off, on = key(Settings(steps=4, seed=5, refineRounds=0)), key(Settings(steps=4, seed=5, refineRounds=2))
    assert len(off) == 4 and len(on) > 4 and off == on[:4]
    s = Settings(steps=4, temperature=1.0, seed=5, refineRounds=2, refineFraction=0.5)
    assert key(s) == key(s) and key(s) != key(Settings(**{**s.__dict__, "seed": 6}))


def test_drafts_are_the_argmax_and_its_probability_for_every_still_masked_slot():
    ids0, fixed = np.ones(9, np.int64), np.zeros(9, np.uint8)
    base, seen = _noise_logits(9, 12, 4), []
    fn = lambda x: seen.append(base(x)) or seen[-1]
    for f, lg in zip(unmask(ids0, fixed, fn, Settings(steps=4, temperature=0.8, refineRounds=1), (0, 1, 2), 1), seen):
        for i in range(9):
            if f.ids[i] != 1:
                assert f.draft_ids[i] == -1 and f.draft_probs[i] == 0
                continue
            l = lg[i].copy()
            l[[0, 1, 2]] = -np.inf
            p = np.exp(l - l.max()) / np.exp(l - l.max()).sum()
            assert f.draft_ids[i] == int(np.argmax(l)) and 0 < f.draft_probs[i] <= 1
            assert abs(f.draft_probs[i] - p.max()) < 1e-6


def test_adaptive_commits_every_sure_slot_at_once_and_keeps_the_budget():
    # Slot p's best token has probability sure[p]: with threshold 0.9, slots 1, 3 and 6 commit in step 1,
    # then one per step (the budget of 8 steps allows it); with 2 steps, the even pace (3 per step) rules.
    sure = [0.0, 0.95, 0.5, 0.92, 0.6, 0.4, 0.99]
    n, v = len(sure), 8

    def logits(ids):
        out = np.full((n, v), -np.inf)
        for p in range(n):
            q = sure[p] or 1.0
            out[p, 3], out[p, 4], out[p, 5] = np.log(q), np.log((1 - q) / 2 + 1e-12), np.log((1 - q) / 2 + 1e-12)
        return out

    ids = np.array([7] + [1] * (n - 1))
    fixed = np.array([1] + [0] * (n - 1), dtype=np.uint8)
    s = Settings(steps=8, temperature=0, schedule="adaptive", threshold=0.9, refineRounds=0)
    frames = list(unmask(ids, fixed, logits, s, (0, 1, 2), 1))
    assert [f.resolved for f in frames] == [[1, 3, 6], [4], [2], [5]]
    assert [f.total_steps for f in frames] == [4, 4, 4, 4]
    s.steps = 2
    frames = list(unmask(ids, fixed, logits, s, (0, 1, 2), 1))
    assert [len(f.resolved) for f in frames] == [3, 3]


def test_repeated_ngram_bans_read_every_run_through_the_slot():
    # The cases of src/engine/repeats.test.ts (M = [MASK], 2 = [EOS], 0 = [PAD]).
    M = 1
    assert repeated_ngram_bans(np.array([5, 6, 7, M, 5, 6, M]), 6, 3) == [7]
    assert repeated_ngram_bans(np.array([M, 6, 7, 4, 5, 6, 7]), 0, 3) == [5]
    assert repeated_ngram_bans(np.array([5, M, 7, 4, 5, 6, 7]), 1, 3) == [6]
    assert repeated_ngram_bans(np.array([4, 5, 7, 4, 3, 4, M, 4]), 6, 2) == [3, 5, 7]
    assert repeated_ngram_bans(np.array([5, 6, 7, M, 5, 6, M]), 6, 0) == []
    assert repeated_ngram_bans(np.array([5, 6, 7, M, M, 6, M]), 6, 3) == []
    assert repeated_ngram_bans(np.array([5, 6, 2, 5, 6, M]), 5, 3) == []
    assert repeated_ngram_bans(np.array([5, 6, 7, 5, 0, M]), 5, 3) == []


def test_no_repeat_ngram_stops_a_looping_model_and_gives_way_when_nothing_is_left():
    # The model wants "5 6 7" again and again (3 and 4 are its only other tokens); the prompt holds it once.
    n, v = 12, 8

    def logits(ids):
        out = np.full((n, v), -np.inf)
        for p in range(n):
            out[p, 3] = out[p, 4] = 0.0
            out[p, 5 + p % 3] = 20.0
        return out

    ids = np.array([5, 6, 7] + [1] * (n - 3))
    fixed = np.array([1, 1, 1] + [0] * (n - 3))
    s = Settings(temperature=0, strategy="left-to-right", refineRounds=0, noRepeatNgram=3)
    last = list(unmask(ids, fixed, logits, s, (0, 1, 2), 1))[-1].ids
    # Each later "5 6 _" takes the next choice (3, then 4); the fourth has none left and repeats.
    assert last.tolist() == [5, 6, 7, 5, 6, 3, 5, 6, 4, 5, 6, 7]
    with pytest.raises(ValueError, match="noRepeatNgram 1"):
        list(unmask(ids, fixed, logits, Settings(noRepeatNgram=1), (0, 1, 2), 1))


def test_slots_of_one_step_are_written_in_order_and_see_each_other():
    # Both slots want 4; slot 2 is surer, so it is written first and slot 1 takes its next choice, 6,
    # with p renormalised without 4. Without the rule both write 4.
    def logits(ids):
        out = np.full((3, 8), -np.inf)
        out[1, [4, 6]] = np.log([0.6, 0.4])
        out[2, [4, 5]] = np.log([0.9, 0.1])
        return out

    ids, fixed = np.array([3, 1, 1]), np.array([1, 0, 0])
    one = dict(temperature=0, strategy="confidence", steps=1, refineRounds=0)
    (frame,) = unmask(ids, fixed, logits, Settings(**one, noRepeatNgram=3), (0, 1, 2), 1)
    assert frame.ids.tolist() == [3, 6, 4]
    assert frame.confidences == pytest.approx([1.0, 0.9])
    (off,) = unmask(ids, fixed, logits, Settings(**one, noRepeatNgram=0), (0, 1, 2), 1)
    assert off.ids.tolist() == [3, 4, 4]
