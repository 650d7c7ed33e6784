import json
from pathlib import Path

import pytest

from pipeline.errors import PipelineError
from pipeline.prepare import is_heading, normalise_text, prepare, unwrap


def test_unwrap_joins_hard_wrapped_lines_and_drops_headings():
    raw = (
        "CHAPTER I. Down the Rabbit-Hole\n\nAlice was beginning to get very tired\nof sitting by her sister"
        "\non the bank.\n\n* * *\n\n\u2018Oh dear!\u2019 said the\nRabbit.\n\nVIII\n"
    )
    assert unwrap(raw) == [
        "Alice was beginning to get very tired of sitting by her sister on the bank.",
        "'Oh dear!' said the Rabbit.",
    ]


def test_one_paragraph_per_line_mode():
    assert unwrap("First tale line.\nSecond paragraph here.\n\n", one_paragraph_per_line=True) == [
        "First tale line.",
        "Second paragraph here.",
    ]


def test_normalise_quotes_dashes_italics_and_space():
    assert normalise_text("\u201cIt  was _very_ odd--\u00a0truly\u201d") == '"It was very odd\u2014 truly"'


@pytest.mark.parametrize(
    "line,heading",
    [
        ("CHAPTER XII. Alice's Evidence", True),
        ("Chapter 3", True),
        ("STAVE ONE", True),
        ("BOOK THE FIRST", True),
        ("[Illustration]", True),
        ("Book-keeping was the trade she had learned from her father, and she liked it well.", False),
        ("Alice said nothing.", False),
        ("Part of the wall fell down.", False),
        ("PART II", True),
    ],
)
def test_heading_detection(line, heading):
    assert is_heading(line) is heading


def test_split_is_by_whole_book(tiny_corpus, tmp_path):
    run = tmp_path / "run"
    res = prepare(tiny_corpus, run, weights={"ChiLit": 1.0, "Grimm": 1.0}, val_fraction=0.3)
    split = json.loads((run / "split.json").read_text())
    assert res.train_books + res.val_books == 6
    assert set(split["train"]).isdisjoint(split["val"])
    assert split["val"], "a folder with four books gives at least one to validation"
    texts = [json.loads(line) for line in open(run / "docs_train.jsonl")]
    assert all("CHAPTER" not in p for d in texts for p in d["paragraphs"])
    assert all("\u201c" not in p and "\n" not in p for d in texts for p in d["paragraphs"])


def test_empty_or_missing_corpus_is_a_clear_error(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(PipelineError, match="no .txt books"):
        prepare(tmp_path / "empty", tmp_path / "run")
    with pytest.raises(PipelineError, match="corpus folder not found"):
        prepare(tmp_path / "nope", tmp_path / "run")


def test_a_continued_run_reuses_the_shipped_vocabulary(tmp_path):
    from pipeline.tokenizer import reuse_tokenizer

    shipped = Path(__file__).resolve().parents[1] / "unmask-small" / "tokenizer.json"
    run = tmp_path / "run"
    run.mkdir()
    reuse_tokenizer(run, shipped)
    assert (run / "tokenizer.json").read_bytes() == shipped.read_bytes()
    # A vocabulary whose specials moved would silently change every id: refused.
    bad = json.loads(shipped.read_text())
    vocab = bad["model"]["vocab"]
    first, second = (k for k, v in sorted(vocab.items(), key=lambda kv: kv[1])[:2])
    vocab[first], vocab[second] = vocab[second], vocab[first]
    for t in bad["added_tokens"]:
        t["id"] = vocab[t["content"]] if t["content"] in vocab else t["id"]
    (tmp_path / "bad.json").write_text(json.dumps(bad))
    with pytest.raises(PipelineError, match="special"):
        reuse_tokenizer(tmp_path / "other", tmp_path / "bad.json")


def test_book_repeats_follow_the_weights_and_a_fraction_keeps_a_fixed_subset():
    import random

    from pipeline.tokenizer import book_repeats

    docs = [{"weight": 2.0}] * 3 + [{"weight": 0.3}] * 400
    counts = book_repeats(docs, weighted=True, rng=random.Random(0))
    assert counts[:3] == [2, 2, 2]
    kept = counts[3:]
    assert set(kept) <= {0, 1} and 80 < sum(kept) < 160  # about 30 % of the books, each whole
    # Drawn once per seed: the same books are left out of every epoch (the card's seen/unseen gap).
    assert book_repeats(docs, weighted=True, rng=random.Random(0)) == counts
    assert book_repeats(docs, weighted=False, rng=random.Random(0)) == [1] * len(docs)


def test_default_weights_hold_every_book_in_every_pass():
    import random

    from pipeline.prepare import DEFAULT_WEIGHTS
    from pipeline.tokenizer import book_repeats

    # A fractional weight would leave the same books out of every epoch (memorised against never seen).
    docs = [{"folder": f, "weight": w} for f, w in DEFAULT_WEIGHTS.items() for _ in range(50)]
    counts = book_repeats(docs, weighted=True, rng=random.Random(0))
    assert min(counts) >= 1
    core = [n for d, n in zip(docs, counts) if d["folder"] in ("ChiLit", "Grimm")]
    assert min(core) > max(n for d, n in zip(docs, counts) if d["folder"] not in ("ChiLit", "Grimm"))


def test_each_book_carries_its_title_and_author(tiny_corpus, tmp_path):
    (tiny_corpus / "corpora.bib").write_text(
        "@book{x_1900,\n\ttitle = {The First Book},\n\tshorttitle = {book0},\n\tauthor = {Penn, Anna}\n}\n"
    )
    run = tmp_path / "run"
    prepare(tiny_corpus, run, weights={"ChiLit": 1.0, "Grimm": 1.0}, val_fraction=0.3)
    docs = [json.loads(x) for f in ("docs_train.jsonl", "docs_val.jsonl") for x in open(run / f)]
    named = {(d["folder"], d["file"]): (d["title"], d.get("author")) for d in docs}
    # book0 is listed in the bib (both folders hold one); the others are named by their file
    assert named[("ChiLit", "book0.txt")] == ("The First Book", "Anna Penn")
    assert named[("ChiLit", "book1.txt")] == ("Book1", None)
