"""Quantization-aware training: the forward pass sees the weights as the shipped `q8` file holds them.

Why: a model trained in float32 and rounded afterwards loses what the rounding costs (unmask-small,
9 layers: 0.0012 nats/token), and a continuation at a low rate moves most weights less than half a
rounding step, so its gains round away. With `qat` on, each training forward uses the rounded
weights and the gradient passes straight through the rounding to the float32 weights (the
straight-through estimator, Bengio et al. 2013), so the run optimises the file it will ship.

The rounding matches onnxruntime's, so what the run measures is what `quantize` writes
(tests/test_smoke.py compares the two; tests/test_fakequant.py the shipped file):
- MatMul weights (MatMulNBits, 8 bits, blocks of 32 along the input dimension, symmetric): per block,
  scale = -x / 128 for the block's element x of largest magnitude, q = round(w / scale) in [-128, 127].
- The embedding table (quantize_dynamic on the Gather, uint8, one scale for the whole table):
  scale = (max - min) / 255 over the range widened to hold 0, zero point = round(-min / scale).
Ties: onnxruntime's 8-bit MatMulNBits rounds halves up (toward +infinity), as floor(x + 0.5) here; its
quantize_dynamic rounds halves to even, as torch.round. Under bf16 autocast the matmuls see the rounded
weights cast to bf16 (8 significant bits): close to the file's, not exactly it; evaluation is in fp32.
"""

from __future__ import annotations

import torch

BLOCK = 32  # MatMulNBits' block along the input; quantize.py writes its files with this one


def matmul_q8(w: torch.Tensor, block: int = BLOCK) -> torch.Tensor:
    """A Linear weight [out, in] rounded as MatMulNBits' 8-bit symmetric blocks along `in`."""
    out_f, in_f = w.shape  # a multiple of the block: train.setup checks it for a qat run
    b = w.reshape(out_f, in_f // block, block)
    extreme = torch.gather(b, -1, b.abs().argmax(-1, keepdim=True))
    scale = extreme / -128
    scale = torch.where(scale == 0, torch.ones_like(scale), scale)  # an all-zero block stays zero
    return (torch.floor(b / scale + 0.5).clamp(-128, 127) * scale).reshape(out_f, in_f)


def embedding_u8(w: torch.Tensor) -> torch.Tensor:
    """The embedding table rounded as quantize_dynamic's uint8 Gather: one scale and zero point."""
    lo = torch.clamp(w.min(), max=0.0)
    hi = torch.clamp(w.max(), min=0.0)
    scale = (hi - lo) / 255
    scale = torch.where(scale == 0, torch.ones_like(scale), scale)  # all zeros stay zeros (no host sync)
    zero = torch.round(-lo / scale)
    return (torch.clamp(torch.round(w / scale) + zero, 0, 255) - zero) * scale


def rounded(name: str, w: torch.Tensor) -> torch.Tensor:
    """`w` as the q8 file stores it: 2-D weights are rounded, norms stay float."""
    if w.dim() != 2:
        return w
    return embedding_u8(w) if name == "embed.weight" else matmul_q8(w)


def q8_view(model: torch.nn.Module) -> dict[str, torch.Tensor]:
    """Each parameter as the forward should see it: rounded, with the gradient passed straight through."""
    with torch.no_grad():
        delta = {n: rounded(n, p) - p for n, p in model.named_parameters()}
    return {n: p + delta[n] for n, p in model.named_parameters()}


def rounded_forward(model: torch.nn.Module, *inputs: torch.Tensor) -> torch.Tensor:
    """The forward of a quantization-aware step: on the rounded weights, gradients straight through.
    One function for the training step and the precision probe, so the probe times the step the run takes."""
    return torch.func.functional_call(model, q8_view(model), inputs)


def q8_state(model: torch.nn.Module) -> dict[str, torch.Tensor]:
    """The rounded weights as a state dict (what evaluation during a quantization-aware run scores)."""
    params = {n for n, _ in model.named_parameters()}  # buffers (if any) stay as they are
    with torch.no_grad():
        return {n: rounded(n, v) if n in params else v for n, v in model.state_dict().items()}
