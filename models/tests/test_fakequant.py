"""Quantization-aware training: the rounding is onnxruntime's, and the gradient reaches the float weights."""

import copy
import json

import numpy as np
import torch
from test_train import shard_run, tiny  # noqa: F401  (the fixture)
from test_warmstart import SHIPPED, shipped_config

from pipeline.diffusion import diffusion_loss, mask_tokens, sample_t
from pipeline.fakequant import embedding_u8, matmul_q8, q8_state, rounded, rounded_forward
from pipeline.model import Denoiser, ModelConfig
from pipeline.specials import MASK_ID
from pipeline.train import Windows, load_checkpoint, setup, train, train_step, validation_bounds
from pipeline.warmstart import load_warm_start


def test_the_shipped_q8_file_is_already_on_the_grid():
    # The committed file holds onnxruntime's rounding: rounding its weights again moves none of them. A
    # different scale (absmax / 127, say, or blocks along the other axis) would move most of them.
    state = load_warm_start(SHIPPED / "model.onnx", shipped_config())
    for name, w in state.items():
        assert torch.allclose(rounded(name, w), w, rtol=0, atol=1e-6), name


def test_rounding_keeps_each_blocks_extreme_and_moves_the_rest_by_half_a_step():
    g = torch.Generator().manual_seed(0)
    w = torch.randn(8, 64, generator=g) * 0.05
    r = matmul_q8(w)
    blocks, rblocks = w.reshape(8, 2, 32), r.reshape(8, 2, 32)
    step = blocks.abs().amax(-1, keepdim=True) / 128
    err = (rblocks - blocks).abs()
    # Half a step, except where q = 127 clips a value near +128 steps (the extreme took -128): one step.
    clipped = (blocks / step).abs() > 127.5
    assert torch.all(err[~clipped] <= (step / 2 + 1e-7).expand_as(err)[~clipped])
    assert torch.all(err <= step + 1e-7)
    assert torch.allclose(rblocks.abs().amax(-1), blocks.abs().amax(-1), rtol=1e-6, atol=0)
    assert (r != w).float().mean() > 0.9  # float weights are off the grid: it does round
    e = embedding_u8(w)
    assert len(torch.unique(e)) <= 256 and (e - w).abs().max() <= (w.max() - w.min()) / 255
    assert torch.equal(matmul_q8(torch.zeros(2, 32)), torch.zeros(2, 32))


def test_the_rounded_forward_is_the_rounded_model_and_trains_the_float_weights():
    cfg = ModelConfig(vocab_size=60, d_model=32, n_layers=2, n_heads=2, context=16)
    model = Denoiser(cfg)
    x = torch.randint(3, 60, (2, 16), generator=torch.Generator().manual_seed(1))
    x[:, ::2] = MASK_ID
    out = rounded_forward(model, x)
    twin = Denoiser(cfg)
    twin.load_state_dict(q8_state(model))
    with torch.no_grad():
        assert torch.allclose(out, twin(x), rtol=0, atol=1e-5)
        assert not torch.allclose(out, model(x), rtol=0, atol=1e-5)  # and not the float model
    out.logsumexp(-1).sum().backward()
    # Straight through: every weight the output depends on gets a gradient.
    assert all(p.grad is not None and p.grad.abs().sum() > 0 for n, p in model.named_parameters()), [
        n for n, p in model.named_parameters() if p.grad is None or p.grad.abs().sum() == 0
    ]


def test_a_quantization_aware_run_logs_the_bound_of_its_rounded_weights(shard_run):  # noqa: F811
    cfg = tiny(max_steps=4, eval_every=4, qat=True)
    train(shard_run, cfg, fresh=True, log=lambda *_: None)
    logged = [r["val_bound"] for r in map(json.loads, (shard_run / "train_log.jsonl").open()) if "val_bound" in r]
    s = setup(shard_run, cfg, log=lambda *_: None)  # the same fixed validation batches
    s.model.load_state_dict(load_checkpoint(shard_run / "ckpt.pt")["model"])
    rounded_bound = validation_bounds(s.eval_model(), s.val_batches, s.device)[0]
    float_bound = validation_bounds(s.model, s.val_batches, s.device)[0]
    assert abs(logged[-1] - rounded_bound) < 2e-4 and abs(rounded_bound - float_bound) > 1e-5


def test_a_quantization_aware_step_computes_its_loss_on_the_rounded_weights(shard_run):  # noqa: F811
    cfg = tiny(qat=True)
    s = setup(shard_run, cfg, log=lambda *_: None)
    tokens = np.load(shard_run / "tokens_train.npy")
    rounded_twin, float_twin = s.eval_model(), copy.deepcopy(s.model)  # before the step moves the weights

    def loss_of(model):  # the step's own batch: the same window and mask draws
        x = Windows(tokens, cfg.model.context, 5).batch(cfg.batch_size)
        g = torch.Generator().manual_seed(6)
        t = sample_t(x.shape[0], g, dist=cfg.t_dist)
        noisy, masked = mask_tokens(x, t, MASK_ID, g)
        with torch.no_grad():
            return diffusion_loss(model(noisy, masked), x, masked, t, cfg.weight_cap, cfg.weighting).mean().item()

    got = train_step(s, Windows(tokens, cfg.model.context, 5), torch.Generator().manual_seed(6)).loss.item()
    assert abs(got - loss_of(rounded_twin)) < 1e-5 < abs(got - loss_of(float_twin))


def test_a_quantization_aware_runs_probe_times_the_rounded_step(shard_run, monkeypatch):  # noqa: F811
    import pipeline.precision as precision

    asked = []

    def pick(*_a, qat=False, **_kw):
        asked.append(qat)
        return precision.Candidate(bf16=False, threads=1), {"fp32, 1 thread": 1}

    monkeypatch.setattr(precision, "pick", pick)
    for qat in (True, False):
        setup(shard_run, tiny(qat=qat, pick_precision=True), log=lambda *_: None)
    assert asked == [True, False]
