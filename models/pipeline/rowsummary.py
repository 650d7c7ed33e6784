"""The row summary: what a sampling step needs from each logits row, computed inside the graph.

Each step of the app scores every still-masked slot but draws a token at only a few of them. Scoring
needs, per row, the largest and second largest logit, the argmax (the draft) and the softmax
normaliser, which in JavaScript costs a pass of 4,096 exponentials per row (about 50 us; 4 ms a step
at 128 tokens, as much as a tenth of the forward pass). onnxruntime computes the same in its
vectorized kernels for a fraction of that, so the graph returns it beside the logits
(SAMPLING.md, "One step"; src/engine/unmask.ts reads it):

  top2_logits [batch, n, 2] float32  the two largest logits, special ids and byte pieces excluded
  top2_ids    [batch, n, 2] int64    their ids (the lower id first on a tie, as ONNX TopK specifies)
  top_prob    [batch, n]    float32  the largest softmax probability, 1 / normaliser

`logits` is unchanged, so every consumer of the graph keeps working. The ids the sampler never emits
(the specials and the tokenizer's byte pieces, SAMPLING.md 2a) get -1e9 before the summary (exp
underflows to exactly 0), as the sampler gives them -inf.
"""

from __future__ import annotations

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from .specials import MASK_ID

OUTPUTS = ("top2_logits", "top2_ids", "top_prob")
EXCLUDED = -1e9


def add_row_summary(model: onnx.ModelProto, special_ids: list[int]) -> onnx.ModelProto:
    """`model` with the three summary outputs added after `logits` (idempotent)."""
    g = model.graph
    if any(o.name in OUTPUTS for o in g.output):
        return model
    logits = next((o for o in g.output if o.name == "logits"), None)
    if logits is None:
        raise ValueError("the graph has no `logits` output")
    vocab = logits.type.tensor_type.shape.dim[2].dim_value
    if vocab <= 0:
        raise ValueError("the graph's logits have no fixed vocabulary size")
    bias = np.zeros(vocab, np.float32)
    bias[[i for i in special_ids if 0 <= i < vocab]] = EXCLUDED
    g.initializer.extend(
        [
            numpy_helper.from_array(bias, "summary_special_bias"),
            numpy_helper.from_array(np.array([2], np.int64), "summary_k"),
            numpy_helper.from_array(np.array([-1], np.int64), "summary_axis"),
        ]
    )
    g.node.extend(
        [
            helper.make_node("Add", ["logits", "summary_special_bias"], ["summary_biased"], name="summary_bias"),
            helper.make_node(
                "TopK",
                ["summary_biased", "summary_k"],
                ["top2_logits", "top2_ids"],
                name="summary_top2",
                axis=-1,
                largest=1,
                sorted=1,
            ),
            helper.make_node("Softmax", ["summary_biased"], ["summary_probs"], name="summary_softmax", axis=-1),
            helper.make_node(
                "ReduceMax", ["summary_probs", "summary_axis"], ["top_prob"], name="summary_top_prob", keepdims=0
            ),
        ]
    )
    # The logits' own names for the batch and positions axes (fixed sizes get generic names).
    dims = [d.dim_param or name for d, name in zip(logits.type.tensor_type.shape.dim[:2], ("batch", "positions"))]
    g.output.extend(
        [
            helper.make_tensor_value_info("top2_logits", TensorProto.FLOAT, [*dims, 2]),
            helper.make_tensor_value_info("top2_ids", TensorProto.INT64, [*dims, 2]),
            helper.make_tensor_value_info("top_prob", TensorProto.FLOAT, dims),
        ]
    )
    onnx.checker.check_model(model)
    return model


def excluded_by(model: onnx.ModelProto) -> list[int]:
    """The ids a graph's row summary leaves out (those its bias sets to EXCLUDED), ascending."""
    bias = next((t for t in model.graph.initializer if t.name == "summary_special_bias"), None)
    if bias is None:
        raise ValueError("the graph has no row summary")
    return np.flatnonzero(numpy_helper.to_array(bias) <= EXCLUDED / 2).tolist()


def reference_summary(logits: np.ndarray, special_ids: list[int]) -> dict[str, np.ndarray]:
    """The same three outputs in float64 numpy, from the sampler's definitions (for the checks)."""
    lg = logits.astype(np.float64).copy()
    lg[..., [i for i in special_ids if 0 <= i < lg.shape[-1]]] = -np.inf
    order = np.argsort(-lg, axis=-1, kind="stable")[..., :2]
    top = np.take_along_axis(lg, order, -1)
    z = np.exp(lg - top[..., :1]).sum(-1)
    return {"top2_logits": top, "top2_ids": order, "top_prob": 1.0 / z}


def check_row_summary(sess, special_ids: list[int], vocab: int, context: int, seed: int = 0) -> float:
    """Runs the graph on random canvases and compares the summary with `reference_summary`;
    returns the largest relative difference of top_prob (ids and top logits must match exactly)."""
    rng = np.random.default_rng(seed)
    worst = 0.0
    for n in (context, 17, 2):
        ids = rng.integers(3, vocab, (1, n))
        ids[:, ::3] = MASK_ID  # some masks, as the app sends
        pos = np.arange(0, n, 2, dtype=np.int64)[None, :]
        logits, top, top_ids, top_prob = sess.run(
            ["logits", *OUTPUTS], {"input_ids": ids.astype(np.int64), "positions": pos}
        )
        ref = reference_summary(logits, special_ids)
        if not np.array_equal(top_ids, ref["top2_ids"]) or not np.array_equal(
            top.astype(np.float64), ref["top2_logits"]
        ):
            raise ValueError("the graph's top-2 logits or ids differ from the logits it returns")
        worst = max(worst, float(np.abs(top_prob / ref["top_prob"] - 1).max()))
    if worst > 1e-5:
        raise ValueError(f"the graph's top_prob differs from the softmax of its logits by {worst:.1e}")
    return worst
