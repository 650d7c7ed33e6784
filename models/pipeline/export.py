"""Stage 5: export the trained denoiser to ONNX and check parity against PyTorch with onnxruntime.

Graph contract (the web runtime relies on it): inputs `input_ids` int64 [batch, seq] and `positions`
int64 [batch, n] (the slots whose logits are wanted, 0 <= p < seq), output `logits` float32
[batch, n, vocab], and the row summary the sampler scores with (`top2_logits`, `top2_ids`,
`top_prob`: pipeline/rowsummary.py); every axis dynamic, seq and n up to the model's context.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnx
import torch

from .errors import PipelineError
from .generate import never_emitted, onnx_logits, onnx_session
from .model import Denoiser, ModelConfig
from .rowsummary import add_row_summary, check_row_summary
from .runfolder import run_file
from .train import load_checkpoint

OPSET = 18
# Largest logit difference allowed between the ONNX graph and PyTorch on the same weights.
PARITY_TOL = 1e-3


def excluded_ids(run: Path) -> list[int]:
    """What the row summary leaves out, as the sampler does (SAMPLING.md 2a): the special ids and the run
    tokenizer's byte pieces."""
    from .tokenizer import load_tokenizer

    return list(never_emitted(load_tokenizer(run_file(run, "tokenizer.json"))))


def load_model(run: Path) -> Denoiser:
    state = load_checkpoint(run_file(run, "ckpt.pt"))
    model = Denoiser(ModelConfig(**state["config"]["model"]))
    # The EMA of the weights when the run kept one (see TrainConfig.ema_decay): that is what was evaluated.
    model.load_state_dict(state.get("ema", state["model"]))
    return model.eval()


class _Graph(torch.nn.Module):
    """The exported signature: ids and the positions whose logits the caller reads."""

    def __init__(self, model: Denoiser):
        super().__init__()
        self.model = model

    def forward(self, input_ids: torch.Tensor, positions: torch.Tensor) -> torch.Tensor:
        return self.model(input_ids, positions=positions)


def export(run: Path) -> dict:
    model = load_model(run)
    ctx = model.cfg.context
    example = torch.randint(3, model.cfg.vocab_size, (2, min(ctx, 48)))
    example_pos = torch.arange(0, example.shape[1], 2).repeat(2, 1)
    out = run / "model_fp32.onnx"
    batch = torch.export.Dim("batch", min=1, max=64)
    seq, npos = torch.export.Dim("seq", min=2, max=ctx), torch.export.Dim("positions", min=1, max=ctx)
    with torch.no_grad():
        prog = torch.onnx.export(
            _Graph(model).eval(),
            (example, example_pos),
            input_names=["input_ids", "positions"],
            output_names=["logits"],
            dynamic_shapes=({0: batch, 1: seq}, {0: batch, 1: npos}),
            opset_version=OPSET,
            dynamo=True,
            external_data=False,
        )
    prog.save(str(out), external_data=False)
    excluded = excluded_ids(run)
    onnx.save(add_row_summary(onnx.load(str(out)), excluded), str(out))
    sess = onnx_session(out)
    fn = onnx_logits(sess)
    # Parity on shapes other than the export example (the axes really are dynamic), for every position
    # and for a subset, as the browser asks for the still-masked ones.
    worst = 0.0
    agree, clear_rows = [], []
    g = torch.Generator().manual_seed(0)
    for b, l, step in ((1, ctx, 1), (3, 17, 1), (1, 2, 1), (2, ctx, 3), (1, 40, 40)):
        x = torch.randint(3, model.cfg.vocab_size, (b, l), generator=g)
        x[:, ::3] = 1  # some masks, as the app sends
        pos = torch.arange(0, l, step).repeat(b, 1)
        with torch.no_grad():
            ref = model(x, positions=pos).numpy()
        got = fn(x.numpy(), pos.numpy())
        if got.shape != ref.shape:
            raise PipelineError(f"ONNX output shape {got.shape} != PyTorch {ref.shape}")
        worst = max(worst, float(np.abs(got - ref).max()))
        # Top-1 only where PyTorch's lead over its runner-up exceeds twice the parity bound: closer than that,
        # either side's CPU-specific rounding may flip the order (a near-flat tiny model has many such rows).
        top2 = np.sort(ref, axis=-1)[..., -2:]
        clear = (top2[..., 1] - top2[..., 0]) > 2 * PARITY_TOL
        clear_rows.append(clear.reshape(-1))
        agree.append((got.argmax(-1) == ref.argmax(-1))[clear].reshape(-1))
    report = {
        "onnx": str(out),
        "opset": OPSET,
        "bytes": out.stat().st_size,
        "max_abs_logit_diff": worst,
        "top1_agreement_where_clear": float(np.concatenate(agree).mean()) if any(a.size for a in agree) else 1.0,
        "top1_clear_share": float(np.concatenate(clear_rows).mean()),
        "params": model.num_params(),
        "summary_top_prob_rel_diff": check_row_summary(sess, excluded, model.cfg.vocab_size, ctx),
        "summary_excluded_ids": len(excluded),
    }
    if worst > PARITY_TOL:
        raise PipelineError(f"ONNX/PyTorch parity failed: max logit difference {worst:.2e} > {PARITY_TOL}")
    (run / "export.json").write_text(json.dumps(report, indent=1))
    return report
