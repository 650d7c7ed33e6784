"""Stage 2: a byte-level BPE vocabulary trained with Hugging Face `tokenizers`, and token shards.

Special ids are fixed so every later stage and the web app can rely on them:
  0 [PAD]  1 [MASK]  2 [EOS] (between books)
Paragraphs inside a book are separated by a newline token.
"""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import numpy as np
from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers

from .errors import PipelineError
from .prepare import _QUOTES, read_docs
from .specials import EOS_ID, MASK_ID, NEWLINE_PIECE, PAD_ID, SPECIALS  # noqa: F401 (re-exported)


def _normalizer() -> normalizers.Normalizer:
    # Prompts typed in the browser go through the same quote rules as the training text.
    rules = [normalizers.NFC()] + [normalizers.Replace(k, v) for k, v in _QUOTES.items()]
    return normalizers.Sequence(rules)


def _training_texts(docs: list[dict], max_chars: int, seed: int):
    rng = random.Random(seed)
    # Weighted choice of paragraphs, so the vocabulary follows the same mix as training.
    budget = max_chars
    order = list(range(len(docs)))
    rng.shuffle(order)
    for i in order:
        d = docs[i]
        for p in d["paragraphs"]:
            if rng.random() < min(1.0, d["weight"]):
                budget -= len(p)
                yield p
                if budget <= 0:
                    return


def train_tokenizer(run: Path, vocab_size: int = 4096, max_chars: int = 40_000_000, seed: int = 0) -> Tokenizer:
    if not 256 + len(SPECIALS) < vocab_size <= 65535:
        raise PipelineError(f"vocab_size {vocab_size} must be between {256 + len(SPECIALS) + 1} and 65535")
    docs = read_docs(run / "docs_train.jsonl")
    tok = Tokenizer(models.BPE())
    tok.normalizer = _normalizer()
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=SPECIALS,
        min_frequency=2,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(_training_texts(docs, max_chars, seed), trainer=trainer)
    for i, s in enumerate(SPECIALS):
        assert tok.token_to_id(s) == i, f"special {s} must have id {i}"
    tok.save(str(run / "tokenizer.json"))
    return tok


def reuse_tokenizer(run: Path, source: Path) -> Tokenizer:
    """Copy an existing vocabulary into the run (after checking its specials) instead of training one."""
    tok = load_tokenizer(source)
    for i, s in enumerate(SPECIALS):
        if tok.token_to_id(s) != i:
            raise PipelineError(f"{source}: special {s} must have id {i}")
    shutil.copyfile(source, run / "tokenizer.json")
    return tok


def load_tokenizer(path: Path) -> Tokenizer:
    if not Path(path).exists():
        raise PipelineError(f"missing {path}: run the 'tokenizer' stage first")
    return Tokenizer.from_file(str(path))


def book_repeats(docs: list[dict], weighted: bool, rng: random.Random) -> list[int]:
    """How often each book appears in the stream: floor(w) times plus once more with probability frac(w).
    Drawn once, so a weight below 1 keeps a fixed subset of the books in every epoch."""
    counts = []
    for d in docs:
        w = d["weight"] if weighted else 1.0
        counts.append(int(w) + (1 if rng.random() < w - int(w) else 0))
    return counts


def encode_book(tok: Tokenizer, paragraphs: list[str]) -> list[int]:
    """One book as the stream holds it: its paragraphs joined by newlines, ended by [EOS]."""
    nl = tok.token_to_id(NEWLINE_PIECE)
    ids: list[int] = []
    for e in tok.encode_batch(paragraphs):
        ids += e.ids + [nl]
    ids[-1] = EOS_ID
    return ids


def encode_docs(tok: Tokenizer, docs: list[dict], weighted: bool, seed: int = 0) -> np.ndarray:
    """One packed stream: paragraphs joined by newlines, books ended by [EOS].

    With `weighted`, each book appears as often as `book_repeats` says, in a shuffled order, so the stream
    carries the corpus mix."""
    rng = random.Random(seed)
    entries = [i for i, n in enumerate(book_repeats(docs, weighted, rng)) for _ in range(n)]
    rng.shuffle(entries)
    cache: dict[int, list[int]] = {}
    out: list[np.ndarray] = []
    for i in entries:
        if i not in cache:
            cache[i] = encode_book(tok, docs[i]["paragraphs"])
        out.append(np.asarray(cache[i], dtype=np.uint16))
    if not out:
        return np.zeros(0, dtype=np.uint16)
    return np.concatenate(out)


def write_shards(run: Path, seed: int = 0) -> dict:
    tok = load_tokenizer(run / "tokenizer.json")
    stats = {}
    for split, weighted in (("train", True), ("val", False)):
        docs = read_docs(run / f"docs_{split}.jsonl")
        arr = encode_docs(tok, docs, weighted=weighted, seed=seed)
        np.save(run / f"tokens_{split}.npy", arr)
        chars = sum(len(p) + 1 for d in docs for p in d["paragraphs"])
        stats[split] = {"tokens": int(arr.size), "books": len(docs), "chars_unweighted": chars}
    val_tokens = stats["val"]["tokens"]
    stats["val"]["chars_per_token"] = stats["val"]["chars_unweighted"] / max(1, val_tokens)
    (run / "shards.json").write_text(json.dumps(stats, indent=1))
    return stats
