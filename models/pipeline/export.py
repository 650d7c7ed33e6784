"""Stage 5: export the trained denoiser to ONNX and check parity against PyTorch with onnxruntime.

Graph contract (the web runtime relies on it): input `input_ids` int64 [batch, seq], output `logits`
float32 [batch, seq, vocab], both axes dynamic, seq up to the model's context.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch

from .errors import PipelineError
from .model import Denoiser, ModelConfig
from .runfolder import run_file
from .train import load_checkpoint

OPSET = 18


def load_model(run: Path) -> Denoiser:
    state = load_checkpoint(run_file(run, "ckpt.pt"))
    model = Denoiser(ModelConfig(**state["config"]["model"]))
    # The EMA of the weights when the run kept one (see TrainConfig.ema_decay): that is what was evaluated.
    model.load_state_dict(state.get("ema", state["model"]))
    return model.eval()


def export(run: Path) -> dict:
    import onnxruntime as ort

    model = load_model(run)
    ctx = model.cfg.context
    example = torch.randint(3, model.cfg.vocab_size, (2, min(ctx, 48)))
    out = run / "model_fp32.onnx"
    batch, seq = torch.export.Dim("batch", min=1, max=64), torch.export.Dim("seq", min=2, max=ctx)
    with torch.no_grad():
        prog = torch.onnx.export(model, (example,), input_names=["input_ids"], output_names=["logits"],
                                 dynamic_shapes=({0: batch, 1: seq},),
                                 opset_version=OPSET, dynamo=True, external_data=False)
    prog.save(str(out), external_data=False)
    sess = ort.InferenceSession(str(out), providers=["CPUExecutionProvider"])
    # Parity on shapes other than the export example: the axes really are dynamic.
    worst = 0.0
    agree = []
    g = torch.Generator().manual_seed(0)
    for b, l in ((1, ctx), (3, 17), (1, 2)):
        x = torch.randint(3, model.cfg.vocab_size, (b, l), generator=g)
        x[:, ::3] = 1  # some masks, as the app sends
        with torch.no_grad():
            ref = model(x).numpy()
        got = sess.run(["logits"], {"input_ids": x.numpy()})[0]
        if got.shape != ref.shape:
            raise PipelineError(f"ONNX output shape {got.shape} != PyTorch {ref.shape}")
        worst = max(worst, float(np.abs(got - ref).max()))
        agree.append(float((got.argmax(-1) == ref.argmax(-1)).mean()))
    report = {"onnx": str(out), "opset": OPSET, "bytes": out.stat().st_size, "max_abs_logit_diff": worst,
              "top1_agreement": min(agree), "params": model.num_params()}
    if worst > 1e-3:
        raise PipelineError(f"ONNX/PyTorch parity failed: max logit difference {worst:.2e} > 1e-3")
    (run / "export.json").write_text(json.dumps(report, indent=1))
    return report
