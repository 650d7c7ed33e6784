"""Warm start: the shipped graph dequantizes back to the exact weights it computes with."""

from pathlib import Path

import numpy as np
import pytest
import torch

from pipeline.errors import PipelineError
from pipeline.model import Denoiser, ModelConfig
from pipeline.runfolder import run_file, run_json
from pipeline.warmstart import dequantization_gap, dequantized_model, load_warm_start, logits_side_by_side, save_weights
from tests.tolerance import assert_top1_agrees

SHIPPED = Path(__file__).resolve().parents[1] / "unmask-small"


def shipped_config() -> ModelConfig:
    import json

    return ModelConfig(**json.loads((SHIPPED / "config.json").read_text())["model"])


def test_dequantized_onnx_matches_the_shipped_graph():
    ref, got = logits_side_by_side(SHIPPED / "model.onnx", dequantized_model(SHIPPED / "model.onnx", shipped_config()))
    # Logits within 1e-3; the same top-1 wherever it leads by more than twice that (near ties set aside).
    assert_top1_agrees(ref, got, 1e-3)


def test_a_wrong_dequantization_is_caught(monkeypatch):
    # The check must be able to fail: a zero point one step off shifts every weight by its block's scale.
    import pipeline.warmstart as ws

    right = ws._dequant_nbits

    def off_by_one(q, scales, k, bits=4):
        block = q.shape[-1] * 8 // bits  # values per block: its bytes, 8 // bits values a byte
        return right(q, scales, k, bits) + np.repeat(scales, block, axis=1)[:, :k]

    monkeypatch.setattr(ws, "_dequant_nbits", off_by_one)
    shipped = SHIPPED / "model.onnx"
    assert dequantization_gap(shipped, dequantized_model(shipped, shipped_config())) > 1e-2


def test_weights_file_round_trip_in_8_bits(tmp_path):
    cfg = ModelConfig(vocab_size=64, d_model=32, n_layers=1, n_heads=2, context=16)
    model = Denoiser(cfg)
    size = save_weights(model, tmp_path / "weights.pt")
    n = sum(v.numel() for v in model.state_dict().values())
    assert size < n * 1.5  # a byte per matrix entry (plus scales and pickling), not two
    state = load_warm_start(tmp_path / "weights.pt", cfg)
    for k, v in model.state_dict().items():
        # Symmetric 8-bit with a scale per row: off by at most half a step, absmax / 254.
        bound = (
            v.abs().amax(dim=-1, keepdim=True) / 254 + 1e-3 * v.abs() + 1e-6 if v.ndim == 2 else 1e-3 * v.abs() + 1e-6
        )
        assert ((state[k] - v).abs() <= bound).all(), k


def test_fp16_weights_files_still_load(tmp_path):
    cfg = ModelConfig(vocab_size=64, d_model=32, n_layers=1, n_heads=2, context=16)
    model = Denoiser(cfg)
    torch.save({k: v.to(torch.float16) for k, v in model.state_dict().items()}, tmp_path / "old.pt")
    state = load_warm_start(tmp_path / "old.pt", cfg)
    for k, v in model.state_dict().items():
        assert torch.allclose(state[k], v, atol=1e-3), k


def test_warm_start_for_another_model_is_refused(tmp_path):
    small = ModelConfig(vocab_size=64, d_model=32, n_layers=1, n_heads=2, context=16)
    save_weights(Denoiser(small), tmp_path / "weights.pt")
    with pytest.raises(PipelineError, match="shape"):
        load_warm_start(
            tmp_path / "weights.pt", ModelConfig(vocab_size=64, d_model=48, n_layers=1, n_heads=2, context=16)
        )
    with pytest.raises(PipelineError, match="does not exist"):
        load_warm_start(tmp_path / "nope.pt", small)
    (tmp_path / "bad.pt").write_bytes(b"not a checkpoint")
    with pytest.raises(PipelineError, match="unreadable"):
        load_warm_start(tmp_path / "bad.pt", small)


def test_missing_run_files_name_the_stage(tmp_path):
    with pytest.raises(PipelineError, match="run the 'quantize' stage first"):
        run_file(tmp_path, "model_q4e8.onnx")
    (tmp_path / "evaluate.json").write_text("{not json")
    with pytest.raises(PipelineError, match="not valid JSON"):
        run_json(tmp_path, "evaluate.json")
