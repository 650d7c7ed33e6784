"""The run folder's files, each with the stage that writes it, so a missing one is a clear error that
names the stage to run, never a bare FileNotFoundError."""

from __future__ import annotations

import json
from pathlib import Path

from .errors import PipelineError

PRODUCER = {
    "docs_train.jsonl": "prepare",
    "docs_val.jsonl": "prepare",
    "split.json": "prepare",
    "tokenizer.json": "tokenizer",
    "tokens_train.npy": "tokenizer",
    "tokens_val.npy": "tokenizer",
    "shards.json": "tokenizer",
    "ckpt.pt": "train",
    "train_config.json": "train",
    "train_summary.json": "train",
    "model_fp32.onnx": "export",
    "export.json": "export",
    "model_q8.onnx": "quantize",
    "model_q4.onnx": "quantize",
    "model_q4e8.onnx": "quantize",
    "model_q4h8.onnx": "quantize",
    "quantize.json": "quantize",
    "evaluate.json": "evaluate",
}


def run_file(run: Path, name: str) -> Path:
    """The path of `name` in the run folder; PipelineError naming the stage to run if it is missing."""
    path = Path(run) / name
    if not path.exists():
        stage = PRODUCER.get(name)
        hint = f"run the '{stage}' stage first" if stage else "check the run folder"
        raise PipelineError(f"missing {path}: {hint}")
    return path


def run_json(run: Path, name: str) -> dict:
    path = run_file(run, name)
    try:
        return json.loads(path.read_text())
    except ValueError as e:
        raise PipelineError(f"{path} is not valid JSON ({e}); run the '{PRODUCER.get(name, '?')}' stage again") from e
