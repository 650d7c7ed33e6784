import json

import pytest
import torch

from pipeline.__main__ import main
from pipeline.errors import PipelineError
from pipeline.prepare import prepare
from pipeline.tokenizer import train_tokenizer, write_shards
from pipeline.train import PRESETS, TrainConfig, load_checkpoint, lr_at, train


@pytest.fixture
def shard_run(tiny_corpus, tmp_path):
    run = tmp_path / "run"
    prepare(tiny_corpus, run, weights={"ChiLit": 1.0, "Grimm": 1.0}, val_fraction=0.3)
    train_tokenizer(run, vocab_size=300)
    write_shards(run)
    return run


def tiny(**kw) -> TrainConfig:
    d = json.loads(json.dumps(PRESETS["tiny"]))
    d.update(kw)
    return TrainConfig.from_dict(d)


def test_resume_continues_from_the_checkpoint(shard_run):
    first = train(shard_run, tiny(max_steps=6, eval_every=3), fresh=True, log=lambda *_: None)
    assert first["steps"] == 6
    saved = load_checkpoint(shard_run / "ckpt.pt")
    assert saved["step"] == 6 and saved["tokens_seen"] == first["tokens_seen"]
    second = train(shard_run, tiny(max_steps=10, eval_every=3), log=lambda *_: None)
    assert second["steps"] == 10
    assert second["tokens_seen"] == first["tokens_seen"] * 10 // 6
    resumed = load_checkpoint(shard_run / "ckpt.pt")
    changed = any(not torch.equal(saved["model"][k], resumed["model"][k]) for k in saved["model"])
    assert changed, "resumed training must keep updating the weights"
    log = [json.loads(line) for line in open(shard_run / "train_log.jsonl")]
    assert any("val_bound" in r for r in log) and any("tokens_per_s" in r for r in log)


def test_a_new_run_in_a_used_folder_starts_its_own_log(shard_run):
    train(shard_run, tiny(max_steps=4, eval_every=2), fresh=True, log=lambda *_: None)
    (shard_run / "ckpt.pt").unlink()  # as when a run is restarted with other settings
    train(shard_run, tiny(max_steps=2, eval_every=2), log=lambda *_: None)
    log = [json.loads(line) for line in open(shard_run / "train_log.jsonl")]
    steps = [r["step"] for r in log if "step" in r]
    assert steps and max(steps) == 2 and steps == sorted(steps)


def test_resume_refuses_a_different_architecture(shard_run):
    train(shard_run, tiny(max_steps=2), fresh=True, log=lambda *_: None)
    cfg = tiny(max_steps=4)
    cfg.model.d_model = 32
    with pytest.raises(PipelineError, match="--fresh"):
        train(shard_run, cfg, log=lambda *_: None)


def test_corrupt_checkpoint_is_a_clear_error(shard_run, capsys):
    (shard_run / "ckpt.pt").write_bytes(b"not a checkpoint")
    with pytest.raises(PipelineError, match="corrupt"):
        train(shard_run, tiny(max_steps=2), log=lambda *_: None)
    assert main(["export", "--run", str(shard_run)]) == 2
    assert "corrupt or unreadable" in capsys.readouterr().err


def test_missing_inputs_end_with_a_message(tmp_path, capsys):
    assert main(["tokenizer", "--run", str(tmp_path / "none")]) == 2
    assert "run the 'prepare' stage first" in capsys.readouterr().err
    assert main(["train", "--run", str(tmp_path / "none"), "--preset", "tiny"]) == 2
    assert "run the 'tokenizer' stage first" in capsys.readouterr().err
    assert main(["quantize", "--run", str(tmp_path / "none")]) == 2
    assert "run the 'export' stage first" in capsys.readouterr().err


def test_sigterm_checkpoints_and_resume_continues(shard_run):
    import os
    import signal

    # Stop a long run from outside, as `kill` would; it must save its step and exit cleanly. The signal is sent
    # from the loop's first progress line, so it cannot arrive before the handler exists (a timer could, on a
    # slow machine, and then kill the test run itself).
    sent = []

    def log(msg, *_):
        if str(msg).startswith("step ") and not sent:
            sent.append(msg)
            os.kill(os.getpid(), signal.SIGTERM)

    out = train(shard_run, tiny(max_steps=100_000, max_minutes=5, eval_every=10_000), fresh=True, log=log)
    assert sent, "the loop never logged a step"
    saved = load_checkpoint(shard_run / "ckpt.pt")
    assert 0 < saved["step"] == out["steps"] < 100_000
    again = train(shard_run, tiny(max_steps=saved["step"] + 2), log=lambda *_: None)
    assert again["steps"] == saved["step"] + 2


def test_ema_is_kept_resumed_and_exported(shard_run):
    from pipeline.export import load_model

    train(shard_run, tiny(max_steps=4, ema_decay=0.9), fresh=True, log=lambda *_: None)
    saved = load_checkpoint(shard_run / "ckpt.pt")
    assert "ema" in saved
    differs = any(not torch.equal(saved["ema"][k], saved["model"][k]) for k in saved["model"])
    assert differs, "the EMA must lag the raw weights"
    exported = load_model(shard_run).state_dict()
    assert all(torch.equal(exported[k], saved["ema"][k]) for k in saved["ema"])
    out = train(shard_run, tiny(max_steps=6, ema_decay=0.9), log=lambda *_: None)
    assert out["steps"] == 6 and "ema" in load_checkpoint(shard_run / "ckpt.pt")


def test_wsd_holds_the_peak_then_decays_over_the_last_fraction():
    cfg = tiny(lr=1e-3, warmup_steps=10, schedule="wsd", decay_frac=0.2, min_lr_frac=0.05)
    assert lr_at(cfg, 4, 0.0) == pytest.approx(5e-4)  # warm-up
    assert lr_at(cfg, 50, 0.3) == lr_at(cfg, 500, 0.79) == pytest.approx(1e-3)  # stable
    mid, end = lr_at(cfg, 900, 0.9), lr_at(cfg, 1000, 1.0)
    assert end == pytest.approx(5e-5) and end < mid < 1e-3
    assert mid == pytest.approx(5e-5 + 9.5e-4 * (1 - 0.5**0.5))  # 1 - sqrt cooldown, halfway
    cosine = tiny(lr=1e-3, warmup_steps=10, min_lr_frac=0.05)
    assert lr_at(cosine, 500, 0.5) == pytest.approx(5.25e-4)  # the default is still cosine
    with pytest.raises(PipelineError, match="schedule"):
        tiny(schedule="step")


def test_wsd_saves_the_weights_where_the_decay_begins_once(shard_run):
    train(
        shard_run, tiny(max_steps=10, warmup_steps=2, schedule="wsd", decay_frac=0.5), fresh=True, log=lambda *_: None
    )
    stable = json.loads((shard_run / "stable.json").read_text())
    assert stable["step"] == 5  # progress 5/10 reaches the decay's start
    before = (shard_run / "stable.pt").read_bytes()
    weights = torch.load(shard_run / "stable.pt", weights_only=True)
    final = load_checkpoint(shard_run / "ckpt.pt")["model"]
    assert any(
        not torch.allclose(weights[k].float(), final[k].float(), atol=1e-3) for k in final
    )  # five decay steps on
    # Resuming inside the decay keeps the first stable point.
    train(shard_run, tiny(max_steps=12, warmup_steps=2, schedule="wsd", decay_frac=0.5), log=lambda *_: None)
    assert (shard_run / "stable.pt").read_bytes() == before


def test_a_new_run_forgets_an_earlier_stable_point_and_a_longer_budget_moves_it(shard_run):
    wsd = dict(warmup_steps=2, schedule="wsd", decay_frac=0.5)
    train(shard_run, tiny(max_steps=10, **wsd), fresh=True, log=lambda *_: None)
    assert json.loads((shard_run / "stable.json").read_text())["step"] == 5
    # Resumed after its decay with three times the budget: the rate goes back to the peak and the decay
    # now begins at step 15, where the point is saved again.
    train(shard_run, tiny(max_steps=30, **wsd), log=lambda *_: None)
    assert json.loads((shard_run / "stable.json").read_text())["step"] == 15
    # A fresh run in the same folder that ends before its decay leaves no stable point behind.
    train(shard_run, tiny(max_steps=3, warmup_steps=2, schedule="wsd", decay_frac=0.1), fresh=True, log=lambda *_: None)
    assert not (shard_run / "stable.json").exists() and not (shard_run / "stable.pt").exists()


def test_settings_of_the_wrong_type_are_refused(shard_run, capsys):
    assert main(["train", "--run", str(shard_run), "--preset", "tiny", "--set", "bf16=False"]) == 2
    assert "bf16 must be bool" in capsys.readouterr().err


def test_the_schedule_clock_stops_during_evaluation(shard_run, monkeypatch):
    import time as _time

    import pipeline.train as tr

    real = tr.validation_bounds

    def slow_bound(*a, **k):
        _time.sleep(0.5)  # an evaluation that takes far longer than the tiny steps
        return real(*a, **k)

    monkeypatch.setattr(tr, "validation_bounds", slow_bound)
    t0 = _time.monotonic()
    out = train(shard_run, tiny(max_steps=4, eval_every=1), fresh=True, log=lambda *_: None)
    wall = _time.monotonic() - t0
    assert out["steps"] == 4 and wall > 2.0  # four evaluations and the final one really ran
    assert out["elapsed_s"] < wall - 2.0  # ... and none of them counted as training time
