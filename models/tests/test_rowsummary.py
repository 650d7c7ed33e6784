"""The row summary added to the graph: top-2 logits and ids without the special ids, and 1 / normaliser."""

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper

from pipeline.rowsummary import OUTPUTS, add_row_summary, check_row_summary, reference_summary

V = 16
SPECIAL = [0, 1, 2]


def identity_graph() -> onnx.ModelProto:
    """A stand-in for the denoiser whose `logits` are its input, so the test chooses every row."""
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", "positions", V])
    y = helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", "positions", V])
    g = helper.make_graph([helper.make_node("Identity", ["x"], ["logits"])], "g", [x], [y])
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", 18)], ir_version=10)


def run(model: onnx.ModelProto, rows: np.ndarray):
    sess = ort.InferenceSession(model.SerializeToString())
    return dict(zip(["logits", *OUTPUTS], sess.run(["logits", *OUTPUTS], {"x": rows[None].astype(np.float32)})))


def test_summary_skips_special_ids_breaks_ties_by_lower_id_and_normalises():
    rows = np.random.default_rng(0).normal(size=(5, V)).astype(np.float32)
    rows[0, 1] = 50.0  # [MASK] largest: never a candidate
    rows[1, [7, 4]] = 9.0  # a tie: the lower id first
    rows[2, :] = 0.0  # flat row: p = 1 / 13 for each of the 13 ordinary ids
    out = run(add_row_summary(identity_graph(), SPECIAL), rows)
    ref = reference_summary(out["logits"], SPECIAL)
    assert np.array_equal(out["top2_ids"], ref["top2_ids"])
    assert out["top2_ids"][0, 0, 0] not in SPECIAL
    assert list(out["top2_ids"][0, 1]) == [4, 7]
    assert list(out["top2_ids"][0, 2]) == [3, 4]
    assert out["top_prob"][0, 2] == pytest.approx(1 / 13, rel=1e-6)
    np.testing.assert_allclose(out["top_prob"], ref["top_prob"], rtol=1e-6)
    np.testing.assert_array_equal(out["top2_logits"], ref["top2_logits"].astype(np.float32))


def test_adding_twice_changes_nothing_and_a_graph_without_logits_is_refused():
    once = add_row_summary(identity_graph(), SPECIAL)
    twice = add_row_summary(once, SPECIAL)
    assert [o.name for o in twice.graph.output] == ["logits", *OUTPUTS]
    bad = identity_graph()
    bad.graph.output[0].name = "scores"
    with pytest.raises(ValueError, match="no `logits` output"):
        add_row_summary(bad, SPECIAL)


def test_the_check_catches_a_summary_that_does_not_follow_the_logits(tmp_path):
    m = add_row_summary(identity_graph(), SPECIAL)
    # Break it: the summary now reads a different tensor than the returned logits.
    m.graph.node.insert(0, helper.make_node("Neg", ["x"], ["x_neg"]))
    next(n for n in m.graph.node if n.name == "summary_bias").input[0] = "x_neg"

    class Sess:  # check_row_summary feeds input_ids/positions; give it logits of its own shape
        def __init__(self, model):
            self.s = ort.InferenceSession(model.SerializeToString())

        def run(self, names, feeds):
            n = feeds["positions"].shape[1]
            x = np.random.default_rng(n).normal(size=(1, n, V)).astype(np.float32)
            return self.s.run(names, {"x": x})

    with pytest.raises(ValueError, match="differ"):
        check_row_summary(Sess(m), SPECIAL, V, 8)
    assert check_row_summary(Sess(add_row_summary(identity_graph(), SPECIAL)), SPECIAL, V, 8) < 1e-5
