"""Grow a trained model in depth by stacking its own layers (recipe (e) of the training issue).

Each new block is a copy of a trained block, inserted right after it, with its two residual output
projections (attention `proj`, feed-forward `down`) set to zero, as in LLaMA Pro's block expansion: the
grown model computes exactly what the trained one did, and training then moves the copies apart. Copies
of trained blocks rather than random ones start with useful attention and feed-forward weights; the zero
projections keep the first steps from undoing what the model knew.
"""

from __future__ import annotations

from pathlib import Path

import torch

from .errors import PipelineError
from .model import ModelConfig
from .warmstart import load_warm_start, save_state


def copied_blocks(n_from: int, n_to: int) -> list[int]:
    """Which trained block each of the n_to blocks comes from, copies spread evenly through the stack:
    6 -> 8 copies blocks 2 and 5 (a copy follows its source)."""
    if not 0 < n_from <= n_to:
        raise PipelineError(f"can only grow from {n_from} to more layers, not {n_to}")
    extra = n_to - n_from
    # Copy the block that ends each of `extra` equal groups of the stack.
    ends = {round((i + 1) * n_from / extra) - 1 for i in range(extra)} if extra else set()
    if len(ends) != extra:
        raise PipelineError(f"growing {n_from} to {n_to} layers copies some blocks twice; grow in two stages")
    order: list[int] = []
    for b in range(n_from):
        order.append(b)
        if b in ends:
            order.append(-1 - b)  # a copy of b, its output zeroed
    return order


def grow_state(state: dict[str, torch.Tensor], n_from: int, n_to: int) -> dict[str, torch.Tensor]:
    out = {k: v for k, v in state.items() if not k.startswith("blocks.")}
    for i, src in enumerate(copied_blocks(n_from, n_to)):
        b = src if src >= 0 else -1 - src
        for k, v in state.items():
            prefix = f"blocks.{b}."
            if k.startswith(prefix):
                name = k[len(prefix) :]
                zero = src < 0 and name in ("proj.weight", "down.weight")
                out[f"blocks.{i}.{name}"] = torch.zeros_like(v) if zero else v.clone()
    return out


def grow(init: Path, cfg: ModelConfig, n_to: int, out: Path, full: bool = False) -> int:
    """Write `out`, a weights file for `cfg` with n_to layers grown from `init` (weights.pt, model.onnx or
    a run's float32 state dict); `full` keeps float32 instead of weights.pt's 8-bit matrices."""
    state = load_warm_start(init, cfg)
    grown = grow_state(state, cfg.n_layers, n_to)
    if full:
        torch.save(grown, out)
        return out.stat().st_size
    return save_state(grown, out)
