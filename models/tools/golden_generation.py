"""Writes a shipped model's fixtures/golden_generation.json again: the Python twin's frames at
temperature 0 on the shipped file, as `ship` writes them. For a change to the rulebook
(src/engine/SAMPLING.md) that changes what a run writes, when no new model ships with it.

Run from the repository root:  models/.venv/bin/python models/tools/golden_generation.py
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "models"))

from pipeline.generate import onnx_logits, onnx_session  # noqa: E402
from pipeline.ship import golden_generation  # noqa: E402


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", type=Path, default=ROOT / "models" / "unmask-small")
    a = ap.parse_args(argv)

    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(a.model / "tokenizer.json"))
    context = json.loads((a.model / "config.json").read_text())["context"]
    gg = golden_generation(onnx_logits(onnx_session(a.model / "model.onnx")), tok, context)
    out = a.model / "fixtures" / "golden_generation.json"
    out.write_text(json.dumps(gg, ensure_ascii=False) + "\n")
    for c in gg["cases"]:
        print(f"{c['name']}: {c['text']!r}")


if __name__ == "__main__":
    main()
