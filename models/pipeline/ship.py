"""Copy the chosen quantized variant into models/<name>/ with its tokenizer, a config.json (special ids,
context, sha256 of each file, training facts) and the golden fixtures the web runtime is tested against:
  fixtures/tokenizer_cases.json   texts and their ids (tokenizer parity in JS)
  fixtures/golden_logits.json     top-5 ids and logits per position from onnxruntime on the shipped file
  fixtures/golden_generation.json the Python sampler's frames at temperature 0 on the shipped file
"""
from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import asdict
from pathlib import Path

import numpy as np

from .errors import PipelineError
from .sampler import Settings, build_canvas, unmask
from .tokenizer import EOS_ID, MASK_ID, PAD_ID, load_tokenizer

TOKENIZER_TEXTS = [
    "Once upon a time there was a little girl.",
    "\u201cOh dear!\u201d said Alice, \u2018I shall be late.\u2019",
    "The king\u2019s three sons \u2014 brave, clever and kind \u2014 rode out in 1812.",
    "  leading spaces, trailing spaces  ",
    "First paragraph.\nSecond paragraph.",
    "Caf\u00e9, na\u00efve, fa\u00e7ade; \u00fcber!",
    "",
]

GOLDEN_RUNS = [
    ("confidence-linear", [{"kind": "text", "text": "Once upon a time"}, {"kind": "blank", "length": 24}],
     dict(steps=8, strategy="confidence")),
    ("margin-cosine", [{"kind": "text", "text": "The old woman said"}, {"kind": "blank", "length": 20}],
     dict(steps=12, strategy="margin", schedule="cosine")),
    ("entropy", [{"kind": "text", "text": "In the forest"}, {"kind": "blank", "length": 16}],
     dict(steps=6, strategy="entropy")),
    ("blocks", [{"kind": "text", "text": "The little rabbit"}, {"kind": "blank", "length": 20}],
     dict(steps=7, strategy="blocks", blockLength=8)),
    ("left-to-right", [{"kind": "text", "text": "Alice was"}, {"kind": "blank", "length": 10}],
     dict(steps=3, strategy="left-to-right")),
    ("random-seeded", [{"kind": "text", "text": "He ran"}, {"kind": "blank", "length": 16}],
     dict(steps=5, strategy="random", seed=7)),
    ("fill-in-blanks", [{"kind": "text", "text": "The king said to his daughter, \""}, {"kind": "blank", "length": 6},
                        {"kind": "text", "text": "\" and she went"}, {"kind": "blank", "length": 6},
                        {"kind": "text", "text": "."}],
     dict(steps=6, strategy="confidence")),
    ("repetition-penalty", [{"kind": "text", "text": "The sea"}, {"kind": "blank", "length": 24}],
     dict(steps=12, strategy="confidence", repetitionPenalty=1.5)),
]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _session(path: Path):
    import onnxruntime as ort
    return ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])


def golden_logits(sess, run: Path, context: int) -> dict:
    toks = np.load(run / "tokens_val.npy")
    rng = np.random.default_rng(3)
    window = toks[1000:1000 + min(32, context)].astype(np.int64)
    half = np.where(rng.random(window.size) < 0.5, MASK_ID, window)
    cases = [half, np.full(16, MASK_ID, np.int64), np.concatenate([window[:6], np.full(10, MASK_ID)])]
    out = []
    for ids in cases:
        lg = sess.run(["logits"], {"input_ids": ids[None, :]})[0][0]
        top = np.argsort(-lg, axis=-1, kind="stable")[:, :5]
        out.append({"ids": ids.tolist(), "top_ids": top.tolist(),
                    "top_logits": np.take_along_axis(lg, top, -1).round(5).tolist()})
    return {"cases": out}


def golden_generation(sess, tok, context: int) -> dict:
    specials = (PAD_ID, MASK_ID, EOS_ID)
    cases = []
    for name, segments, overrides in GOLDEN_RUNS:
        s = Settings(temperature=0.0, topP=1.0, **overrides)
        ids, fixed = build_canvas(segments, lambda t: tok.encode(t).ids, MASK_ID, context)
        frames = []
        final = ids
        for f in unmask(ids, fixed, lambda x: sess.run(["logits"], {"input_ids": x[None, :]})[0][0], s,
                        specials, MASK_ID):
            frames.append({"step": f.step, "resolved": f.resolved})
            final = f.ids
        cases.append({"name": name, "segments": segments, "settings": asdict(s), "canvas_ids": ids.tolist(),
                      "fixed": fixed.tolist(), "frames": frames, "final_ids": final.tolist(),
                      "text": tok.decode(final.tolist())})
    return {"cases": cases}


def ship(run: Path, dest: Path, variant: str = "q4e8") -> dict:
    src = run / ("model_fp32.onnx" if variant == "fp32" else f"model_{variant}.onnx")
    if not src.exists():
        raise PipelineError(f"missing {src}: run 'export' and 'quantize' first")
    tok_src = run / "tokenizer.json"
    tok = load_tokenizer(tok_src)
    train_cfg = json.loads((run / "train_config.json").read_text())
    context = train_cfg["model"]["context"]
    dest.mkdir(parents=True, exist_ok=True)
    (dest / "fixtures").mkdir(exist_ok=True)
    shutil.copyfile(src, dest / "model.onnx")
    shutil.copyfile(tok_src, dest / "tokenizer.json")

    def facts(name: str) -> dict:
        p = run / name
        return json.loads(p.read_text()) if p.exists() else {}

    files = {n: {"sha256": sha256(dest / n), "bytes": (dest / n).stat().st_size} for n in ("model.onnx", "tokenizer.json")}
    summary = facts("train_summary.json")
    config = {
        "name": dest.name, "vocab_size": train_cfg["model"]["vocab_size"], "context": context,
        "special_ids": {"pad": PAD_ID, "mask": MASK_ID, "eos": EOS_ID}, "newline_id": tok.token_to_id("\u010a"),
        "params": summary.get("params"), "variant": variant, "files": files, "model": train_cfg["model"],
        "training": {k: summary.get(k) for k in ("device", "steps", "tokens_seen", "elapsed_s", "val_bound")}
        | {"batch_size": train_cfg["batch_size"], "lr": train_cfg["lr"], "weight_cap": train_cfg["weight_cap"]},
        "evaluation": facts("evaluate.json").get("bound", {}),
        "quantization": facts("quantize.json"),
    }
    (dest / "config.json").write_text(json.dumps(config, indent=1) + "\n")
    cases = [{"text": t, "ids": tok.encode(t).ids} for t in TOKENIZER_TEXTS]
    (dest / "fixtures" / "tokenizer_cases.json").write_text(json.dumps(cases, ensure_ascii=False, indent=1) + "\n")
    sess = _session(dest / "model.onnx")
    gl = golden_logits(sess, run, context) | {"variant": variant}
    (dest / "fixtures" / "golden_logits.json").write_text(json.dumps(gl) + "\n")
    gg = golden_generation(sess, tok, context)
    (dest / "fixtures" / "golden_generation.json").write_text(json.dumps(gg, ensure_ascii=False) + "\n")
    total = sum(f["bytes"] for f in files.values())
    return {"dest": str(dest), "variant": variant, "bytes_total": total, "files": files,
            "golden_texts": {c["name"]: c["text"] for c in gg["cases"]}}
