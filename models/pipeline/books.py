"""Title and author of each corpus book, so the page can name a passage's book as a reader would.

The corpus's `corpora.bib` lists every CLiC book (its `shorttitle` is the file's stem); books it does
not list (the Grimm tales, one file each) take a title from their file name and no author.
"""

from __future__ import annotations

from pathlib import Path

import bibtexparser
from bibtexparser import middlewares

from .errors import PipelineError


def read_bib(path: Path) -> dict[str, dict[str, str]]:
    """{file stem: {"title", "author"}} from a BibTeX file; {} when there is none."""
    if not path.exists():
        return {}
    lib = bibtexparser.parse_file(
        str(path),
        # "Dickens, Charles" → "Charles Dickens"; co-authors joined by " and ".
        append_middleware=[
            middlewares.LatexDecodingMiddleware(),
            middlewares.SeparateCoAuthors(),
            middlewares.SplitNameParts(),
            middlewares.MergeNameParts(style="first"),
        ],
    )
    if lib.failed_blocks:
        raise PipelineError(f"{path}: {len(lib.failed_blocks)} entries could not be read")
    out = {}
    for e in lib.entries:
        stem, title = e.get("shorttitle"), e.get("title")
        if stem is None or title is None:
            continue
        author = e.get("author")
        names = author.value if author is not None else []
        out[stem.value.strip("{}")] = {"title": title.value, "author": " and ".join(names)}
    return out


SMALL_WORDS = {"a", "an", "and", "at", "by", "for", "from", "in", "into", "of", "on", "or", "the", "to", "with"}


def title_from_file(name: str) -> str:
    """'the_masterthief.txt' → 'The Masterthief'; 'hans_in_luck.txt' → 'Hans in Luck'."""
    words = [w for w in Path(name).stem.replace("-", "_").split("_") if w]
    return " ".join(w if i and w in SMALL_WORDS else w.capitalize() for i, w in enumerate(words))


def book_facts(bib: dict[str, dict[str, str]], file: str) -> dict[str, str]:
    """{"title"} and, where known, {"author"} of one book file."""
    known = bib.get(Path(file).stem)
    if known is None:
        return {"title": title_from_file(file)}
    return {k: v for k, v in known.items() if v}
