"""Writes the measured part of the model card (models/README.md, between the results markers) from
the run's JSON reports, so the figures and samples in the card are exactly what the stages produced."""

from __future__ import annotations

import json
from pathlib import Path

from .errors import PipelineError
from .hardware import describe_cpu
from .runfolder import run_json

START, END = "<!-- results:start -->", "<!-- results:end -->"


def _load(run: Path, name: str) -> dict:
    return run_json(run, name)


def hardware(summ: dict) -> str:
    """The device as the run recorded it; for CPU runs the CPU model as this machine reports it."""
    dev = summ["device"]
    return dev if not dev.startswith("CPU") or "Xeon" in dev or "AMD" in dev else f"{dev}, {describe_cpu()}"


def _inherited(h: dict, key: str) -> float:
    """What a later run inherited of an earlier run: all of it, or up to its stable weights (schedule
    "wsd": a next run from `weights.pt` continues from before the decay, so the decay's tokens are not
    in its lineage; one that started from the final weights, `ship --continues final`, has them all)."""
    w = h.get("weights_pt") or {}
    stable = w.get("from") == "stable" and h.get("inherited") != "final"
    return (w.get(key) if stable else h.get(key)) or 0


def lineage(ship_cfg: dict, summ: dict) -> list[str]:
    """Runs this model continued from (warm starts): the compute it has had in all."""
    earlier = ship_cfg.get("training", {}).get("history", [])
    if not earlier:
        return []
    tokens = summ["tokens_seen"] + sum(_inherited(h, "tokens_seen") for h in earlier)
    minutes = (summ["elapsed_s"] + sum(_inherited(h, "elapsed_s") for h in earlier)) / 60
    runs = "; ".join(
        f"{_inherited(h, 'tokens_seen') / 1e6:.1f} M tokens in {_inherited(h, 'elapsed_s') / 60:.0f} min"
        for h in earlier
    )
    return [
        f"- This run continued from the weights of earlier runs ({runs}): **{tokens / 1e6:.1f} M tokens "
        f"in {minutes:.0f} min in all**."
    ]


def objective_line(cfg: dict) -> str:
    """What training minimised (the bound below is always the uncapped 1/t one): the page's noise panel
    says the same of the shipped model, so a change of recipe shows here first."""
    t = "logit-normal t (a bell on t = 1/2)" if cfg.get("t_dist") == "logitnormal" else "t uniform, stratified"
    if cfg.get("weighting", "inv_t") == "one":
        loss = "plain cross-entropy on the masked tokens, each one alike (`weighting=one`)"
    else:
        cap = cfg.get("weight_cap", 10.0)
        loss = "cross-entropy on the masked tokens weighted 1/t, " + (
            "uncapped" if cap is None else f"capped at {cap:g}"
        )
    subs = "excluded" if cfg.get("subs") else "not excluded"
    return f"- Loss: {loss}; {t}; `[MASK]` and `[PAD]` {subs} from the softmax."


def schedule_line(cfg: dict, ship_cfg: dict) -> str:
    """The learning-rate schedule, and which weights the next run continues from."""
    mults = sorted((cfg.get("block_lr_mult") or {}).items(), key=lambda kv: int(kv[0]))
    # A grown model: its new blocks at their own rates.
    own = f" (block {', block '.join(f'{b} at {m:g}×' for b, m in mults)})" if mults else ""
    qat = ", quantization-aware (the forward on the q8 file's rounded weights)" if cfg.get("qat") else ""
    head = f"- Schedule: AdamW{qat}, peak learning rate {cfg['lr']:g}{own}, {cfg['warmup_steps']} warm-up steps, "
    floor = f"to {cfg['min_lr_frac'] * cfg['lr']:.2g}"
    if cfg.get("schedule", "cosine") == "wsd":
        w = ship_cfg.get("training", {}).get("weights_pt", {})
        at = (
            (
                f"; `weights.pt` holds the weights where the decay began (step {w['step']:,}, "
                f"{w['tokens_seen'] / 1e6:.1f} M tokens), the next run's starting point"
            )
            if w.get("from") == "stable"
            else ""
        )
        if cfg["decay_frac"] >= 1:  # no held phase: the decay starts where the warm-up ends
            return head + f"then a 1 − √ decay {floor} over the whole run{at}."
        return head + f"held, then a 1 − √ decay {floor} over the last {cfg['decay_frac']:.0%} of the run{at}."
    return head + f"cosine decay {floor} over the run."


def _words(q: dict) -> str:
    unit = "; ± is one standard error, each prompt's samples one unit" if q.get("std_error_unit") == "prompt" else ""
    return (f", {q['words']:,} words" if "words" in q else "") + unit


def _pm(se: float | None) -> str:
    """' ± x.xx' (one standard error, in points) where the evaluation measured it; `_words` names its unit."""
    return f" ± {se * 100:.2f}" if se is not None else ""


def quality_lines(ev: dict) -> list[str]:
    q, real = ev.get("defaults_quality"), ev.get("real_text_quality")
    if not q or not real:
        return []
    st = q["settings"]
    norep = st.get("noRepeatNgram", 0)
    return [
        "",
        f"Quality under the app's defaults ({st['strategy']}, {st['steps']} steps, T {st['temperature']}, "
        f"top-p {st['topP']}, {st['length']} new tokens, refinement {st.get('refineRounds', 0)} rounds"
        f"{f', no repeated {norep}-grams' if norep else ''}; "
        f"{q['samples']} samples from fresh prompts{_words(q)}), against held-out real text "
        "cut into pieces of the same size:",
        "",
        "| | invented words | repeated word 3-grams | doubled words |",
        "|---|---|---|---|",
        f"| model | {q['invented_word_share'] * 100:.2f} %{_pm(q.get('invented_word_share_std_error'))} "
        f"| {q['repeated_word_3gram_share'] * 100:.1f} % | {_share(q.get('doubled_word_share'))} |",
        f"| real text | {real['invented_word_share'] * 100:.2f} % | {real['repeated_word_3gram_share'] * 100:.1f} % "
        f"| {_share(real.get('doubled_word_share'))} |",
    ] + _run_together(q, real)


def _share(x: float | None) -> str:
    """A share as the card prints it; cards evaluated before a measure existed show a dash."""
    return "–" if x is None else f"{x * 100:.2f} %"


def _run_together(q: dict, real: dict) -> list[str]:
    if "invented_run_together_share" not in q:
        return []
    return [
        "",
        f"Of the model's invented words, {q['invented_run_together_share'] * 100:.0f} % are two training words "
        f'with the space between them lost ("thebottle"); of real text\'s, '
        f"{real.get('invented_run_together_share', 0) * 100:.0f} %.",
    ]


def _mix(run: Path) -> str:
    """The folder weights of the run's stream (a weight below 1 keeps a fixed subset of the books)."""
    p = run / "split.json"
    weights = json.loads(p.read_text()).get("weights") if p.exists() else None
    if not weights:
        return ""
    return " (copies of each book per pass, by folder: " + ", ".join(f"{k} {v:g}" for k, v in weights.items()) + ")"


def render(run: Path, shipped: Path) -> str:
    summ, cfg = _load(run, "train_summary.json"), _load(run, "train_config.json")
    ev, q, exp = _load(run, "evaluate.json"), _load(run, "quantize.json"), _load(run, "export.json")
    shards = _load(run, "shards.json")
    ship_cfg = json.loads((shipped / "config.json").read_text())
    m = cfg["model"]
    b = ev["bound"]
    lines = [
        "## Measured (generated by `python -m pipeline card`)",
        "",
        f"- Architecture: {m['n_layers']} layers, d_model {m['d_model']}, {m['n_heads']} heads, FFN x{m['ffn_mult']}, "
        f"context {m['context']}, vocabulary {m['vocab_size']}: **{summ['params']:,} parameters**.",
        f"- Training compute: {hardware(summ)}; {summ['steps']:,} steps of {cfg['batch_size']} x {m['context']} "
        f"tokens, "
        f"**{summ['tokens_seen'] / 1e6:.1f} M tokens seen** in {summ['elapsed_s'] / 60:.0f} min "
        f"({summ['tokens_seen'] / max(1, summ['elapsed_s']):,.0f} tokens/s); one weighted pass over the training "
        f"books is {shards['train']['tokens'] / 1e6:.1f} M tokens{_mix(run)}.",
        objective_line(cfg),
        schedule_line(cfg, ship_cfg),
        *lineage(ship_cfg, summ),
        f"- Validation bound on held-out books ({ev['texts']}): **{b['nats_per_token']:.3f} nats/token** "
        f"(± {b['std_error']:.3f} standard error, {b['sequences']} sequence/t draws), perplexity bound "
        f"**{b['perplexity_bound']:.0f}**, **{b.get('bits_per_byte', float('nan')):.3f} bits per byte** "
        f"({b['bits_per_char']:.3f} bits per character).",
        *(
            [
                f"- The same bound for the sampled ONNX file ({ev['model']}; its weights dequantized, same draws): "
                f"**{ev['bound_of_onnx']['nats_per_token']:.3f} nats/token**, "
                f"**{ev['bound_of_onnx']['bits_per_byte']:.3f} bits per byte**."
            ]
            if "bound_of_onnx" in ev
            else []
        ),
        f"- ONNX export: opset {exp['opset']}, max |logit| difference to PyTorch {exp['max_abs_logit_diff']:.1e}, "
        f"top-1 agreement {exp['top1_agreement_where_clear']:.3f} where the top-1 leads by more than twice the "
        f"parity bound ({exp['top1_clear_share']:.0%} of rows).",
        f"- Shipped: `{ship_cfg['variant']}`, {sum(f['bytes'] for f in ship_cfg['files'].values()) / 1e6:.2f} MB "
        f"with the tokenizer.",
        "",
        "| variant | size | max abs logit diff vs fp32 | KL from fp32, nats (masked slots) "
        "| top-1 agreement (masked slots) |",
        "|---|---|---|---|---|",
    ]
    for name, r in q.items():
        kl = f"{r['kl_from_fp32_masked']:.4f}" if "kl_from_fp32_masked" in r else "not measured"
        lines.append(
            f"| {name} | {r['bytes'] / 1e6:.2f} MB | {r['max_abs_logit_diff']:.3f} | {kl} | "
            f"{r['top1_agreement_masked']:.4f} |"
        )
    lines += quality_lines(ev)
    lines += [
        "",
        f"Repeated token 3-grams in real validation text (128-token windows): "
        f"{ev['real_text_repeated_3gram_share'] * 100:.1f} %.",
        "",
    ]
    if "repetition" in ev:
        lines += [
            "The model's own looping (no repeated n-grams off, SAMPLING.md 2b'), by strategy and repetition penalty:",
            "",
        ]
        lines += ["| strategy | steps | temperature | repetition penalty | repeated 3-grams |", "|---|---|---|---|---|"]
        for r in ev["repetition"]:
            lines.append(
                f"| {r['strategy']} | {r['steps']} | {r['temperature']} | {r['repetitionPenalty']} | "
                f"{r['repeated_3gram_share'] * 100:.1f} % |"
            )
        lines.append("")
    lines += [f"### Samples ({ev['model']}, unedited)", ""]
    for s in ev["samples"]:
        text = s["text"].replace("\n", " / ")
        lines.append(
            f"- **{s['steps']} steps** ({s['settings']}; "
            f"{s['repeated_3gram_share'] * 100:.0f} % repeated 3-grams): {text}"
        )
    return "\n".join(lines) + "\n"


def write_card(run: Path, card: Path, shipped: Path) -> str:
    body = render(run, shipped)
    text = card.read_text() if card.exists() else f"# Model card\n\n{START}\n{END}\n"
    if START not in text or END not in text:
        raise PipelineError(f"{card} has no {START} ... {END} markers")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    card.write_text(head + START + "\n" + body + END + tail)
    return body
