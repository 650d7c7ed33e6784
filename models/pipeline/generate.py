"""One way to get logits and one way to generate, shared by export, quantize, evaluate and ship.

`logits` functions take ids [L] (one canvas, as the sampler calls them) or [B, L] and return float32
logits [L, V] or [B, L, V]; the sampler never knows whether PyTorch or onnxruntime is behind them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import torch

from .errors import PipelineError
from .sampler import Settings, build_canvas, unmask
from .specials import EOS_ID, MASK_ID, PAD_ID

Logits = Callable[[np.ndarray], np.ndarray]


def onnx_session(path: Path, threads: int | None = None):
    """onnxruntime session on the GPU when this machine has one (the GPU run evaluates there), else CPU.
    `threads` pins the CPU's thread count: the measuring tools use 1 so that their timings and
    results do not depend on what else the machine runs."""
    import onnxruntime as ort

    if not Path(path).exists():
        raise PipelineError(f"missing {path}: run the 'export' (and 'quantize') stage first")
    so = ort.SessionOptions()
    if threads is not None:
        so.intra_op_num_threads = threads
        so.inter_op_num_threads = threads
    providers = [p for p in ("CUDAExecutionProvider", "CPUExecutionProvider") if p in ort.get_available_providers()]
    return ort.InferenceSession(str(path), so, providers=providers)


def onnx_logits(sess) -> Logits:
    """Logits at `positions` (default: every slot). Graphs exported before the `positions` input
    existed compute every slot, and the rows asked for are taken afterwards."""
    has_positions = any(i.name == "positions" for i in sess.get_inputs())

    def fn(ids: np.ndarray, positions: np.ndarray | None = None) -> np.ndarray:
        ids = np.asarray(ids, dtype=np.int64)
        batch = ids[None, :] if ids.ndim == 1 else ids
        pos = np.broadcast_to(np.arange(batch.shape[1]), batch.shape) if positions is None else np.asarray(positions)
        pos = np.ascontiguousarray(np.broadcast_to(pos.astype(np.int64), (batch.shape[0], pos.shape[-1])))
        if has_positions:
            out = sess.run(["logits"], {"input_ids": batch, "positions": pos})[0]
        else:
            out = np.take_along_axis(sess.run(["logits"], {"input_ids": batch})[0], pos[..., None], 1)
        return out[0] if ids.ndim == 1 else out

    return fn


def torch_logits(model: torch.nn.Module) -> Logits:
    device = next(model.parameters()).device

    def fn(ids: np.ndarray) -> np.ndarray:
        ids = np.asarray(ids, dtype=np.int64)
        batch = torch.from_numpy(ids[None, :] if ids.ndim == 1 else ids).to(device)
        with torch.no_grad():
            out = model(batch).float().cpu().numpy()
        return out[0] if ids.ndim == 1 else out

    return fn


@dataclass
class Generation:
    canvas: np.ndarray  # the starting canvas (given ids and masks)
    fixed: np.ndarray  # 1 where the id was given
    frames: list  # the sampler's frames, in order
    final: np.ndarray  # ids after the last frame
    text: str  # the whole passage, decoded
    generated: str  # the generated slots only, decoded together

    @property
    def generated_ids(self) -> np.ndarray:
        return self.final[self.fixed == 0]


def byte_pieces(tok) -> list[int]:
    """Ids whose bytes, decoded alone, are not whole UTF-8 characters (a byte-level vocabulary's lone
    bytes and partial merges): they decode to U+FFFD, and the sampler never emits them (SAMPLING.md 2a).
    config.json lists them for the app, and the graph's row summary leaves them out (export)."""
    specials = {PAD_ID, MASK_ID, EOS_ID}
    return [i for i in range(tok.get_vocab_size()) if i not in specials and "\ufffd" in tok.decode([i])]


def never_emitted(tok) -> tuple[int, ...]:
    """What the sampler gives -inf (2a): the special ids and the byte pieces."""
    return (PAD_ID, MASK_ID, EOS_ID, *byte_pieces(tok))


def never_emitted_of(config: dict) -> tuple[int, ...]:
    """The same, as the app reads it from a shipped config.json (src/runtime/config.ts, samplerIds):
    a model shipped before the rule lists no byte pieces and leaves out the specials alone."""
    sp = config["special_ids"]
    return (sp["pad"], sp["mask"], sp["eos"], *config.get("byte_pieces", []))


def generate(fn: Logits, tok, segments: list[dict], s: Settings, context: int) -> Generation:
    """Runs the rulebook's sampler (src/engine/SAMPLING.md) over a prompt or template."""
    ids, fixed = build_canvas(segments, lambda t: tok.encode(t).ids, MASK_ID, context)
    frames = list(unmask(ids, fixed, fn, s, never_emitted(tok), MASK_ID))
    final = frames[-1].ids if frames else ids
    return Generation(ids, fixed, frames, final, tok.decode(final.tolist()), tok.decode(final[fixed == 0].tolist()))


def prompt_segments(prompt: str, length: int) -> list[dict]:
    return [{"kind": "text", "text": prompt}, {"kind": "blank", "length": length}]
