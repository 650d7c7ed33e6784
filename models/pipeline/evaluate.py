"""Stage 4: the validation bound on any folder of .txt files, and samples under the app's sampler rules.

The bound is the uncapped continuous-time ELBO in nats per token, averaged over stratified t until
its standard error is below 1 % of the mean (so it is stable to 2 %), and reported with
exp(bound) as a perplexity bound and bits per character. Samples and the repeated-3-gram share are
reported per strategy and step count (real text of this corpus: about 1 %).
"""
from __future__ import annotations

import json
import math
import time
from pathlib import Path

import numpy as np
import torch

from .diffusion import diffusion_loss, mask_tokens, sample_t
from .errors import PipelineError
from .export import load_model
from .prepare import read_book, read_docs
from .sampler import Settings, build_canvas, repeated_trigram_share, unmask
from .tokenizer import EOS_ID, MASK_ID, PAD_ID, load_tokenizer

PROMPTS = ["Once upon a time", "The little girl looked at the", "In the morning the king", "\"Where are you going?\" said",
           "The wind blew", "She opened the door and"]


def text_tokens(texts: Path | None, run: Path, tok) -> tuple[np.ndarray, int]:
    """Token stream and character count of a folder of books (default: the run's validation split)."""
    if texts is None:
        docs = read_docs(run / "docs_val.jsonl")
        paragraphs = [p for d in docs for p in d["paragraphs"]]
    else:
        files = sorted(Path(texts).glob("*.txt"))
        if not files:
            raise PipelineError(f"no .txt files in {texts}")
        paragraphs = [p for f in files for p in read_book(f, f.parent.name)]
    if not paragraphs:
        raise PipelineError("no text left to evaluate after cleaning")
    nl = tok.token_to_id("\u010a")
    ids: list[int] = []
    for e in tok.encode_batch(paragraphs):
        ids += e.ids + [nl]
    return np.asarray(ids, dtype=np.int64), sum(len(p) + 1 for p in paragraphs)


@torch.no_grad()
def bound(model, tokens: np.ndarray, context: int, batch: int = 32, min_seqs: int = 512,
          max_seqs: int = 8192, rel_se: float = 0.01, seed: int = 0) -> dict:
    if tokens.size < context:
        raise PipelineError(f"only {tokens.size} tokens to evaluate, fewer than one window of {context}")
    g = torch.Generator().manual_seed(seed)
    rng = np.random.default_rng(seed)
    vals: list[float] = []
    while len(vals) < max_seqs:
        starts = rng.integers(0, tokens.size - context + 1, size=batch)
        x = torch.from_numpy(np.stack([tokens[s:s + context] for s in starts]))
        t = sample_t(batch, g)
        noisy, masked = mask_tokens(x, t, MASK_ID, g)
        vals += diffusion_loss(model(noisy, masked), x, masked, t).tolist()
        if len(vals) >= min_seqs:
            se = np.std(vals) / math.sqrt(len(vals))
            if se < rel_se * np.mean(vals):
                break
    mean = float(np.mean(vals))
    return {"nats_per_token": mean, "std_error": float(np.std(vals) / math.sqrt(len(vals))), "sequences": len(vals),
            "perplexity_bound": math.exp(mean)}


def logits_fn_torch(model):
    def fn(ids: np.ndarray) -> np.ndarray:
        with torch.no_grad():
            return model(torch.from_numpy(ids)[None, :])[0].float().numpy()
    return fn


def logits_fn_onnx(path: Path):
    import onnxruntime as ort
    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return lambda ids: sess.run(["logits"], {"input_ids": ids[None, :].astype(np.int64)})[0][0]


def generate(fn, tok, prompt: str, length: int, s: Settings, context: int):
    segs = [{"kind": "text", "text": prompt}, {"kind": "blank", "length": length}]
    ids, fixed = build_canvas(segs, lambda t: tok.encode(t).ids, MASK_ID, context)
    final = ids
    for f in unmask(ids, fixed, fn, s, (PAD_ID, MASK_ID, EOS_ID), MASK_ID):
        final = f.ids
    gen = final[fixed == 0]
    return tok.decode(final.tolist()), repeated_trigram_share(gen)


def repetition_table(fn, tok, context: int, strategies=("confidence", "margin", "entropy", "random", "blocks"),
                     steps=(16, 32, 64), temperature: float = 0.8, penalties=(1.0,), length: int = 64,
                     n_prompts: int = 4) -> list[dict]:
    rows = []
    for pen in penalties:
        for strat in strategies:
            for S in steps:
                shares = []
                for j, prompt in enumerate(PROMPTS[:n_prompts]):
                    s = Settings(steps=S, temperature=temperature, strategy=strat, seed=j + 1, blockLength=32,
                                 repetitionPenalty=pen)
                    shares.append(generate(fn, tok, prompt, length, s, context)[1])
                rows.append({"strategy": strat, "steps": S, "temperature": temperature, "repetitionPenalty": pen,
                             "repeated_3gram_share": float(np.mean(shares))})
    return rows


def evaluate(run: Path, texts: Path | None = None, n_samples: int = 4, t_samples: int = 2048,
             onnx_path: Path | None = None, table: bool = False) -> dict:
    torch.set_num_threads(2)
    model = load_model(run)
    tok = load_tokenizer(run / "tokenizer.json")
    ctx = model.cfg.context
    tokens, chars = text_tokens(texts, run, tok)
    t0 = time.time()
    b = bound(model, tokens, ctx, min_seqs=min(512, t_samples), max_seqs=max(t_samples, 512))
    b["bits_per_char"] = b["nats_per_token"] * tokens.size / chars / math.log(2)
    b["seconds"] = round(time.time() - t0, 1)
    real = [repeated_trigram_share(tokens[s:s + ctx]) for s in range(0, tokens.size - ctx, max(ctx, tokens.size // 400))]
    fn = logits_fn_onnx(onnx_path) if onnx_path else logits_fn_torch(model)
    samples = []
    for S in (16, 32, 64):
        for j, prompt in enumerate(PROMPTS[:n_samples]):
            s = Settings(steps=S, temperature=0.8, seed=j + 1, strategy="confidence")
            text, rep = generate(fn, tok, prompt, min(64, ctx - 16), s, ctx)
            samples.append({"steps": S, "prompt": prompt, "settings": "confidence, T 0.8, top-p 0.95, seed %d" % (j + 1),
                            "text": text, "repeated_3gram_share": rep})
    report = {"texts": str(texts or "validation split"), "bound": b,
              "real_text_repeated_3gram_share": float(np.mean(real)), "samples": samples,
              "model": "onnx " + str(onnx_path) if onnx_path else "pytorch checkpoint"}
    if table:
        report["repetition"] = repetition_table(fn, tok, ctx, penalties=(1.0, 1.3))
    (run / "evaluate.json").write_text(json.dumps(report, indent=1, ensure_ascii=False))
    return report
