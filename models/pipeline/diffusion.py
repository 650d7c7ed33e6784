"""The masked (absorbing-state) diffusion objective of MDLM / LLaDA.

Forward process: at time t in (0, 1] each token is independently replaced by [MASK] with probability t.
The continuous-time negative ELBO per sequence is  E_t [ (1/t) * sum_{masked i} -log p(x_i | x_t) ],
divided by the sequence length to give nats per token: an upper bound on the data's entropy rate.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F


def sample_t(
    batch: int, generator: torch.Generator | None = None, eps: float = 1e-3, device: torch.device | str = "cpu"
) -> torch.Tensor:
    """Stratified t: one draw in each of `batch` equal strata of (eps, 1], which lowers the loss variance."""
    u = (torch.arange(batch, device=device) + torch.rand(batch, generator=generator, device=device)) / batch
    return eps + (1 - eps) * u


def mask_tokens(
    ids: torch.Tensor, t: torch.Tensor, mask_id: int, generator: torch.Generator | None = None
) -> tuple[torch.Tensor, torch.Tensor]:
    """Mask each token of row b with probability t[b]. Returns (noisy ids, boolean mask)."""
    r = torch.rand(ids.shape, generator=generator, device=ids.device)
    masked = r < t[:, None]
    return torch.where(masked, torch.full_like(ids, mask_id), ids), masked


def diffusion_loss(
    logits: torch.Tensor, targets: torch.Tensor, masked: torch.Tensor, t: torch.Tensor, weight_cap: float | None = None
) -> torch.Tensor:
    """Per-sequence bound in nats per token: (w(t) * sum of masked CE) / L, with w(t) = 1/t.

    `logits` is either [B, L, V] or [N, V] for the N masked positions in row-major order.
    `weight_cap` clips 1/t for training only: at small batches a few tokens at t near 0 carry weights
    up to 1/eps and swamp the gradient. Without a time input the best prediction at every t is the same
    conditional, so the clip changes the mixture over t, not the optimum. Evaluation passes None.
    """
    if logits.dim() == 3:
        logits = logits[masked]
    ce = F.cross_entropy(logits.float(), targets[masked], reduction="none")  # [N]
    rows = masked.nonzero()[:, 0]
    per_seq = torch.zeros(targets.shape[0], device=ce.device).index_add_(0, rows, ce)
    w = 1.0 / t
    if weight_cap is not None:
        w = w.clamp(max=weight_cap)
    return w * per_seq / targets.shape[1]
