import random
import sys
import zlib
from pathlib import Path

import pytest
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
torch.set_num_threads(2)

WORDS = (
    "the king queen little girl boy wolf forest house went saw said looked ran found old happy "
    "and but so then there was once upon a time into over under with her his their small great"
).split()


def synthetic_book(seed: int, paragraphs: int = 30) -> str:
    """A few kilobytes of hard-wrapped prose with a title, author and chapter headings, like the CLiC files."""
    rng = random.Random(seed)
    out = [f"The Tale Number {seed}", "A. N. Author", "", "CHAPTER I. The Beginning", ""]
    for p in range(paragraphs):
        words = [rng.choice(WORDS) for _ in range(rng.randint(20, 60))]
        text = "\u201c" + " ".join(words).capitalize() + ".\u201d"
        lines, line = [], ""
        for w in text.split():
            if len(line) + len(w) > 68:
                lines.append(line)
                line = ""
            line = (line + " " + w).strip()
        lines.append(line)
        out += lines + [""]
        if p == paragraphs // 2:
            out += ["CHAPTER II. The Middle", ""]
    return "\n".join(out)


@pytest.fixture
def tiny_corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    for folder, n in (("ChiLit", 4), ("Grimm", 2)):
        (root / folder).mkdir(parents=True)
        for i in range(n):
            (root / folder / f"book{i}.txt").write_text(synthetic_book(zlib.crc32(f"{folder}{i}".encode()) % 1000))
    return root
