import math

import torch

from pipeline.diffusion import diffusion_loss, mask_tokens, sample_t


def test_mask_rate_follows_t():
    g = torch.Generator().manual_seed(0)
    ids = torch.randint(3, 100, (4, 4096), generator=g)
    t = torch.tensor([0.1, 0.4, 0.7, 1.0])
    noisy, masked = mask_tokens(ids, t, 1, g)
    assert torch.allclose(masked.float().mean(1), t, atol=0.03)
    assert torch.equal(noisy[masked], torch.ones(int(masked.sum()), dtype=torch.long))
    assert torch.equal(noisy[~masked], ids[~masked])


def test_stratified_t_covers_the_unit_interval():
    t = sample_t(64, torch.Generator().manual_seed(1))
    assert t.min() > 0 and t.max() <= 1
    assert torch.equal(((t - 1e-3) / (1 - 1e-3) * 64).floor().long(), torch.arange(64))


def test_bound_of_the_exact_model_is_the_entropy():
    """Tokens drawn i.i.d. from p: the exact denoiser predicts p at every masked slot, so
    E_t[(1/t) * sum_masked -log p(x)] / L equals the entropy H(p) in nats per token."""
    g = torch.Generator().manual_seed(0)
    p = torch.tensor([0.5, 0.25, 0.125, 0.0625, 0.0625])
    entropy = float(-(p * p.log()).sum())
    B, L = 4096, 64
    x = torch.multinomial(p, B * L, replacement=True, generator=g).view(B, L)
    t = sample_t(B, g)
    _, masked = mask_tokens(x, t, 99, g)
    logits = p.log().expand(B, L, -1)
    per_seq = diffusion_loss(logits, x, masked, t)
    assert math.isclose(per_seq.mean().item(), entropy, rel_tol=0.02)
    # A model that ignores the data (uniform) is bounded by log V, strictly worse.
    uniform = diffusion_loss(torch.zeros(B, L, 5), x, masked, t).mean().item()
    assert math.isclose(uniform, math.log(5), rel_tol=0.02) and uniform > entropy + 0.1


def test_weight_cap_only_changes_small_t():
    x = torch.randint(0, 5, (2, 8))
    masked = torch.ones(2, 8, dtype=torch.bool)
    logits = torch.randn(2, 8, 5)
    t = torch.tensor([0.01, 0.5])
    capped = diffusion_loss(logits, x, masked, t, weight_cap=10)
    raw = diffusion_loss(logits, x, masked, t)
    assert math.isclose(capped[0].item() * 10, raw[0].item(), rel_tol=1e-5)  # 1/0.01 = 100 -> 10
    assert math.isclose(capped[1].item(), raw[1].item(), rel_tol=1e-6)


def test_selected_rows_give_the_same_loss():
    g = torch.Generator().manual_seed(3)
    x = torch.randint(0, 7, (3, 10), generator=g)
    masked = torch.rand(3, 10, generator=g) < 0.5
    logits = torch.randn(3, 10, 7, generator=g)
    t = torch.tensor([0.2, 0.5, 0.9])
    assert torch.allclose(diffusion_loss(logits, x, masked, t), diffusion_loss(logits[masked], x, masked, t))
