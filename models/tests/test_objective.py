"""The noise panel's objective (pipeline/objective.py): the draw, the loss at t and the bound it integrates to."""

import json
import math
from pathlib import Path

import numpy as np
import pytest

from pipeline.errors import PipelineError
from pipeline.objective import (
    MAX_BYTES,
    bound_bits_per_byte,
    curve_points,
    draw_seed,
    noise_mask,
    pick_passages,
    score,
)
from pipeline.sampler import Rng
from pipeline.specials import MASK_ID
from pipeline.tokenizer import load_tokenizer

SHIPPED = Path(__file__).resolve().parents[1] / "unmask-small"
V = 64


def uniform_logits(noisy, at):
    return np.zeros((len(at), V))


def test_the_draw_is_the_shared_generator_below_t():
    rng = Rng(draw_seed(7, 2))
    want = [rng() < 0.3 for _ in range(50)]
    assert noise_mask(50, 0.3, 7, 2).tolist() == want
    assert not noise_mask(50, 0.0, 7).any() and noise_mask(50, 1.0, 7).all()
    big = noise_mask(20_000, 0.3, 1)
    assert abs(big.mean() - 0.3) < 0.01
    # Masks are nested in t for one draw (the same uniforms, a higher bar), as the slider shows them.
    assert np.all(noise_mask(200, 0.2, 4) <= noise_mask(200, 0.6, 4))


def test_draws_are_different_streams_not_shifted_copies():
    seeds = {draw_seed(s, d) for s in range(20) for d in range(20)}
    assert len(seeds) == 400 and all(0 <= x < 2**32 for x in seeds)
    a, b = noise_mask(400, 0.5, 9, 0), noise_mask(400, 0.5, 9, 1)
    assert not np.array_equal(a[1:], b[:-1]) and not np.array_equal(a, b)


def test_score_of_a_uniform_model_is_log2_v_per_masked_token():
    ids = list(range(2, 42))
    out = score(uniform_logits, ids, 0.5, 3)
    m = len(out["masked"])
    assert m == int(noise_mask(40, 0.5, 3).sum()) > 0
    assert math.isclose(out["bits_per_masked_token"], math.log2(V), rel_tol=1e-12)
    assert math.isclose(out["integrand_nats"], m * math.log(V) / (0.5 * 40), rel_tol=1e-12)


def test_the_forward_pass_sees_the_noisy_canvas_and_is_scored_on_the_true_token():
    ids = [5, 6, 7, 8, 9, 10, 11, 12]
    seen = {}

    def oracle(noisy, at):
        seen["noisy"], seen["at"] = noisy.tolist(), at.tolist()
        rows = np.full((len(at), V), -30.0)
        rows[np.arange(len(at)), np.asarray(ids)[at]] = 30.0  # certain of the truth
        return rows

    out = score(oracle, ids, 0.6, 1)
    assert seen["at"] == out["masked"]
    assert all((v == MASK_ID) == (i in out["masked"]) for i, v in enumerate(seen["noisy"]))
    assert out["bits_per_masked_token"] < 1e-20
    assert score(oracle, ids, 0.0, 1) == {"masked": [], "bits_per_masked_token": None, "integrand_nats": 0.0}


def test_the_bound_of_a_uniform_model_is_ln_v_per_token():
    """E[masked/t] = L at every t, so the integral is ln V per token; bits per byte scales by tokens/bytes."""
    passages = [{"ids": [2 + i % 60 for i in range(100)], "text": "x" * 250}] * 4
    out = bound_bits_per_byte(uniform_logits, passages, points=8, draws=4, seed=0)
    assert [c["t"] for c in out["curve"]] == curve_points(8) == [(i + 0.5) / 8 for i in range(8)]
    assert math.isclose(out["nats_per_token"], math.log(V), rel_tol=0.05)
    want = out["nats_per_token"] / math.log(2) * 400 / 1000
    assert math.isclose(out["bits_per_byte"], want, rel_tol=1e-12)


def test_passages_come_one_per_book_and_their_text_is_their_ids():
    tok = load_tokenizer(SHIPPED / "tokenizer.json")
    book = lambda n, folder: {  # noqa: E731
        "folder": folder,
        "file": f"{n}.txt",
        **({"title": f"Book {n}", "author": "A. Writer"} if n == 1 else {}),
        "paragraphs": [f"Paragraph {i} of book {n}, in which the lamp was lit again." for i in range(60)],
    }
    docs = [book(1, "a"), book(2, "a"), book(3, "b")]
    got = pick_passages(docs, tok, 3, 40)
    assert [p["book"] for p in got][:2] == ["a/1.txt", "b/3.txt"]  # folders spread before repeats
    assert (got[0]["title"], got[0]["author"]) == ("Book 1", "A. Writer") and "title" not in got[1]
    for p in got:
        assert len(p["ids"]) == 40 and p["text"] == tok.decode(p["ids"], skip_special_tokens=False)
        assert p["text"].startswith("Paragraph 20 ")  # a third of the way in
    with pytest.raises(PipelineError, match="hold 3 passages"):
        pick_passages(docs, tok, 4, 40)
    assert len(pick_passages(docs, tok, 4, 40, least=1)) == 3  # what ship takes from a small split
    with pytest.raises(PipelineError, match="hold 0 passages"):
        pick_passages(docs, tok, 4, 4000, least=1)


def test_the_shipped_passages_fit_and_agree_with_the_tokenizer():
    raw = (SHIPPED / "passages.json").read_bytes()
    assert len(raw) <= MAX_BYTES
    data = json.loads(raw)
    tok = load_tokenizer(SHIPPED / "tokenizer.json")
    card = json.loads((SHIPPED / "config.json").read_text())["evaluation"]["bits_per_byte"]
    assert data["card_bits_per_byte"] == card
    assert len(data["passages"]) == 8 and len({p["book"] for p in data["passages"]}) == len(data["passages"])
    for p in data["passages"]:
        assert p["title"]  # the page names the book as a reader would (pipeline/books.py)
        assert p["text"] == tok.decode(p["ids"], skip_special_tokens=False) and MASK_ID not in p["ids"]
