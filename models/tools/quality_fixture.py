"""The page's reader's measures held to the pipeline's: writes src/ui/explain/quality.fixture.json, fixed
strings with their words, (repeated 3-grams, 3-grams) and invented words against a small vocabulary, all
computed by pipeline/quality.py. src/ui/explain/quality.test.ts checks the TypeScript against it, and
models/tests/test_quality.py checks that the file is what this script writes.
  models/.venv/bin/python models/tools/quality_fixture.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "models"))
from pipeline.quality import repeated_counts, words  # noqa: E402

OUT = ROOT / "src" / "ui" / "explain" / "quality.fixture.json"
VOCAB = ["a", "cat", "dog", "mat", "on", "sat", "the"]
TEXTS = [
    "The cat sat on the mat. The cat sat on the mat!",
    "Don't stop: it's 3 o'clock, Mr. Smith-Jones.",
    "Ünïcode café naïve — façade; ZOË said “hello”.",
    "the the the the the",
    "a b",
    "",
    "dog\ncat\tsat   on\r\nthe mat, the dog sat on the cat, thecat blorp",
]


def fixture() -> dict:
    vocab = set(VOCAB)
    cases = []
    for t in TEXTS:
        ws = words(t)
        rep, grams = repeated_counts(ws)
        cases.append(
            {"text": t, "words": ws, "repeated": rep, "trigrams": grams, "invented": sum(w not in vocab for w in ws)}
        )
    return {"vocab": VOCAB, "cases": cases}


def render() -> str:
    return json.dumps(fixture(), indent=1, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    OUT.write_text(render(), encoding="utf-8")
    print(OUT)
