"""Command line: python -m pipeline <stage> --run RUN_FOLDER [options]. See models/README.md."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from .errors import PipelineError

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
DEFAULT_RUNS = Path.home() / ".cache" / "unmask" / "runs"


def _train_config(args):
    from .train import PRESETS, TrainConfig

    if args.preset not in PRESETS:
        raise PipelineError(f"unknown preset {args.preset!r}; choose one of {sorted(PRESETS)}")
    d = json.loads(json.dumps(PRESETS[args.preset]))
    for kv in args.set or []:
        k, _, v = kv.partition("=")
        target = d.setdefault("model", {}) if k.startswith("model.") else d
        try:
            target[k.removeprefix("model.")] = json.loads(v)
        except json.JSONDecodeError:
            if not v.isidentifier():  # a bare word is a string (schedule=wsd); anything else is a typo
                raise PipelineError(f"--set {kv}: the value is neither JSON nor a plain word") from None
            target[k.removeprefix("model.")] = v
    return TrainConfig.from_dict(d)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m pipeline", description=__doc__)
    sub = ap.add_subparsers(dest="stage", required=True)

    def stage(name: str, help: str):
        p = sub.add_parser(name, help=help)
        # UNMASK_RUN also sets it: torchrun's own parser mistakes a "--run" after the module for its --run-path.
        p.add_argument(
            "--run",
            type=Path,
            default=Path(os.environ.get("UNMASK_RUN", DEFAULT_RUNS / "default")),
            help="run folder (outside git; default $UNMASK_RUN)",
        )
        return p

    p = stage("prepare", "clean the corpus and split it by book")
    p.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    p.add_argument("--weights", type=json.loads, default=None, help='JSON, e.g. {"ChiLit": 1, "DNov": 0.3}')
    p.add_argument("--val-fraction", type=float, default=0.06)
    p = stage("tokenizer", "train the BPE vocabulary and write token shards")
    p.add_argument("--vocab-size", type=int, default=4096)
    p.add_argument(
        "--reuse",
        type=Path,
        default=None,
        help="use this tokenizer.json (a shipped model's) instead of training one: a continued run "
        "must keep its vocabulary, and BPE training breaks ties differently from machine to machine",
    )
    p = stage("train", "train the denoiser (resumes from the run's checkpoint)")
    p.add_argument("--preset", default="cpu")
    p.add_argument(
        "--set",
        action="append",
        help="override a setting: key=JSON or key=word, e.g. max_minutes=5, model.n_layers=4 or schedule=wsd",
    )
    p.add_argument("--fresh", action="store_true", help="ignore an existing checkpoint")
    p.add_argument(
        "--init",
        type=Path,
        default=None,
        help="start from these weights (weights.pt or model.onnx of a shipped model) when not resuming",
    )
    p = stage("evaluate", "validation bound and samples")
    p.add_argument(
        "--texts", type=Path, default=None, help="folder of .txt files (default: the run's validation books)"
    )
    p.add_argument("--samples", type=int, default=4)
    p.add_argument("--t-samples", type=int, default=2048, help="most (sequence, t) draws for the bound")
    p.add_argument("--onnx", type=Path, default=None, help="sample with this ONNX file (default: the checkpoint)")
    p.add_argument("--repetition-table", action="store_true", help="repeated 3-grams per strategy and step count")
    p.add_argument(
        "--part",
        choices=("all", "bound", "quality"),
        default="all",
        help="bound: the checkpoint's (needs it; seconds on a GPU); quality: samples and word figures of --onnx, "
        "merged into the bound's evaluate.json",
    )
    p = stage("export", "export the checkpoint to ONNX and check parity")
    p = stage("quantize", "quantize the ONNX model and report each variant")
    p = stage("ship", "copy the chosen variant, tokenizer and config into models/<name>/ and write fixtures")
    p.add_argument("--name", default="unmask-small")
    p.add_argument(
        "--variant",
        default=None,
        choices=["fp32", "q8", "q4", "q4e8", "q4h8"],
        help="which quantized file to ship (default: the one evaluate --onnx measured; quantize.py says what each is)",
    )
    p.add_argument("--out", type=Path, default=ROOT / "models")
    p.add_argument("--force", action="store_true", help="ship even if the validation bound did not improve")
    p.add_argument(
        "--continues",
        nargs="?",
        const="weights",
        choices=["weights", "final"],
        default=None,
        help="the run warm-started from the shipped model: keep its training history in config.json; "
        "'final' when it started from the last run's final weights (model.onnx, or that run's last "
        "checkpoint) rather than from weights.pt, so that all of the last run counts as inherited",
    )

    p = sub.add_parser("grow", help="stack a trained model's layers into a deeper one (a weights file to --init from)")
    p.add_argument("--init", type=Path, required=True, help="weights.pt or model.onnx of the trained model")
    p.add_argument("--config", type=Path, required=True, help="its config.json or train_config.json")
    p.add_argument("--layers", type=int, required=True, help="the grown model's depth")
    p.add_argument("--out", type=Path, required=True)
    p.add_argument(
        "--full",
        action="store_true",
        help="write float32 (from a run's final fp32 weights): no 8-bit rounding of what the run learnt",
    )

    p = stage("card", "write the measured section of the model card from the run's reports")
    p.add_argument("--card", type=Path, default=ROOT / "models" / "README.md")
    p.add_argument("--shipped", type=Path, default=ROOT / "models" / "unmask-small")

    p = stage("passages", "write the page's noise-panel passages (validation books) and their twin fixture")
    p.add_argument("--shipped", type=Path, default=ROOT / "models" / "unmask-small")

    p = stage("words", "write the page's word list (the sweep's invented words) from the training books")
    p.add_argument("--out", type=Path, default=ROOT / "models" / "unmask-small" / "words.txt")
    p.add_argument("--min-count", type=int, default=2, help="keep words seen at least this often")

    args = ap.parse_args(argv)
    run: Path = getattr(args, "run", None)
    try:
        if args.stage == "prepare":
            from .prepare import prepare

            print(prepare(args.corpus, run, args.weights, args.val_fraction))
        elif args.stage == "tokenizer":
            from .tokenizer import reuse_tokenizer, train_tokenizer, write_shards

            if args.reuse is not None:
                reuse_tokenizer(run, args.reuse)
            else:
                train_tokenizer(run, args.vocab_size)
            print(json.dumps(write_shards(run), indent=1))
        elif args.stage == "train":
            from .train import train

            print(json.dumps(train(run, _train_config(args), fresh=args.fresh, init=args.init), indent=1))
        elif args.stage == "evaluate":
            from .evaluate import evaluate

            print(
                json.dumps(
                    evaluate(
                        run, args.texts, args.samples, args.t_samples, args.onnx, args.repetition_table, args.part
                    ),
                    indent=1,
                    ensure_ascii=False,
                )
            )
        elif args.stage == "export":
            from .export import export

            print(json.dumps(export(run), indent=1))
        elif args.stage == "quantize":
            from .quantize import quantize

            print(json.dumps(quantize(run), indent=1))
        elif args.stage == "ship":
            from .ship import ship

            print(
                json.dumps(
                    ship(run, args.out / args.name, args.variant, force=args.force, continues=args.continues), indent=1
                )
            )
        elif args.stage == "grow":
            from .grow import grow
            from .model import ModelConfig

            model = json.loads(args.config.read_text())["model"]
            cfg = ModelConfig(**{k: v for k, v in model.items() if k in ModelConfig.__dataclass_fields__})
            from .warmstart import holds_rounded

            size = grow(args.init, cfg, args.layers, args.out, full=args.full)
            report = {"layers": f"{cfg.n_layers} -> {args.layers}", "out": str(args.out), "bytes": size}
            if args.full and holds_rounded(args.init):
                # float32 of 8-bit values: four times the bytes and nothing gained over weights.pt
                report["note"] = f"{args.init} holds 8-bit matrices: --full keeps no precision they lack"
            print(json.dumps(report))
        elif args.stage == "card":
            from .card import write_card

            print(write_card(run, args.card, args.shipped))
        elif args.stage == "passages":
            from .generate import onnx_logits, onnx_session
            from .objective import write_cases, write_passages

            out = write_passages(run, args.shipped)
            out |= write_cases(args.shipped, onnx_logits(onnx_session(args.shipped / "model.onnx")))
            print(json.dumps(out))
        elif args.stage == "words":
            from .quality import write_word_list
            from .runfolder import run_file

            print(json.dumps(write_word_list(run_file(run, "docs_train.jsonl"), args.out, args.min_count)))
    except PipelineError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
