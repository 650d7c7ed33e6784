"""Training throughput against the machine's own peak: tokens/s of the real training step, the model
FLOP/s it implies, and the bf16/fp32 matmul rate torch reaches on the same threads (the practical peak).

    .venv/bin/python tools/measure_throughput.py --threads 2 [--batch 32 64] [--seconds 20]
Run it on an idle machine: anything else running shares the cores and lowers every figure.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from pipeline.diffusion import diffusion_loss, mask_tokens, sample_t  # noqa: E402
from pipeline.hardware import describe_cpu  # noqa: E402
from pipeline.model import Denoiser, ModelConfig  # noqa: E402


def flops_per_token(cfg: ModelConfig, masked_share: float = 0.5) -> float:
    """Forward + backward (x3) of the matmuls, the head only at masked slots, plus attention scores."""
    d, layers, L = cfg.d_model, cfg.n_layers, cfg.context
    block = layers * (4 * d * d + 2 * int(cfg.ffn_mult * d) * d)
    head = cfg.vocab_size * d * masked_share
    attn = layers * 2 * L * d  # QK^T and AV, per token
    return 6 * (block + head) + 3 * 2 * attn


def matmul_rate(dtype: torch.dtype, n: int, seconds: float) -> float:
    a, b = torch.randn(n, n, dtype=dtype), torch.randn(n, n, dtype=dtype)
    for _ in range(3):
        a @ b
    t0, k = time.perf_counter(), 0
    while time.perf_counter() - t0 < seconds:
        a @ b
        k += 1
    return 2 * n**3 * k / (time.perf_counter() - t0)


def train_rate(cfg: ModelConfig, batch: int, seconds: float, bf16: bool, compile: bool = False) -> float:
    model = Denoiser(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    fwd = torch.compile(model) if compile else model
    g = torch.Generator().manual_seed(0)

    def step():
        x = torch.randint(3, cfg.vocab_size, (batch, cfg.context), generator=g)
        t = sample_t(batch, g)
        noisy, masked = mask_tokens(x, t, 1, g)
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            logits = fwd(noisy, masked)
        loss = diffusion_loss(logits, x, masked, t, 10.0).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()

    for _ in range(5):
        step()
    t0, k = time.perf_counter(), 0
    while time.perf_counter() - t0 < seconds:
        step()
        k += 1
    return k * batch * cfg.context / (time.perf_counter() - t0)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, nargs="+", default=[32, 64])
    ap.add_argument("--seconds", type=float, default=15.0)
    ap.add_argument("--compile", action="store_true", help="also time torch.compile (bf16)")
    ap.add_argument("--no-fp32", action="store_true", help="bf16 only")
    args = ap.parse_args()
    torch.set_flush_denormal(True)
    torch.set_num_threads(args.threads)
    cfg = ModelConfig()
    fpt = flops_per_token(cfg)
    peak = {
        "bf16": matmul_rate(torch.bfloat16, 2048, args.seconds / 3),
        "fp32": matmul_rate(torch.float32, 2048, args.seconds / 3),
    }
    rows = []
    for batch in args.batch:
        for bf16, comp in ((True, False), (False, False), (True, True)):
            if (comp and not args.compile) or (not bf16 and args.no_fp32):
                continue
            tps = train_rate(cfg, batch, args.seconds, bf16, comp)
            p = peak["bf16" if bf16 else "fp32"]
            rows.append(
                {
                    "batch": batch,
                    "bf16": bf16,
                    "compile": comp,
                    "tokens_per_s": round(tps),
                    "model_gflops": round(tps * fpt / 1e9, 1),
                    "share_of_matmul_peak": round(tps * fpt / p, 3),
                }
            )
    print(
        json.dumps(
            {
                "cpu": describe_cpu(),
                "threads": args.threads,
                "flops_per_token": fpt,
                "matmul_peak_gflops": {k: round(v / 1e9, 1) for k, v in peak.items()},
                "train": rows,
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
