"""Adds the row summary outputs (pipeline/rowsummary.py) to a shipped model folder in place, for a
model exported before the graph had them: model.onnx gains the outputs, config.json its new hash.
The logits, and so every golden fixture, are unchanged; the check compares the summary with them.
Run: .venv/bin/python tools/add_row_summary.py unmask-small"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import onnx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from pipeline.generate import onnx_session  # noqa: E402
from pipeline.rowsummary import add_row_summary, check_row_summary  # noqa: E402
from pipeline.ship import sha256  # noqa: E402
from pipeline.specials import SPECIAL_IDS  # noqa: E402


def main(folder: Path) -> None:
    model_path, config_path = folder / "model.onnx", folder / "config.json"
    config = json.loads(config_path.read_text())
    onnx.save(add_row_summary(onnx.load(str(model_path)), SPECIAL_IDS), str(model_path))
    worst = check_row_summary(onnx_session(model_path), SPECIAL_IDS, config["vocab_size"], config["context"])
    config["files"]["model.onnx"] = {"sha256": sha256(model_path), "bytes": model_path.stat().st_size}
    config_path.write_text(json.dumps(config, indent=1) + "\n")
    print(f"{model_path}: summary added, top_prob within {worst:.1e} of the logits' softmax")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "unmask-small")
