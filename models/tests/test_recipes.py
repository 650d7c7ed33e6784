"""The training recipes of the card's table (issue 21 §2): each is a setting that does what it says."""

import dataclasses
import json
import math

import pytest
import torch
from test_train import shard_run, tiny  # noqa: F401  (the fixture)

from pipeline.diffusion import diffusion_loss, loss_weight, mask_tokens, sample_t, subs_logits, t_density
from pipeline.errors import PipelineError
from pipeline.grow import copied_blocks, grow
from pipeline.model import Denoiser, ModelConfig
from pipeline.specials import EOS_ID, MASK_ID, PAD_ID
from pipeline.train import load_checkpoint, lr_at, make_optimizer, train
from pipeline.warmstart import holds_rounded, load_warm_start, save_weights


def test_logitnormal_t_is_stratified_and_bell_shaped():
    t = sample_t(4096, torch.Generator().manual_seed(0), dist="logitnormal")
    assert t.min() > 0 and t.max() <= 1 and torch.all(t[1:] >= t[:-1])  # one draw per stratum, in order
    assert abs(t.median().item() - 0.5) < 0.01
    assert (t < 0.1).float().mean() < 0.02 < (t < 0.2).float().mean()  # thin tails, unlike uniform's 0.1
    # The density integrates to one, so importance weights 1/pi keep the objective's scale.
    grid = torch.linspace(1e-4, 1 - 1e-4, 20001)
    assert math.isclose(torch.trapezoid(t_density(grid, "logitnormal"), grid).item(), 1.0, rel_tol=1e-3)


def test_another_t_density_keeps_the_exact_models_loss():
    """Only the mixture over t changes: the exact model still scores the entropy (its loss at every t)."""
    g = torch.Generator().manual_seed(0)
    p = torch.tensor([0.5, 0.25, 0.125, 0.0625, 0.0625])
    B, L = 4096, 64
    x = torch.multinomial(p, B * L, replacement=True, generator=g).view(B, L)
    t = sample_t(B, g, dist="logitnormal")
    _, masked = mask_tokens(x, t, 99, g)
    got = diffusion_loss(p.log().expand(B, L, -1), x, masked, t).mean().item()
    assert math.isclose(got, float(-(p * p.log()).sum()), rel_tol=0.03)


def test_plain_weighting_is_the_masked_cross_entropy_sum():
    t = torch.tensor([0.05, 0.5])
    assert torch.equal(loss_weight(t, None, "one"), torch.ones(2))
    assert torch.allclose(loss_weight(t, 10.0, "inv_t"), torch.tensor([10.0, 2.0]))


def test_subs_excludes_mask_and_pad_but_keeps_eos():
    logits = torch.zeros(3, 6)
    out = subs_logits(logits)
    assert torch.isinf(out[:, [MASK_ID, PAD_ID]]).all() and torch.isfinite(out[:, EOS_ID]).all()
    assert torch.equal(logits, torch.zeros(3, 6))  # the caller's logits are untouched
    x = torch.tensor([[EOS_ID, 3, 4, 5]])
    masked = torch.ones(1, 4, dtype=torch.bool)
    t = torch.tensor([1.0])
    # Uniform logits over 6 tokens: log 6 per token; over the 4 the sampler can emit (EOS included), log 4.
    assert math.isclose(diffusion_loss(torch.zeros(1, 4, 6), x, masked, t).item(), math.log(6), rel_tol=1e-6)
    subs = diffusion_loss(torch.zeros(1, 4, 6), x, masked, t, subs=True).item()
    assert math.isclose(subs, math.log(4), rel_tol=1e-6)


def test_relu2_qk_norm_and_zero_init_build_a_model_whose_blocks_start_as_identity():
    cfg = ModelConfig(vocab_size=50, d_model=32, n_layers=2, n_heads=2, context=16)
    arch = dataclasses.replace(cfg, activation="relu2", qk_norm=True, zero_init=True)
    m = Denoiser(arch)
    x = torch.randint(3, 50, (2, 16))
    h = m.embed(x)
    for b in m.blocks:
        assert torch.equal(b(h), h)  # zero output projections: each block adds nothing yet
    assert m.blocks[0].q_norm is not None and m(x).shape == (2, 16, 50)
    with pytest.raises(ValueError, match="activation"):
        Denoiser(dataclasses.replace(cfg, activation="swish"))


def test_growing_stacks_copies_and_computes_the_same_function(tmp_path):
    assert copied_blocks(6, 8) == [0, 1, 2, -3, 3, 4, 5, -6]
    assert copied_blocks(3, 6) == [0, -1, 1, -2, 2, -3]
    with pytest.raises(PipelineError):
        copied_blocks(6, 4)
    cfg = ModelConfig(vocab_size=60, d_model=32, n_layers=3, n_heads=2, context=16)
    small = Denoiser(cfg).eval()
    save_weights(small, tmp_path / "w.pt")
    grow(tmp_path / "w.pt", cfg, 5, tmp_path / "g.pt")
    assert holds_rounded(tmp_path / "w.pt") and holds_rounded(tmp_path / "g.pt")
    deep_cfg = dataclasses.replace(cfg, n_layers=5)
    deep = Denoiser(deep_cfg).eval()
    deep.load_state_dict(load_warm_start(tmp_path / "g.pt", deep_cfg))
    small.load_state_dict(load_warm_start(tmp_path / "w.pt", cfg))  # the same 8-bit rounding as the grown file
    x = torch.randint(3, 60, (2, 16))
    x[:, ::3] = MASK_ID
    with torch.no_grad():
        assert torch.allclose(small(x), deep(x), atol=1e-5)


def test_growing_in_full_precision_keeps_the_float32_weights_exactly(tmp_path):
    cfg = ModelConfig(vocab_size=60, d_model=32, n_layers=3, n_heads=2, context=16)
    small = Denoiser(cfg).eval()
    torch.save(small.state_dict(), tmp_path / "final.pt")  # a run's final fp32 weights
    grow(tmp_path / "final.pt", cfg, 4, tmp_path / "g.pt", full=True)
    grown = torch.load(tmp_path / "g.pt", weights_only=True)
    assert not holds_rounded(tmp_path / "final.pt") and not holds_rounded(tmp_path / "g.pt")
    assert all(v.dtype == torch.float32 for v in grown.values())
    assert torch.equal(grown["blocks.3.up.weight"], small.state_dict()["blocks.2.up.weight"])  # no 8-bit rounding
    deep_cfg = dataclasses.replace(cfg, n_layers=4)
    deep = Denoiser(deep_cfg).eval()
    deep.load_state_dict(load_warm_start(tmp_path / "g.pt", deep_cfg))
    x = torch.randint(3, 60, (2, 16))
    x[:, ::3] = MASK_ID
    with torch.no_grad():
        assert torch.allclose(small(x), deep(x), atol=1e-5)


def test_a_block_learning_rate_multiplier_moves_that_block_more(shard_run, tmp_path):  # noqa: F811
    """block_lr_mult: after a growth, the new block trains at a high rate and the old ones at a low one."""

    def moved(mult: dict) -> dict[int, float]:
        cfg = tiny(max_steps=4, warmup_steps=1, block_lr_mult=mult)
        start = Denoiser(dataclasses.replace(cfg.model, vocab_size=300))
        torch.save(start.state_dict(), tmp_path / "start.pt")
        train(shard_run, cfg, fresh=True, init=tmp_path / "start.pt", log=lambda *_: None)
        end = load_checkpoint(shard_run / "ckpt.pt")["model"]
        w = "blocks.{}.up.weight"
        return {b: (end[w.format(b)] - start.state_dict()[w.format(b)]).abs().mean().item() for b in (0, 1)}

    even, slowed = moved({}), moved({"1": 0.01})
    assert 0.5 < even[1] / even[0] < 2  # AdamW moves both blocks alike at one rate
    assert slowed[1] < 0.05 * slowed[0]  # a hundredth of the rate: a small fraction of the move
    state = load_checkpoint(shard_run / "ckpt.pt")
    assert sorted(g["lr_mult"] for g in state["opt"]["optimizers"][0]["param_groups"]) == [0.01, 0.01, 1.0, 1.0]
    for bad in ({"2": 2.0}, {"1": 0}, {"x": 1.0}, {"1": "fast"}, {1: 2.0}, {"01": 2.0}):
        with pytest.raises(PipelineError, match="block_lr_mult"):
            tiny(block_lr_mult=bad)


def test_a_resumed_run_follows_the_schedule_and_keeps_its_block_rates(shard_run):  # noqa: F811
    """After load_state_dict the optimizers hold new group dicts: set_lr must reach those, not stale ones."""
    cfg = dict(warmup_steps=2, schedule="wsd", decay_frac=1.0, block_lr_mult={"1": 4.0})
    train(shard_run, tiny(max_steps=3, **cfg), fresh=True, log=lambda *_: None)
    resumed_cfg = tiny(max_steps=6, **cfg)
    train(shard_run, resumed_cfg, log=lambda *_: None)
    state = load_checkpoint(shard_run / "ckpt.pt")
    assert state["step"] == 6
    last = lr_at(resumed_cfg, 5, 5 / 6)  # the rate of the last step taken (progress by steps: no time limit hit)
    rates = sorted((g["lr_mult"], g["lr"]) for g in state["opt"]["optimizers"][0]["param_groups"])
    assert [m for m, _ in rates] == [1.0, 1.0, 4.0, 4.0]
    for m, lr in rates:
        assert lr == pytest.approx(last * m)
    with pytest.raises(PipelineError, match="block_lr_mult"):
        train(shard_run, tiny(max_steps=8, **(cfg | {"block_lr_mult": {"0": 4.0}})), log=lambda *_: None)


def test_muon_takes_the_hidden_matrices_and_adamw_the_rest():
    cfg = ModelConfig(vocab_size=50, d_model=32, n_layers=2, n_heads=2, context=16)
    m = Denoiser(cfg)
    opts = make_optimizer(m, tiny(optimizer="muon"), torch.device("cpu"))
    muon, adamw = opts.opts
    assert isinstance(muon, torch.optim.Muon) and isinstance(adamw, torch.optim.AdamW)
    in_muon = {id(p) for g in muon.param_groups for p in g["params"]}
    for n, p in m.named_parameters():
        assert (id(p) in in_muon) == (n.startswith("blocks.") and p.dim() == 2), n
    assert len(make_optimizer(m, tiny(), torch.device("cpu")).opts) == 1


def test_a_muon_run_trains_checkpoints_and_resumes(shard_run):  # noqa: F811
    first = train(shard_run, tiny(max_steps=4, optimizer="muon"), fresh=True, log=lambda *_: None)
    state = load_checkpoint(shard_run / "ckpt.pt")
    assert len(state["opt"]["optimizers"]) == 2
    second = train(shard_run, tiny(max_steps=6, optimizer="muon"), log=lambda *_: None)
    assert first["steps"] == 4 and second["steps"] == 6 and math.isfinite(second["val_bound"])


def test_a_cpu_time_budget_ends_the_run_and_is_logged(shard_run):  # noqa: F811
    out = train(shard_run, tiny(max_steps=100_000, max_cpu_minutes=0.02), fresh=True, log=lambda *_: None)
    assert 0 < out["steps"] < 100_000
    assert 1.2 <= out["cpu_s"] < 1.2 + 5  # stops at the first step past 1.2 CPU seconds
    assert out["val_bound_subs"] <= out["val_bound"] + 1e-6  # fewer tokens to pay for, never more
    log = [json.loads(line) for line in open(shard_run / "train_log.jsonl")]
    assert all("cpu_s" in r for r in log if "tokens_per_s" in r)


def test_unknown_recipe_values_are_refused():
    for kw in ({"t_dist": "beta"}, {"weighting": "sqrt"}, {"optimizer": "sgd"}):
        with pytest.raises(PipelineError, match=next(iter(kw))):
            tiny(**kw)
