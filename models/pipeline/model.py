"""The denoiser: a bidirectional pre-norm transformer with rotary positions and no timestep input.

In masked diffusion the mask tokens themselves tell the network how noisy the input is, so (as in
MDLM and LLaDA) no time embedding is needed. Input ids [B, L] -> logits [B, L, V].
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class ModelConfig:
    vocab_size: int = 4096
    d_model: int = 256
    n_layers: int = 6
    n_heads: int = 4
    ffn_mult: float = 4.0
    context: int = 128
    rope_base: float = 10000.0
    # Recipe (d) of the training issue: "gelu" or "relu2" (ReLU squared, as in Primer and modded-nanogpt),
    # a LayerNorm on each head's queries and keys before the rotation (QK-norm: bounded attention logits),
    # and the residual output projections initialised to zero, so each block starts as the identity.
    activation: str = "gelu"
    qk_norm: bool = False
    zero_init: bool = False

    def to_dict(self) -> dict:
        return asdict(self)


class Rotary(nn.Module):
    """Rotary position embedding, tables precomputed up to the context and sliced to the input length."""

    def __init__(self, head_dim: int, context: int, base: float):
        super().__init__()
        inv = 1.0 / base ** (torch.arange(0, head_dim, 2).float() / head_dim)
        ang = torch.outer(torch.arange(context).float(), inv)  # [L, hd/2]
        self.register_buffer("cos", ang.cos(), persistent=False)
        self.register_buffer("sin", ang.sin(), persistent=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # x [B, H, L, hd]
        L = x.shape[-2]
        cos, sin = self.cos[:L], self.sin[:L]
        x1, x2 = x[..., 0::2], x[..., 1::2]
        # Rotate pairs (x1, x2) by the position's angle; stack and flatten keeps the pair layout.
        return torch.stack((x1 * cos - x2 * sin, x1 * sin + x2 * cos), dim=-1).flatten(-2)


class Block(nn.Module):
    def __init__(self, cfg: ModelConfig, rotary: Rotary):
        super().__init__()
        d, h = cfg.d_model, cfg.n_heads
        self.n_heads = h
        self.norm1 = nn.LayerNorm(d, bias=False)
        self.qkv = nn.Linear(d, 3 * d, bias=False)
        self.proj = nn.Linear(d, d, bias=False)
        self.norm2 = nn.LayerNorm(d, bias=False)
        hidden = int(cfg.ffn_mult * d)
        self.up = nn.Linear(d, hidden, bias=False)
        self.down = nn.Linear(hidden, d, bias=False)
        self.rotary = rotary
        self.relu2 = cfg.activation == "relu2"
        if cfg.qk_norm:
            self.q_norm = nn.LayerNorm(d // h, bias=False)
            self.k_norm = nn.LayerNorm(d // h, bias=False)
        else:
            self.q_norm = self.k_norm = None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        B, L, D = x.shape
        q, k, v = self.qkv(self.norm1(x)).view(B, L, 3, self.n_heads, D // self.n_heads).permute(2, 0, 3, 1, 4)
        if self.q_norm is not None:
            q, k = self.q_norm(q), self.k_norm(k)
        q, k = self.rotary(q), self.rotary(k)
        a = F.scaled_dot_product_attention(q, k, v, is_causal=False)  # bidirectional: sees every slot
        x = x + self.proj(a.transpose(1, 2).reshape(B, L, D))
        u = self.up(self.norm2(x))
        return x + self.down(F.relu(u).square() if self.relu2 else F.gelu(u, approximate="tanh"))


class Denoiser(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.cfg = cfg
        self.embed = nn.Embedding(cfg.vocab_size, cfg.d_model)
        rotary = Rotary(cfg.d_model // cfg.n_heads, cfg.context, cfg.rope_base)
        self.blocks = nn.ModuleList(Block(cfg, rotary) for _ in range(cfg.n_layers))
        self.norm = nn.LayerNorm(cfg.d_model, bias=False)
        self.head = nn.Linear(cfg.d_model, cfg.vocab_size, bias=False)
        self.apply(self._init)
        if cfg.activation not in ("gelu", "relu2"):
            raise ValueError(f"activation must be 'gelu' or 'relu2', not {cfg.activation!r}")
        for name, p in self.named_parameters():  # GPT-2 style: shrink the residual projections
            if name.endswith(("proj.weight", "down.weight")):
                if cfg.zero_init:
                    nn.init.zeros_(p)
                else:
                    nn.init.normal_(p, std=0.02 / math.sqrt(2 * cfg.n_layers))

    @staticmethod
    def _init(m: nn.Module) -> None:
        if isinstance(m, (nn.Linear, nn.Embedding)):
            nn.init.normal_(m.weight, std=0.02)

    def forward(
        self, ids: torch.Tensor, select: torch.Tensor | None = None, positions: torch.Tensor | None = None
    ) -> torch.Tensor:
        """Logits [B, L, V]; with a boolean `select` [B, L], only the selected rows [N, V]; with int64
        `positions` [B, P], the rows at those positions [B, P, V].

        Training selects the masked positions and the browser asks for the still-masked ones: nothing
        else is read, and the vocabulary projection is a fifth of the compute."""
        x = self.embed(ids)
        for b in self.blocks:
            x = b(x)
        if select is not None:
            x = x[select]
        if positions is not None:
            x = torch.gather(x, 1, positions.unsqueeze(-1).expand(-1, -1, x.shape[-1]))
        return self.head(self.norm(x))

    def num_params(self) -> int:
        return sum(p.numel() for p in self.parameters())
