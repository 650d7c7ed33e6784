"""End to end on a few kilobytes: prepare, tokenizer, a few training steps, export, quantize, ship, parity."""

import hashlib
import json

import numpy as np
import torch

from pipeline.__main__ import main
from pipeline.export import load_model
from pipeline.fakequant import q8_state
from pipeline.model import ModelConfig
from pipeline.warmstart import dequantization_gap, dequantized_model, read_weights


def test_pipeline_end_to_end(tiny_corpus, tmp_path):
    run, out = tmp_path / "run", tmp_path / "shipped"
    assert (
        main(
            [
                "prepare",
                "--run",
                str(run),
                "--corpus",
                str(tiny_corpus),
                "--val-fraction",
                "0.3",
                "--weights",
                '{"ChiLit": 1, "Grimm": 1}',
            ]
        )
        == 0
    )
    assert main(["tokenizer", "--run", str(run), "--vocab-size", "300"]) == 0
    assert (
        main(
            [
                "train",
                "--run",
                str(run),
                "--preset",
                "tiny",
                "--set",
                "max_steps=12",
                "--fresh",
                "--set",
                "schedule=wsd",
                "--set",
                "decay_frac=0.5",
            ]
        )
        == 0
    )
    assert main(["export", "--run", str(run)]) == 0
    exp = json.loads((run / "export.json").read_text())
    assert exp["max_abs_logit_diff"] < 1e-3
    # Same top-1 wherever it is clear of the 1e-3 parity bound, and most rows are that clear.
    assert exp["top1_agreement_where_clear"] == 1.0 and exp["top1_clear_share"] >= 0.8, exp
    assert exp["summary_top_prob_rel_diff"] < 1e-5  # the row summary the app scores with
    assert main(["quantize", "--run", str(run)]) == 0
    q = json.loads((run / "quantize.json").read_text())
    assert set(q) == {"fp32", "q8", "q4", "q4e8", "q4h8"}
    assert q["q4e8"]["bytes"] < q["q4h8"]["bytes"] < q["q8"]["bytes"] < q["fp32"]["bytes"]
    assert q["q4e8"]["bytes"] < q["q4"]["bytes"]
    for name in ("q8", "q4", "q4e8", "q4h8"):
        assert q[name]["top1_agreement_masked"] > 0.9, (name, q[name])
        assert q[name]["summary_top_prob_rel_diff"] < 1e-5, (name, q[name])
    # More bits, less damage: 8-bit everywhere < an 8-bit head < all 4-bit, each by a factor of at least 1.5 so
    # that float rounding (about 1e-12 nats here) cannot decide it; measured on this model: 5.4e-7, 1.5e-6, 1.3e-4.
    kl = {name: q[name]["kl_from_fp32_masked"] for name in ("q8", "q4h8", "q4e8")}
    assert 0 <= kl["q8"] * 1.5 < kl["q4h8"] and kl["q4h8"] * 1.5 < kl["q4e8"], kl
    # Every variant dequantizes back to the weights it computes with (the warm start and the ONNX bound use this).
    cfg = ModelConfig(**json.loads((run / "train_config.json").read_text())["model"])
    for name in ("q8", "q4e8", "q4h8"):
        path = run / f"model_{name}.onnx"
        assert dequantization_gap(path, dequantized_model(path, cfg)) < 1e-3, name
    # What a quantization-aware run trains against (pipeline/fakequant.py) is what `quantize` writes: the
    # q8 file's weights are the checkpoint's rounded by q8_state (1e-3: room for float rounding at a tie).
    shipped = dequantized_model(run / "model_q8.onnx", cfg).state_dict()
    rounded = q8_state(load_model(run))
    for k, w in rounded.items():
        off = (shipped[k] - w).abs() > 1e-6
        assert off.float().mean() < 1e-3, (k, off.float().mean())
    assert (
        main(
            [
                "evaluate",
                "--run",
                str(run),
                "--samples",
                "1",
                "--t-samples",
                "64",
                "--onnx",
                str(run / "model_q4h8.onnx"),
            ]
        )
        == 0
    )
    ev = json.loads((run / "evaluate.json").read_text())
    assert ev["bound_of_onnx"]["dequantized_max_abs_logit_diff"] < 1e-3
    # The shipped file's own bound, on the same draws: 4-bit rounding costs a little, never a lot.
    assert abs(ev["bound_of_onnx"]["nats_per_token"] / ev["bound"]["nats_per_token"] - 1) < 0.1
    assert 0 < ev["bound"]["bits_per_byte"] <= ev["bound"]["bits_per_char"] * 1.01
    assert 0 <= ev["defaults_quality"]["invented_word_share"] <= 1 and ev["defaults_quality"]["samples"] == 256
    assert 0 <= ev["defaults_quality"]["invented_word_share_std_error"] < 0.5
    # The card reports the evaluated file as the shipped one: shipping another variant is refused.
    assert main(["ship", "--run", str(run), "--out", str(out), "--name", "smoke", "--variant", "q4e8"]) == 2
    assert main(["ship", "--run", str(run), "--out", str(out), "--name", "smoke"]) == 0
    dest = out / "smoke"
    # The same bound again does not improve on the shipped one: refused unless forced.
    assert main(["ship", "--run", str(run), "--out", str(out), "--name", "smoke"]) == 2
    assert main(["ship", "--run", str(run), "--out", str(out), "--name", "smoke", "--force", "--continues"]) == 0
    history = json.loads((out / "smoke" / "config.json").read_text())["training"]["history"]
    assert len(history) == 1 and history[0]["tokens_seen"] > 0
    # weights.pt is the run's stable point (before the decay), the next run's starting point.
    shipped, stable_pt = read_weights(dest / "weights.pt"), read_weights(run / "stable.pt")
    assert all(torch.allclose(shipped[k], v, rtol=1e-6, atol=0) for k, v in stable_pt.items())
    stable = json.loads((dest / "config.json").read_text())["training"]["weights_pt"]
    assert stable["from"] == "stable" and stable["step"] == 6 and 0 < stable["tokens_seen"] < history[0]["tokens_seen"]
    card = tmp_path / "card.md"
    card.write_text("# card\n<!-- results:start -->\n<!-- results:end -->\nhand-written part\n")
    assert main(["card", "--run", str(run), "--card", str(card), "--shipped", str(dest)]) == 0
    text = card.read_text()
    assert "bits per byte" in text and "| real text |" in text and text.endswith("hand-written part\n")
    assert " ± " in text and "space between them lost" in text  # the error bar and the kind of invented word
    assert "M tokens in" in text and "in all" in text  # the warm-start lineage
    assert "the weights where the decay began (step 6," in text
    # The next run warm-starts from the shipped 8-bit weights.
    assert (dest / "weights.pt").stat().st_size > 0
    assert (
        main(
            [
                "train",
                "--run",
                str(run),
                "--preset",
                "tiny",
                "--set",
                "max_steps=2",
                "--fresh",
                "--init",
                str(dest / "weights.pt"),
            ]
        )
        == 0
    )
    cfg = json.loads((dest / "config.json").read_text())
    for name, f in cfg["files"].items():
        assert hashlib.sha256((dest / name).read_bytes()).hexdigest() == f["sha256"]
    assert cfg["special_ids"] == {"pad": 0, "mask": 1, "eos": 2}
    # The byte pieces: every id the tokenizer cannot decode alone, and only those (SAMPLING.md 2a).
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(dest / "tokenizer.json"))
    undecodable = [i for i in range(3, tok.get_vocab_size()) if "\ufffd" in tok.decode([i])]
    assert undecodable and cfg["byte_pieces"] == undecodable
    # The shipped graph's row summary leaves out exactly those and the specials, as config.json says.
    import onnx

    from pipeline.rowsummary import excluded_by

    assert excluded_by(onnx.load(str(dest / "model.onnx"))) == [0, 1, 2, *undecodable]
    assert exp["summary_excluded_ids"] == 3 + len(undecodable)
    gen = json.loads((dest / "fixtures" / "golden_generation.json").read_text())
    for case in gen["cases"]:
        masked = [i for i, f in enumerate(case["fixed"]) if not f]
        resolved = [p for fr in case["frames"] for p in fr["resolved"]]
        assert sorted(resolved) == masked  # every masked slot resolved exactly once
        assert all(case["final_ids"][i] == case["canvas_ids"][i] for i, f in enumerate(case["fixed"]) if f)
        assert 1 not in case["final_ids"]
        generated = [v for v, f in zip(case["final_ids"], case["fixed"]) if not f]
        assert not set(generated) & set(cfg["byte_pieces"])
    logits = json.loads((dest / "fixtures" / "golden_logits.json").read_text())
    assert all(np.array(c["top_ids"]).shape == (len(c["ids"]), 5) for c in logits["cases"])
