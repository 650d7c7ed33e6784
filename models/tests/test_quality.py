"""The reader's measures: invented words and repeated 3-grams, and the error bar on the invented share."""

import gzip
import json
import math
import re
import sys
from pathlib import Path

import pytest

from pipeline.quality import (
    doubled_word_share,
    front_code,
    front_decode,
    invented_share,
    invented_share_error,
    repeated_word_trigram_share,
    run_together,
    run_together_share,
    vocabulary_of,
    write_word_list,
)

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "models" / "tools"))
from quality_fixture import render  # noqa: E402

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


def test_word_list_keeps_the_words_seen_often_enough_sorted_one_a_line(tmp_path):
    docs = tmp_path / "docs_train.jsonl"
    books = [
        {"paragraphs": ["The cat sat. The dog sat!", "Zebra's tale"]},
        {"paragraphs": ["the CAT and the owl; 3 cats"]},
    ]
    docs.write_text("".join(json.dumps(b) + "\n" for b in books))
    out = tmp_path / "words.txt"
    facts = write_word_list(docs, out, min_count=2)
    assert out.read_text() == "0cat\n0sat\n0the\n"
    assert facts == {"words": 3, "bytes": 15, "min_count": 2, "seen": 10}
    write_word_list(docs, out, min_count=1)
    assert front_decode(out.read_text()) == sorted(vocabulary_of(docs))


def test_front_coding_shares_prefixes_and_round_trips():
    words = ["cat", "catch", "cats", "dog", "internationalisation", "internationalist"]
    text = front_code(words)
    lines = text.split("\n")
    assert lines[:3] == ["0cat", "3ch", "3s"] and lines[5] == "9onalist"  # the shared part stops at 9
    assert front_decode(text) == words


def test_the_shipped_word_list_is_what_write_word_list_writes():
    # The file itself comes from the training books (python -m pipeline words --run RUN); here its form:
    # lower-case runs of letters, sorted, unique, one a line, and small enough for the page to fetch.
    text = (ROOT / "models" / "unmask-small" / "words.txt").read_text(encoding="ascii")
    assert text.endswith("\n") and len(gzip.compress(text.encode())) < 96_000
    ws = front_decode(text)
    assert front_code(ws) == text
    assert ws == sorted(set(ws)) and all(re.fullmatch(r"[a-z]+", w) for w in ws)
    assert {"the", "and", "princess", "wolf"} <= set(ws)


def test_the_pages_fixture_is_what_the_script_writes():
    assert (ROOT / "src" / "ui" / "explain" / "quality.fixture.json").read_text(encoding="utf-8") == render()


def test_doubled_word_share_counts_a_word_that_repeats_the_one_before():
    # 10 words, 2 doubled ("they they", "it it"); "had had" across two samples does not count.
    assert doubled_word_share(["They they went, and put it it", "down had", "had"]) == pytest.approx(2 / 10)
    assert doubled_word_share([]) == 0.0
