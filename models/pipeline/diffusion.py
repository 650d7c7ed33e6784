"""The masked (absorbing-state) diffusion objective of MDLM / LLaDA.

Forward process: at time t in (0, 1] each token is independently replaced by [MASK] with probability t.
The continuous-time negative ELBO per sequence is  E_t [ (1/t) * sum_{masked i} -log p(x_i | x_t) ],
divided by the sequence length to give nats per token: an upper bound on the data's entropy rate.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from .specials import MASK_ID, PAD_ID

T_DISTS = ("uniform", "logitnormal")
WEIGHTINGS = ("inv_t", "one")


def sample_t(
    batch: int,
    generator: torch.Generator | None = None,
    eps: float = 1e-3,
    device: torch.device | str = "cpu",
    dist: str = "uniform",
) -> torch.Tensor:
    """Stratified t: one draw in each of `batch` equal strata of (eps, 1], which lowers the loss variance.

    "logitnormal" maps the same strata through the inverse CDF of a logit-normal(0, 1) density (a bell
    centred on t = 1/2, as rectified-flow image models weight their timesteps); `t_density` is its pdf."""
    u = (torch.arange(batch, device=device) + torch.rand(batch, generator=generator, device=device)) / batch
    if dist == "logitnormal":
        u = torch.sigmoid(math.sqrt(2.0) * torch.erfinv((2 * u - 1).clamp(-1 + 1e-6, 1 - 1e-6)))
    elif dist != "uniform":
        raise ValueError(f"t distribution must be one of {T_DISTS}, not {dist!r}")
    return eps + (1 - eps) * u


def t_density(t: torch.Tensor, dist: str) -> torch.Tensor:
    """The density `sample_t` draws t from (ignoring the eps shift): 1 for uniform."""
    if dist == "uniform":
        return torch.ones_like(t)
    z = torch.logit(t.clamp(1e-6, 1 - 1e-6))
    return torch.exp(-0.5 * z * z) / (math.sqrt(2 * math.pi) * t * (1 - t))


def subs_logits(logits: torch.Tensor) -> torch.Tensor:
    """MDLM's SUBS parameterization: [MASK] and [PAD] can never be the clean token, so their logits go to
    minus infinity before the softmax. [EOS] stays: it is a real token of the data (it separates books),
    so the bound must be able to pay for it, even though the sampler never emits it."""
    out = logits.clone()
    out[..., [MASK_ID, PAD_ID]] = float("-inf")
    return out


def mask_tokens(
    ids: torch.Tensor, t: torch.Tensor, mask_id: int, generator: torch.Generator | None = None
) -> tuple[torch.Tensor, torch.Tensor]:
    """Mask each token of row b with probability t[b]. Returns (noisy ids, boolean mask)."""
    r = torch.rand(ids.shape, generator=generator, device=ids.device)
    masked = r < t[:, None]
    return torch.where(masked, torch.full_like(ids, mask_id), ids), masked


def diffusion_loss(
    logits: torch.Tensor,
    targets: torch.Tensor,
    masked: torch.Tensor,
    t: torch.Tensor,
    weight_cap: float | None = None,
    weighting: str = "inv_t",
    subs: bool = False,
) -> torch.Tensor:
    """Per-sequence bound in nats per token: (w(t) * sum of masked CE) / L, with w(t) = 1/t.

    `logits` is either [B, L, V] or [N, V] for the N masked positions in row-major order.
    `weight_cap` clips 1/t for training only: at small batches a few tokens at t near 0 carry weights
    up to 1/eps and swamp the gradient. Without a time input the best prediction at every t is the same
    conditional, so the clip changes the mixture over t, not the optimum. Evaluation passes None.

    Training recipes (the bound itself is always uniform t, 1/t):
      weighting "one"   plain cross-entropy, w = 1: the mixture leans to high t, where masks are many;
      t_dist            drawn from another density, t changes the mixture over noise levels, not the
                        optimum (the same conditional at every t). No importance weight 1/pi(t): in the
                        thin tails it reaches 10^6 and the capped weight would undo the density anyway;
      subs              the loss over the tokens the sampler can emit (`subs_logits`).
    """
    if logits.dim() == 3:
        logits = logits[masked]
    logits = logits.float()
    if subs:
        logits = subs_logits(logits)
    ce = F.cross_entropy(logits, targets[masked], reduction="none")  # [N]
    rows = masked.nonzero()[:, 0]
    per_seq = torch.zeros(targets.shape[0], device=ce.device).index_add_(0, rows, ce)
    return loss_weight(t, weight_cap, weighting) * per_seq / targets.shape[1]


def loss_weight(t: torch.Tensor, weight_cap: float | None = None, weighting: str = "inv_t") -> torch.Tensor:
    """w(t) per sequence: 1/t or 1, clipped at the cap."""
    if weighting == "one":
        w = torch.ones_like(t)
    elif weighting == "inv_t":
        w = 1.0 / t
    else:
        raise ValueError(f"weighting must be one of {WEIGHTINGS}, not {weighting!r}")
    if weight_cap is not None:
        w = w.clamp(max=weight_cap)
    return w
