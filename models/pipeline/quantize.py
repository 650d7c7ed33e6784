"""Stage 6: quantize the fp32 ONNX model with onnxruntime's own tools and report every variant.

Variants:
  q8     8-bit dynamic quantization of every MatMul (quantize_dynamic)
  q4     4-bit MatMulNBits, block 32, symmetric; embedding left in fp32
  q4e8   q4 plus the embedding table in 8 bits (quantize_dynamic on the Gather)
Each is compared to fp32 on masked validation windows: file size, largest logit difference, and
top-1 agreement at the masked positions (the ones the sampler reads).
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnx

from .errors import PipelineError
from .generate import onnx_logits, onnx_session
from .runfolder import run_file, run_json
from .rowsummary import check_row_summary
from .specials import MASK_ID, SPECIAL_IDS

BLOCK = 32


def _nbits(model: onnx.ModelProto, bits: int, op_types: tuple[str, ...]) -> onnx.ModelProto:
    from onnxruntime.quantization import matmul_nbits_quantizer as mnq
    cfg = mnq.DefaultWeightOnlyQuantConfig(block_size=BLOCK, is_symmetric=True, bits=bits,
                                           op_types_to_quantize=op_types)
    q = mnq.MatMulNBitsQuantizer(model, bits=bits, block_size=BLOCK, is_symmetric=True,
                                 op_types_to_quantize=op_types, algo_config=cfg)
    q.process()
    return q.model.model


def make_variants(fp32: Path, out_dir: Path) -> dict[str, Path]:
    from onnxruntime.quantization import QuantType, quantize_dynamic
    paths = {"fp32": fp32}
    q8 = out_dir / "model_q8.onnx"
    quantize_dynamic(str(fp32), str(q8), weight_type=QuantType.QInt8, op_types_to_quantize=["MatMul"])
    paths["q8"] = q8
    base = onnx.load(str(fp32))
    q4 = _nbits(base, 4, ("MatMul",))
    onnx.save(q4, str(out_dir / "model_q4.onnx"))
    paths["q4"] = out_dir / "model_q4.onnx"
    # MatMulNBits' Gather path is 4-bit only; the 8-bit embedding comes from quantize_dynamic.
    quantize_dynamic(str(paths["q4"]), str(out_dir / "model_q4e8.onnx"), weight_type=QuantType.QUInt8,
                     op_types_to_quantize=["Gather"])
    paths["q4e8"] = out_dir / "model_q4e8.onnx"
    return paths


def eval_windows(run: Path, context: int, n: int = 16, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Validation windows with a spread of mask rates, like the canvases the app sends."""
    toks = np.load(run_file(run, "tokens_val.npy"))
    rng = np.random.default_rng(seed)
    starts = rng.integers(0, toks.size - context, size=n)
    x = np.stack([toks[s:s + context] for s in starts]).astype(np.int64)
    t = (np.arange(n) + rng.random(n)) / n
    masked = rng.random(x.shape) < t[:, None]
    return np.where(masked, MASK_ID, x), masked


def ref_vocab(sess) -> int:
    return int(next(o for o in sess.get_outputs() if o.name == "logits").shape[2])


def compare(paths: dict[str, Path], x: np.ndarray, masked: np.ndarray) -> dict[str, dict]:
    outs = {}
    summary = {}
    for name, p in paths.items():
        sess = onnx_session(p)
        fn = onnx_logits(sess)
        outs[name] = np.concatenate([fn(x[i:i + 4]) for i in range(0, len(x), 4)])
        # Quantization rewrites the weights' nodes only: the row summary must still follow the logits.
        summary[name] = check_row_summary(sess, SPECIAL_IDS, ref_vocab(sess), x.shape[1])
    ref = outs["fp32"]
    report = {}
    for name, p in paths.items():
        o = outs[name]
        report[name] = {
            "bytes": p.stat().st_size,
            "max_abs_logit_diff": float(np.abs(o - ref).max()),
            "top1_agreement_masked": float((o.argmax(-1) == ref.argmax(-1))[masked].mean()),
            "summary_top_prob_rel_diff": summary[name],
        }
    return report


def quantize(run: Path) -> dict:
    fp32 = run_file(run, "model_fp32.onnx")
    context = run_json(run, "train_config.json")["model"]["context"]
    paths = make_variants(fp32, run)
    x, masked = eval_windows(run, context)
    report = compare(paths, x, masked)
    (run / "quantize.json").write_text(json.dumps(report, indent=1))
    return report
