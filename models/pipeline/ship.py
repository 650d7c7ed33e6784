"""Copy the chosen quantized variant into models/<name>/ with its tokenizer, a config.json (special ids,
context, sha256 of each file, training facts) and the golden fixtures the web runtime is tested against:
  fixtures/tokenizer_cases.json   texts and their ids (tokenizer parity in JS)
  fixtures/golden_logits.json     top-5 ids and logits per position from onnxruntime on the shipped file
  fixtures/golden_generation.json the Python sampler's frames at temperature 0 on the shipped file
  fixtures/objective_cases.json   the noise panel's draws and losses (pipeline/objective.py), beside passages.json
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from dataclasses import asdict
from pathlib import Path

import numpy as np
import onnx

from .errors import PipelineError
from .export import load_model
from .generate import byte_pieces, generate, never_emitted, onnx_logits, onnx_session
from .objective import write_cases, write_passages
from .rowsummary import excluded_by
from .runfolder import run_file, run_json
from .sampler import Settings
from .specials import NEWLINE_PIECE
from .tokenizer import EOS_ID, MASK_ID, PAD_ID, load_tokenizer
from .warmstart import read_weights, save_state, save_weights

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
    (
        "confidence-linear",
        [{"kind": "text", "text": "Once upon a time"}, {"kind": "blank", "length": 24}],
        dict(steps=8, strategy="confidence"),
    ),
    (
        "margin-cosine",
        [{"kind": "text", "text": "The old woman said"}, {"kind": "blank", "length": 20}],
        dict(steps=12, strategy="margin", schedule="cosine"),
    ),
    (
        "entropy",
        [{"kind": "text", "text": "In the forest"}, {"kind": "blank", "length": 16}],
        dict(steps=6, strategy="entropy"),
    ),
    (
        "blocks",
        [{"kind": "text", "text": "The little rabbit"}, {"kind": "blank", "length": 20}],
        dict(steps=7, strategy="blocks", blockLength=8),
    ),
    (
        "left-to-right",
        [{"kind": "text", "text": "Alice was"}, {"kind": "blank", "length": 10}],
        dict(steps=3, strategy="left-to-right"),
    ),
    (
        "random-seeded",
        [{"kind": "text", "text": "He ran"}, {"kind": "blank", "length": 16}],
        dict(steps=5, strategy="random", seed=7),
    ),
    (
        "fill-in-blanks",
        [
            {"kind": "text", "text": 'The king said to his daughter, "'},
            {"kind": "blank", "length": 6},
            {"kind": "text", "text": '" and she went'},
            {"kind": "blank", "length": 6},
            {"kind": "text", "text": "."},
        ],
        dict(steps=6, strategy="confidence"),
    ),
    (
        "repetition-penalty",
        [{"kind": "text", "text": "The sea"}, {"kind": "blank", "length": 24}],
        dict(steps=12, strategy="confidence", repetitionPenalty=1.5),
    ),
    (
        # The defaults ban repeated 3-grams (SAMPLING.md 2b'); this case holds the path without it.
        "repeats-allowed",
        [{"kind": "text", "text": "The king and the queen"}, {"kind": "blank", "length": 24}],
        dict(steps=12, strategy="confidence", noRepeatNgram=0),
    ),
]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def golden_logits(fn, run: Path, context: int) -> dict:
    toks = np.load(run / "tokens_val.npy")
    rng = np.random.default_rng(3)
    window = toks[1000 : 1000 + min(32, context)].astype(np.int64)
    half = np.where(rng.random(window.size) < 0.5, MASK_ID, window)
    cases = [half, np.full(16, MASK_ID, np.int64), np.concatenate([window[:6], np.full(10, MASK_ID)])]
    out = []
    for ids in cases:
        lg = fn(ids)
        top = np.argsort(-lg, axis=-1, kind="stable")[:, :5]
        out.append(
            {
                "ids": ids.tolist(),
                "top_ids": top.tolist(),
                "top_logits": np.take_along_axis(lg, top, -1).round(5).tolist(),
            }
        )
    return {"cases": out}


def golden_generation(fn, tok, context: int) -> dict:
    cases = []
    for name, segments, overrides in GOLDEN_RUNS:
        # Unmasking only (each masked slot resolved once): refinement is held by the twin cases.
        s = Settings(temperature=0.0, topP=1.0, refineRounds=0, **overrides)
        g = generate(fn, tok, segments, s, context)
        cases.append(
            {
                "name": name,
                "segments": segments,
                "settings": asdict(s),
                "canvas_ids": g.canvas.tolist(),
                "fixed": g.fixed.tolist(),
                "frames": [{"step": f.step, "resolved": f.resolved} for f in g.frames],
                "final_ids": g.final.tolist(),
                "text": g.text,
            }
        )
    return {"cases": cases}


def check_improves(run: Path, dest: Path) -> None:
    """Ship only a model whose validation bound beats the one already shipped (bits per byte, so a new
    tokenizer compares fairly); pass force=True to replace it anyway."""
    new = run_json(run, "evaluate.json")["bound"]
    old_cfg = dest / "config.json"
    if not old_cfg.exists():
        return
    old = json.loads(old_cfg.read_text()).get("evaluation", {})
    key = "bits_per_byte" if "bits_per_byte" in old else "bits_per_char"
    if key in old and new[key] >= old[key]:
        raise PipelineError(
            f"not shipped: the validation bound {new[key]:.4f} {key.replace('_', ' ')} does not "
            f"improve on the shipped {old[key]:.4f}; keep training, or pass --force"
        )


def history(dest: Path, continues: str | None) -> list[dict]:
    """Earlier runs this model's weights descend from (warm starts), oldest first. `continues`: the
    run started from the shipped `weights.pt` ("weights": of the last run, what that file holds) or
    from the shipped model's final weights ("final": all of the last run); None: a fresh lineage."""
    old_cfg = dest / "config.json"
    if continues is None or not old_cfg.exists():
        return []
    old = json.loads(old_cfg.read_text()).get("training", {})
    last = {k: v for k, v in old.items() if k != "history"}
    if continues == "final":
        last["inherited"] = "final"
    return old.get("history", []) + [last]


def check_evaluated(run: Path, src: Path) -> None:
    """The card reports evaluate.json's samples and bound as the shipped file's: they must be of that file."""
    sampled = run_json(run, "evaluate.json").get("model", "")
    if sampled != "onnx " + src.name:
        raise PipelineError(
            f"not shipped: evaluate.json was measured on {sampled or 'nothing named'}, not on "
            f"{src.name}; run evaluate --onnx {run / src.name} first"
        )


def evaluated_variant(run: Path) -> str:
    """The variant whose file evaluate.json measured (`evaluate --onnx RUN/model_q8.onnx` -> "q8")."""
    sampled = run_json(run, "evaluate.json").get("model", "")
    m = re.fullmatch(r"onnx model_(\w+)\.onnx", sampled)
    if not m:
        raise PipelineError(
            f"evaluate.json was measured on {sampled or 'nothing named'}, not on a quantized file: "
            f"run evaluate --onnx {run / 'model_q8.onnx'} (or another variant) first"
        )
    return m.group(1)


def ship(run: Path, dest: Path, variant: str | None = None, force: bool = False, continues: str | None = None) -> dict:
    variant = variant or evaluated_variant(run)
    src = run_file(run, "model_fp32.onnx" if variant == "fp32" else f"model_{variant}.onnx")
    check_evaluated(run, src)
    if not force:
        check_improves(run, dest)
    earlier = history(dest, continues)
    tok_src = run_file(run, "tokenizer.json")
    tok = load_tokenizer(tok_src)
    # The app scores from the graph's row summary with config.json's byte pieces left out: a file
    # exported before that rule, or with another tokenizer, would give it the wrong normaliser.
    never = never_emitted(tok)
    left_out = excluded_by(onnx.load(str(src)))
    if left_out != sorted(never):
        raise PipelineError(
            f"{src.name}'s row summary leaves out {len(left_out)} ids, not the {len(never)} specials "
            "and byte pieces of its tokenizer: export and quantize it again"
        )
    train_cfg = run_json(run, "train_config.json")
    if train_cfg.get("qat") and variant != "q8":
        raise PipelineError(f"this run trained against the q8 file's rounding (qat): ship --variant q8, not {variant}")
    context = train_cfg["model"]["context"]
    dest.mkdir(parents=True, exist_ok=True)
    (dest / "fixtures").mkdir(exist_ok=True)
    shutil.copyfile(src, dest / "model.onnx")
    shutil.copyfile(tok_src, dest / "tokenizer.json")

    # What the next training run warm-starts from (fp16, no optimizer state: see warmstart.py): the
    # weights from before the decay where the run kept them (schedule "wsd"; stable.json marks a
    # complete pair), so the next run goes on at the peak rate instead of first climbing back out of a
    # decayed minimum; else the final weights. A GPU run returns no checkpoint (too large to bring
    # back): its next run warm-starts from model.onnx.
    stable = (run / "stable.pt").exists() and (run / "stable.json").exists()
    resume_from = "final" if (run / "ckpt.pt").exists() else "model.onnx"

    def facts(name: str) -> dict:
        p = run / name
        return json.loads(p.read_text()) if p.exists() else {}

    files = {
        n: {"sha256": sha256(dest / n), "bytes": (dest / n).stat().st_size} for n in ("model.onnx", "tokenizer.json")
    }
    summary = facts("train_summary.json")
    config = {
        "name": dest.name,
        "vocab_size": train_cfg["model"]["vocab_size"],
        "context": context,
        "special_ids": {"pad": PAD_ID, "mask": MASK_ID, "eos": EOS_ID},
        # Never emitted by the sampler (SAMPLING.md 2a); the graph's row summary leaves them out too.
        "byte_pieces": byte_pieces(tok),
        "newline_id": tok.token_to_id(NEWLINE_PIECE),
        "params": summary.get("params"),
        "variant": variant,
        "files": files,
        "model": train_cfg["model"],
        "training": {k: summary.get(k) for k in ("device", "steps", "tokens_seen", "elapsed_s", "val_bound")}
        | {"batch_size": train_cfg["batch_size"], "lr": train_cfg["lr"], "weight_cap": train_cfg["weight_cap"]}
        | {"weighting": train_cfg.get("weighting", "inv_t"), "t_dist": train_cfg.get("t_dist", "uniform")}
        | ({"block_lr_mult": train_cfg["block_lr_mult"]} if train_cfg.get("block_lr_mult") else {})
        | ({"qat": True} if train_cfg.get("qat") else {})
        | {"weights_pt": {"from": "stable", **facts("stable.json")} if stable else {"from": resume_from}}
        | ({"history": earlier} if earlier else {}),
        "evaluation": facts("evaluate.json").get("bound", {}),
        "quantization": facts("quantize.json"),
    }
    (dest / "config.json").write_text(json.dumps(config, indent=1) + "\n")
    cases = [{"text": t, "ids": tok.encode(t).ids} for t in TOKENIZER_TEXTS]
    (dest / "fixtures" / "tokenizer_cases.json").write_text(json.dumps(cases, ensure_ascii=False, indent=1) + "\n")
    weights_bytes = 0
    if stable:
        # Through save_state, so a stable point saved in another format ships in the current one.
        weights_bytes = save_state(read_weights(run / "stable.pt"), dest / "weights.pt")
    elif resume_from == "final":
        weights_bytes = save_weights(load_model(run), dest / "weights.pt")
    else:
        (dest / "weights.pt").unlink(missing_ok=True)  # an older model's weights would mislead the next run
    fn = onnx_logits(onnx_session(dest / "model.onnx"))
    gl = golden_logits(fn, run, context) | {"variant": variant}
    (dest / "fixtures" / "golden_logits.json").write_text(json.dumps(gl) + "\n")
    gg = golden_generation(fn, tok, context)
    (dest / "fixtures" / "golden_generation.json").write_text(json.dumps(gg, ensure_ascii=False) + "\n")
    # The noise panel's passages and their twin fixture follow the shipped graph (pipeline/objective.py).
    passages = write_passages(run, dest, tokens=min(112, context), least=1) | write_cases(dest, fn)
    total = sum(f["bytes"] for f in files.values())
    return {
        "dest": str(dest),
        "variant": variant,
        "bytes_total": total,
        "files": files,
        "weights_bytes": weights_bytes,
        "passages": passages,
        "golden_texts": {c["name"]: c["text"] for c in gg["cases"]},
    }
