"""The reader's measures: invented words and repeated 3-grams, and the error bar on the invented share."""

import math

from pipeline.quality import (
    invented_share,
    invented_share_error,
    repeated_word_trigram_share,
    run_together,
    run_together_share,
)

VOCAB = {"the", "cat", "sat", "on", "mat", "a", "dog"}


def test_invented_share_pools_words_over_samples():
    texts = ["The cat sat on the mat.", "A dog sat on the blorp."]  # 12 words, 1 invented
    assert math.isclose(invented_share(texts, VOCAB), 1 / 12)
    assert invented_share([], VOCAB) == 0.0


def test_error_is_zero_when_every_sample_has_the_same_share_and_grows_when_they_disagree():
    even = ["the cat blorp", "the dog zint", "a mat quux"]  # one in three in every sample
    assert invented_share_error(even, VOCAB) == 0.0
    uneven = ["blorp zint quux", "the cat sat", "the dog sat"]  # all three invented words in one sample
    se = invented_share_error(uneven, VOCAB)
    # Ratio estimator by hand: r = 1/3, deviations (3-1, 0-1, 0-1), sqrt(6 / (3*2)) / 3.
    assert math.isclose(se, math.sqrt(6 / 6) / 3)
    assert invented_share_error(["blorp"], VOCAB) == 0.0  # one sample: no spread to measure


def test_error_shrinks_with_more_samples_of_the_same_kind():
    base = ["blorp zint quux", "the cat sat", "the dog sat"]
    assert invented_share_error(base * 4, VOCAB) < invented_share_error(base, VOCAB) / 1.5


def test_repeated_trigrams_count_within_a_sample_only():
    assert repeated_word_trigram_share(["the cat sat the cat sat"]) == 1 / 4
    assert repeated_word_trigram_share(["the cat sat", "the cat sat"]) == 0.0


def test_run_together_finds_two_training_words_with_the_space_lost():
    assert run_together("thecat", VOCAB)
    assert not run_together("sattheon", VOCAB)  # three words run together is not a single slip
    assert not run_together("blorp", VOCAB) and not run_together("thex", VOCAB)  # one-letter parts do not count
    assert run_together_share(["thecat sat on blorp", "thedog"], VOCAB) == 2 / 3
    assert run_together_share(["the cat"], VOCAB) == 0.0


def test_grouping_samples_by_prompt_counts_each_prompt_once():
    texts = ["blorp the", "zint a", "the cat", "a dog"]  # the first prompt's two samples both invent
    by_sample = invented_share_error(texts, VOCAB)
    by_prompt = invented_share_error(texts, VOCAB, groups=[0, 0, 1, 1])
    # Two units of (2 invented, 4 words) and (0, 4): r = 1/4, sqrt((1 + 1) / 2) / 4.
    assert math.isclose(by_prompt, 0.25)
    assert by_prompt > by_sample  # correlated samples: the per-sample error understates it
