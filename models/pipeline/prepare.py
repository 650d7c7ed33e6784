"""Stage 1: read the corpus, unwrap hard-wrapped lines into paragraphs, normalise, split by whole book.

Output in the run folder:
  docs_train.jsonl / docs_val.jsonl  one book per line: {"folder", "file", "title", "author" (where the
                                      corpus's corpora.bib names one), "weight", "paragraphs": [...]}
  split.json                          which books went where, and the settings used
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .books import book_facts, read_bib
from .errors import PipelineError

# Copies of each book per pass over the stream. Children's books and fairy tales are the core (twice);
# every novel comes once. A weight below 1 would keep a fixed subset of a folder's books in every epoch
# (tokenizer.book_repeats): at 0.3 the model scored 0.25 nats/token worse on the novels it never saw
# than on those it saw, and the validation books are mostly novels (models/README.md, "Seen and
# never-seen books").
DEFAULT_WEIGHTS = {"ChiLit": 2.0, "Grimm": 2.0, "19C": 1.0, "DNov": 1.0, "ArTs": 1.0, "AAW": 1.0}

_QUOTES = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u201f": '"',
    "\u2033": '"',
    "\u00ab": '"',
    "\u00bb": '"',
}
_QUOTE_RE = re.compile("|".join(map(re.escape, _QUOTES)))
_NUMBER = (
    r"(?:[0-9]+|[ivxlcdm]+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"(?:the\s+)?(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|last))"
)
# A heading keyword followed by a number: "CHAPTER XII.", "Stave One", "BOOK THE FIRST".
_HEADING_RE = re.compile(
    r"^(chapter|book|part|volume|vol\.|stave|canto|section|fytte)\s+" + _NUMBER + r"\b", re.IGNORECASE
)


def normalise_text(text: str) -> str:
    """The one normalisation for training text and for prompts (the tokenizer repeats the quote rules)."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\ufeff", "").replace("\u00a0", " ")
    text = _QUOTE_RE.sub(lambda m: _QUOTES[m.group(0)], text)
    text = text.replace("--", "\u2014")
    text = re.sub(r"_(\S[^_]*?)_", r"\1", text)  # Gutenberg's _italics_ markers
    return re.sub(r"\s+", " ", text).strip()


def is_heading(paragraph: str) -> bool:
    """Title, chapter and section lines, illustration markers: short lines that are not prose."""
    p = paragraph.strip()
    if not p or (p.startswith("[") and p.endswith("]")):
        return True
    if len(p) > 80:
        return False
    if _HEADING_RE.match(p) and len(p.split()) <= 10 and not p.endswith((",", ";")):
        return True  # "CHAPTER I. Down the Rabbit-Hole"; prose starting "Book..." runs longer
    return not re.search(r"[a-z]", p)  # ALL-CAPS lines, bare numerals, "* * *"


def unwrap(raw: str, one_paragraph_per_line: bool = False) -> list[str]:
    """Join hard-wrapped lines into paragraphs (blank lines separate them) and drop headings."""
    raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    blocks = raw.split("\n") if one_paragraph_per_line else re.split(r"\n\s*\n", raw)
    out = []
    for block in blocks:
        para = normalise_text(" ".join(line.strip() for line in block.split("\n")))
        if para and not is_heading(para):
            out.append(para)
    return out


def read_book(path: Path, folder: str) -> list[str]:
    raw = path.read_text(encoding="utf-8", errors="replace")
    if folder == "Grimm":
        return unwrap(raw, one_paragraph_per_line=True)
    # CLiC files open with title and author lines before the first blank line.
    head, sep, rest = raw.lstrip("\ufeff").partition("\n\n")
    body = rest if sep and len(head) < 300 else raw
    return unwrap(body)


def _is_val(folder: str, name: str, val_fraction: float, seed: int) -> bool:
    h = hashlib.sha256(f"{seed}:{folder}/{name}".encode()).digest()
    return int.from_bytes(h[:8], "big") / 2**64 < val_fraction


@dataclass
class PrepareResult:
    train_books: int
    val_books: int
    train_chars: int
    val_chars: int


def prepare(
    corpus: Path, run: Path, weights: dict[str, float] | None = None, val_fraction: float = 0.06, seed: int = 0
) -> PrepareResult:
    corpus = Path(corpus)
    if not corpus.is_dir():
        raise PipelineError(f"corpus folder not found: {corpus} (pass --corpus, default ../shared/corpus)")
    weights = dict(DEFAULT_WEIGHTS if weights is None else weights)
    folders = sorted(p for p in corpus.iterdir() if p.is_dir())
    if not folders:  # a flat folder of .txt files is one folder of its own
        folders = [corpus]
    books: list[tuple[str, Path]] = []
    for folder in folders:
        w = weights.get(folder.name, 1.0 if folder == corpus else 0.0)
        if w <= 0:
            continue
        books += [(folder.name, p) for p in sorted(folder.glob("*.txt"))]
    if not books:
        raise PipelineError(f"no .txt books found in {corpus} (with weight > 0 in {weights})")

    bib = read_bib(corpus / "corpora.bib")
    run.mkdir(parents=True, exist_ok=True)
    split = {"train": [], "val": [], "weights": weights, "val_fraction": val_fraction, "seed": seed}
    chars = {"train": 0, "val": 0}
    by_folder: dict[str, list[tuple[str, Path]]] = {}
    for folder, path in books:
        by_folder.setdefault(folder, []).append((folder, path))
    with open(run / "docs_train.jsonl", "w") as ftr, open(run / "docs_val.jsonl", "w") as fva:
        for items in by_folder.values():
            val_names = {p.name for f, p in items if _is_val(f, p.name, val_fraction, seed)}
            if not val_names and len(items) >= 4:  # every folder with a few books gives one to validation
                val_names = {min(items, key=lambda fp: hashlib.sha256(fp[1].name.encode()).hexdigest())[1].name}
            if len(val_names) == len(items):  # never put a whole folder in validation
                val_names = set()
            for f, p in items:
                paragraphs = read_book(p, f)
                if not paragraphs:
                    continue
                which = "val" if p.name in val_names else "train"
                rec = {"folder": f, "file": p.name, **book_facts(bib, p.name)}
                rec |= {"weight": weights.get(f, 1.0), "paragraphs": paragraphs}
                (fva if which == "val" else ftr).write(json.dumps(rec, ensure_ascii=False) + "\n")
                split[which].append(f"{f}/{p.name}")
                chars[which] += sum(len(x) + 1 for x in paragraphs)
    if not split["train"]:
        raise PipelineError(f"no training text left after cleaning {corpus}")
    (run / "split.json").write_text(json.dumps(split, indent=1))
    return PrepareResult(len(split["train"]), len(split["val"]), chars["train"], chars["val"])


def read_docs(path: Path) -> list[dict]:
    if not path.exists():
        raise PipelineError(f"missing {path}: run the 'prepare' stage first")
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]
