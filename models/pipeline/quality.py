"""Text quality the way a reader judges it, independent of the tokenizer.

- invented words: share of generated words (lower-cased runs of letters) never seen in the training
  books; real held-out text scores about 1 % (names and rare words), word salad scores several times more.
  Some invented words are two real words with the space lost ("thebottle"); their share is reported too.
- repeated 3-grams: share of word 3-grams that already occurred earlier in the same sample (loops).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from .prepare import read_docs
from .runfolder import run_file

_WORD = re.compile(r"[a-z]+")


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def word_counts(docs: Path) -> Counter:
    """How often each word occurs in a docs_*.jsonl file (one book a line, its paragraphs under "paragraphs")."""
    counts: Counter = Counter()
    for d in read_docs(docs):
        for p in d["paragraphs"]:
            counts.update(words(p))
    return counts


def vocabulary_of(docs: Path) -> set[str]:
    """Every word of a docs_*.jsonl file."""
    return set(word_counts(docs))


def front_code(words: list[str]) -> str:
    """Sorted words one a line, each as one digit, the letters it shares with the word before (at most 9),
    then the rest: "0cat", "2ts" for cat, cats. The page precaches the list (issue 18 §6: passages and list
    at most 100 kB gzip); front coding takes it from 147 to 95 kB gzip. Decoded by parseWordList (src/ui)."""
    out, prev = [], ""
    for w in words:
        n = 0
        while n < min(9, len(w), len(prev)) and w[n] == prev[n]:
            n += 1
        out.append(f"{n}{w[n:]}\n")
        prev = w
    return "".join(out)


def front_decode(text: str) -> list[str]:
    words, prev = [], ""
    for line in text.split("\n"):
        if line:
            prev = prev[: int(line[0])] + line[1:]
            words.append(prev)
    return words


def write_word_list(docs: Path, out: Path, min_count: int = 2) -> dict:
    """The page's vocabulary (the sweep's invented words, src/ui/explain): the words of the training books
    seen at least `min_count` times, sorted and front-coded. Words seen once are left out to keep the file
    small (76 k words, 673 kB at 1; 53 k, 456 kB plain at 2 on the cpu8 run), so the page's invented share
    reads a little above the card's, which counts every word seen."""
    counts = word_counts(docs)
    kept = sorted(w for w, n in counts.items() if n >= min_count)
    out.write_text(front_code(kept), encoding="ascii")
    return {"words": len(kept), "bytes": out.stat().st_size, "min_count": min_count, "seen": len(counts)}


def training_vocabulary(run: Path) -> set[str]:
    """Every word of the training books; cached in the run folder (the scan takes ~20 s)."""
    cache = run / "word_vocab.json"
    if cache.exists():
        return set(json.loads(cache.read_text()))
    vocab = vocabulary_of(run_file(run, "docs_train.jsonl"))
    cache.write_text(json.dumps(sorted(vocab)))
    return vocab


def invented_share(texts: list[str], vocab: set[str]) -> float:
    ws = [w for t in texts for w in words(t)]
    return sum(w not in vocab for w in ws) / len(ws) if ws else 0.0


def run_together(word: str, vocab: set[str]) -> bool:
    """Two training words with the space between them lost ("thebottle"): a spacing slip, not a new word."""
    return any(word[:i] in vocab and word[i:] in vocab for i in range(2, len(word) - 1))


def run_together_share(texts: list[str], vocab: set[str]) -> float:
    """Of the invented words, the share that are two training words run together."""
    inv = [w for t in texts for w in words(t) if w not in vocab]
    return sum(run_together(w, vocab) for w in inv) / len(inv) if inv else 0.0


def invented_share_error(texts: list[str], vocab: set[str], groups: list | None = None) -> float:
    """Standard error of the pooled share, with samples (or the given groups of samples) as the unit.

    Words of one sample are not independent, nor are samples that continue the same prompt: pass the
    prompt of each text as `groups` and each prompt's samples count as one unit. Ratio estimator
    r = sum(x_i) / sum(n_i) over k units; its delta-method error is
    sqrt(sum((x_i - r n_i)^2) / (k (k - 1))) / mean(n_i).
    """
    units: dict = {}
    for j, ws in enumerate(map(words, texts)):
        key = groups[j] if groups else j
        x, n = units.get(key, (0, 0))
        units[key] = (x + sum(w not in vocab for w in ws), n + len(ws))
    counts = list(units.values())
    k, n = len(counts), sum(c[1] for c in counts)
    if k < 2 or n == 0:
        return 0.0
    r = sum(c[0] for c in counts) / n
    return (sum((x - r * m) ** 2 for x, m in counts) / (k * (k - 1))) ** 0.5 / (n / k)


def repeated_counts(ws: list[str], n: int = 3) -> tuple[int, int]:
    """(repeated n-grams, n-grams) of one text: an n-gram is repeated when it occurred earlier in it."""
    seen, rep = set(), 0
    for j in range(len(ws) - n + 1):
        g = tuple(ws[j : j + n])
        rep += g in seen
        seen.add(g)
    return rep, max(len(ws) - n + 1, 0)


def repeated_word_trigram_share(texts: list[str]) -> float:
    """Pooled over samples: repeated 3-grams / all 3-grams, each sample counted on its own."""
    counts = [repeated_counts(words(t)) for t in texts]
    n = sum(c[1] for c in counts)
    return sum(c[0] for c in counts) / n if n else 0.0


def doubled_word_share(texts: list[str]) -> float:
    """Pooled over samples: words that repeat the word just before them ("they they") / all words.
    Two slots resolved in one step do not see each other, so a model can double a word; a rule
    against repeated 3-grams (SAMPLING.md 2b') must not just move its repeats here."""
    ws = [words(t) for t in texts]
    n = sum(len(w) for w in ws)
    return sum(a == b for w in ws for a, b in zip(w, w[1:])) / n if n else 0.0
