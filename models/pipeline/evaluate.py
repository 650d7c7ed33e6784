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
from dataclasses import asdict
from pathlib import Path

import numpy as np
import torch

from .diffusion import diffusion_loss, mask_tokens, sample_t
from .errors import PipelineError
from .export import load_model
from .generate import generate, onnx_logits, onnx_session, prompt_segments, torch_logits
from .prepare import read_book, read_docs
from .quality import (
    doubled_word_share,
    invented_share,
    invented_share_error,
    repeated_word_trigram_share,
    run_together_share,
    training_vocabulary,
    words,
)
from .runfolder import run_file
from .sampler import Settings, repeated_trigram_share
from .specials import MASK_ID, NEWLINE_PIECE
from .tokenizer import load_tokenizer

# Fresh prompts (not openings of any training book) for the samples and the quality figures.
FRESH_PROMPTS = [
    "The queen sat by the window",
    "When the snow began to fall, the children",
    "My grandmother kept a small box",
    "The ship was three days out of port when",
    "He did not know the way, so he",
    "At the bottom of the garden there was",
    '"I shall never go back," said the miller\'s son,',
    "The lamp went out, and in the dark",
    "The old man put down his spade and",
    "Every morning the baker's daughter",
    "Nobody in the village had ever seen",
    "The letter had been lying on the table for",
    '"Come here at once," cried the teacher,',
    "It was the last night of the fair, and",
    "Far away, beyond the hills, there lived",
    "The rain stopped just before the wedding, so",
]
PROMPTS = [
    "Once upon a time",
    "The little girl looked at the",
    "In the morning the king",
    '"Where are you going?" said',
    "The wind blew",
    "She opened the door and",
]


def text_tokens(texts: Path | None, run: Path, tok) -> tuple[np.ndarray, int, int]:
    """Token stream, character count and UTF-8 byte count of a folder of books (default: the run's validation split)."""
    if texts is None:
        docs = read_docs(run_file(run, "docs_val.jsonl"))
        paragraphs = [p for d in docs for p in d["paragraphs"]]
    else:
        files = sorted(Path(texts).glob("*.txt"))
        if not files:
            raise PipelineError(f"no .txt files in {texts}")
        paragraphs = [p for f in files for p in read_book(f, f.parent.name)]
    if not paragraphs:
        raise PipelineError("no text left to evaluate after cleaning")
    nl = tok.token_to_id(NEWLINE_PIECE)
    ids: list[int] = []
    for e in tok.encode_batch(paragraphs):
        ids += e.ids + [nl]
    chars = sum(len(p) + 1 for p in paragraphs)
    nbytes = sum(len(p.encode("utf-8")) + 1 for p in paragraphs)
    return np.asarray(ids, dtype=np.int64), chars, nbytes


@torch.no_grad()
def bound(
    model,
    tokens: np.ndarray,
    context: int,
    batch: int = 32,
    min_seqs: int = 512,
    max_seqs: int = 8192,
    rel_se: float = 0.01,
    seed: int = 0,
) -> dict:
    if tokens.size < context:
        raise PipelineError(f"only {tokens.size} tokens to evaluate, fewer than one window of {context}")
    g = torch.Generator().manual_seed(seed)
    rng = np.random.default_rng(seed)
    vals: list[float] = []
    while len(vals) < max_seqs:
        starts = rng.integers(0, tokens.size - context + 1, size=batch)
        x = torch.from_numpy(np.stack([tokens[s : s + context] for s in starts]))
        t = sample_t(batch, g)
        noisy, masked = mask_tokens(x, t, MASK_ID, g)
        dev = next(model.parameters()).device
        noisy, masked, x, t = noisy.to(dev), masked.to(dev), x.to(dev), t.to(dev)
        vals += diffusion_loss(model(noisy, masked), x, masked, t).tolist()
        if len(vals) >= min_seqs:
            se = np.std(vals) / math.sqrt(len(vals))
            if se < rel_se * np.mean(vals):
                break
    mean = float(np.mean(vals))
    return {
        "nats_per_token": mean,
        "std_error": float(np.std(vals) / math.sqrt(len(vals))),
        "sequences": len(vals),
        "perplexity_bound": math.exp(mean),
    }


def fitted(tok, prompt: str, length: int, context: int) -> list[dict]:
    """Prompt plus `length` blanks, fewer where the prompt would not leave room (tiny test models)."""
    return prompt_segments(prompt, max(1, min(length, context - len(tok.encode(prompt).ids))))


DEFAULT_SEEDS = tuple(range(1, 17))  # the 16 seeds of each prompt's runs in the card's measure


def defaults_quality(
    fn, tok, context: int, vocab: set[str], length: int = 48, seeds=DEFAULT_SEEDS, overrides: dict | None = None
) -> dict:
    """Invented words and repeated 3-grams under the app's default settings (48 new tokens), on fresh prompts.

    16 prompts x 16 seeds, about 9,000 words. 8 x 8 (2,300 words) left a standard error of 0.2-0.4
    points, as large as the differences between quantized variants it had to rank. The standard error
    takes each prompt's samples as one unit: they share a context, so treating them all as independent
    would understate it. `overrides`: settings other than the defaults (tools/measure_defaults.py)."""

    def settings(seed: int) -> Settings:
        return Settings(**{**(overrides or {}), "seed": seed})

    texts = [
        generate(fn, tok, fitted(tok, p, length, context), settings(seed), context).generated
        for p in FRESH_PROMPTS
        for seed in seeds
    ]
    prompts = [j for j in range(len(FRESH_PROMPTS)) for _ in seeds]
    return {
        "settings": asdict(Settings(**(overrides or {}))) | {"length": length, "seed": list(seeds)},
        "samples": len(texts),
        "words": sum(len(words(t)) for t in texts),
        "invented_word_share": invented_share(texts, vocab),
        "invented_word_share_std_error": invented_share_error(texts, vocab, prompts),
        "std_error_unit": "prompt",
        "invented_run_together_share": run_together_share(texts, vocab),
        "repeated_word_3gram_share": repeated_word_trigram_share(texts),
        "doubled_word_share": doubled_word_share(texts),
    }


def real_text_quality(run: Path, vocab: set[str], words_per_chunk: int = 36, chunks: int = 400) -> dict:
    """The same two measures on held-out real text cut into sample-sized chunks (the reference level)."""
    paras = [p for d in read_docs(run_file(run, "docs_val.jsonl")) for p in d["paragraphs"]]
    ws = [w for p in paras for w in words(p)]
    step = max(words_per_chunk, len(ws) // chunks)
    texts = [" ".join(ws[i : i + words_per_chunk]) for i in range(0, len(ws) - words_per_chunk, step)]
    return {
        "invented_word_share": invented_share(texts, vocab),
        "invented_run_together_share": run_together_share(texts, vocab),
        "repeated_word_3gram_share": repeated_word_trigram_share(texts),
        "doubled_word_share": doubled_word_share(texts),
    }


def repetition_table(
    fn,
    tok,
    context: int,
    strategies=("confidence", "margin", "entropy", "random", "blocks"),
    steps=(16, 32, 64),
    temperature: float = 0.8,
    penalties=(1.0,),
    length: int = 64,
    n_prompts: int = 4,
) -> list[dict]:
    rows = []
    for pen in penalties:
        for strat in strategies:
            for S in steps:
                shares = []
                for j, prompt in enumerate(PROMPTS[:n_prompts]):
                    s = Settings(
                        steps=S,
                        temperature=temperature,
                        strategy=strat,
                        seed=j + 1,
                        blockLength=32,
                        repetitionPenalty=pen,
                        noRepeatNgram=0,  # the model's own looping, which the rule would hide
                    )
                    g = generate(fn, tok, prompt_segments(prompt, length), s, context)
                    shares.append(repeated_trigram_share(g.generated_ids))
                rows.append(
                    {
                        "strategy": strat,
                        "steps": S,
                        "temperature": temperature,
                        "repetitionPenalty": pen,
                        "repeated_3gram_share": float(np.mean(shares)),
                    }
                )
    return rows


def evaluate(
    run: Path,
    texts: Path | None = None,
    n_samples: int = 4,
    t_samples: int = 2048,
    onnx_path: Path | None = None,
    table: bool = False,
    part: str = "all",
) -> dict:
    """Writes evaluate.json. `part` splits the work where it runs best: "bound" needs the checkpoint
    and a GPU pays it in seconds; "quality" (hundreds of generations through onnxruntime on the CPU)
    needs only the ONNX file, so a GPU call returns its model first and the quality is measured here,
    merged into the bound's evaluate.json (models/train_gpu.sh)."""
    if part not in ("all", "bound", "quality"):
        raise PipelineError(f"part must be all, bound or quality, not {part!r}")
    if part == "quality" and not onnx_path:
        raise PipelineError("the quality part samples an ONNX file: give --onnx")
    label = "onnx " + Path(onnx_path).name if onnx_path else "pytorch checkpoint"
    tok = load_tokenizer(run / "tokenizer.json")
    text = text_tokens(texts, run, tok)
    report: dict = {"texts": str(texts or "validation split")}
    model = None
    if part == "quality":
        prior = run / "evaluate.json"
        if not prior.exists():
            raise PipelineError(f"no {prior}: measure the bound first (evaluate --part bound)")
        report = json.loads(prior.read_text())
        if report.get("model") != label:
            raise PipelineError(f"{prior} measured {report.get('model')!r}, not {Path(onnx_path).name}")
    else:
        if not torch.cuda.is_available():
            torch.set_num_threads(2)
        model = load_model(run).to(torch.device("cuda" if torch.cuda.is_available() else "cpu"))
        report |= measure_bound(run, model, text, t_samples, onnx_path)
    report["model"] = label
    if part != "bound":
        fn = onnx_logits(onnx_session(onnx_path)) if onnx_path else torch_logits(model)
        report |= measure_quality(run, tok, text[0], fn, n_samples, table)
    (run / "evaluate.json").write_text(json.dumps(report, indent=1, ensure_ascii=False))
    return report


def measure_bound(run: Path, model, text: tuple[np.ndarray, int, int], t_samples: int, onnx_path: Path | None) -> dict:
    """The checkpoint's bound and, given a quantized file, that file's, on the same draws."""
    device = next(model.parameters()).device
    ctx = model.cfg.context
    tokens, chars, nbytes = text
    t0 = time.time()
    b = bound(model, tokens, ctx, min_seqs=min(512, t_samples), max_seqs=max(t_samples, 512))
    b["bits_per_char"] = b["nats_per_token"] * tokens.size / chars / math.log(2)
    # Bits per UTF-8 byte: comparable across tokenizers (and to published byte-level figures).
    b["bits_per_byte"] = b["nats_per_token"] * tokens.size / nbytes / math.log(2)
    b["seconds"] = round(time.time() - t0, 1)
    out = {"bound": b}
    if onnx_path:
        # The bound of the file that ships: its (quantized) weights dequantized exactly into the same
        # model, on the same sequences and t draws as the checkpoint's, so the two compare pairwise.
        from .warmstart import dequantization_gap, dequantized_model

        q = dequantized_model(Path(onnx_path), model.cfg)
        gap = dequantization_gap(Path(onnx_path), q)
        if gap > 1e-3:
            raise PipelineError(
                f"{onnx_path} does not dequantize to the weights it computes with (logits differ "
                f"by up to {gap:.3g}): its bound would be another model's"
            )
        shipped = bound(q.to(device), tokens, ctx, min_seqs=min(512, t_samples), max_seqs=max(t_samples, 512))
        shipped["bits_per_byte"] = shipped["nats_per_token"] * tokens.size / nbytes / math.log(2)
        shipped["dequantized_max_abs_logit_diff"] = gap
        out["bound_of_onnx"] = shipped
    return out


def measure_quality(run: Path, tok, tokens: np.ndarray, fn, n_samples: int, table: bool) -> dict:
    """Samples of `fn` (logits), invented words and repeated 3-grams under the app's defaults, and real
    text's figures on the same tokens."""
    ctx = json.loads(run_file(run, "train_config.json").read_text())["model"]["context"]
    real = [
        repeated_trigram_share(tokens[s : s + ctx]) for s in range(0, tokens.size - ctx, max(ctx, tokens.size // 400))
    ]
    vocab = training_vocabulary(run)
    samples = []
    for S in (16, 32, 64):
        for j, prompt in enumerate(FRESH_PROMPTS[:n_samples]):
            s = Settings(steps=S, seed=j + 1)
            g = generate(fn, tok, fitted(tok, prompt, 48, ctx), s, ctx)
            samples.append(
                {
                    "steps": S,
                    "prompt": prompt,
                    "settings": f"app defaults but {S} steps, seed {j + 1}",
                    "text": g.text,
                    "repeated_3gram_share": repeated_trigram_share(g.generated_ids),
                }
            )
    out = {
        "real_text_repeated_3gram_share": float(np.mean(real)),
        "defaults_quality": defaults_quality(fn, tok, ctx, vocab),
        "real_text_quality": real_text_quality(run, vocab),
        "samples": samples,
    }
    if table:
        out["repetition"] = repetition_table(fn, tok, ctx, penalties=(1.0, 1.3))
    return out
