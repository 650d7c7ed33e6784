"""The card's schedule line says what the run did: a held phase only where there was one."""

from pipeline.card import objective_line, schedule_line

BASE = {"lr": 3e-4, "warmup_steps": 100, "min_lr_frac": 0.05, "schedule": "wsd"}
STABLE = {"training": {"weights_pt": {"from": "stable", "step": 100, "tokens_seen": 409_600}}}


def test_a_decay_over_the_whole_run_has_no_held_phase():
    line = schedule_line(BASE | {"decay_frac": 1.0}, STABLE)
    assert "held" not in line and "over the whole run" in line
    assert "where the decay began (step 100, 0.4 M tokens)" in line


def test_a_partial_decay_names_its_share_of_the_run():
    line = schedule_line(BASE | {"decay_frac": 0.5}, {})
    assert "held, then a 1 − √ decay to 1.5e-05 over the last 50% of the run." in line


def test_the_cosine_schedule():
    assert schedule_line(BASE | {"schedule": "cosine"}, {}).endswith("cosine decay to 1.5e-05 over the run.")


def test_a_grown_models_own_block_rates_are_named():
    line = schedule_line(BASE | {"decay_frac": 1.0, "block_lr_mult": {"10": 2, "8": 15.0}}, {})
    assert line.startswith("- Schedule: AdamW, peak learning rate 0.0003 (block 8 at 15×, block 10 at 2×), 100 warm-up")
    assert "(block" not in schedule_line(BASE | {"decay_frac": 1.0, "block_lr_mult": {}}, {})


def test_a_quantization_aware_run_says_so():
    assert "AdamW, quantization-aware (the forward on the q8 file's rounded weights), peak" in schedule_line(
        BASE | {"decay_frac": 1.0, "qat": True}, {}
    )
    assert "quantization-aware" not in schedule_line(BASE | {"decay_frac": 1.0}, {})


def test_the_loss_line_names_the_weighting_the_run_trained_with():
    assert "plain cross-entropy on the masked tokens, each one alike (`weighting=one`)" in objective_line(
        BASE | {"weighting": "one"}
    )
    line = objective_line(BASE | {"weighting": "inv_t", "weight_cap": 10.0, "t_dist": "logitnormal", "subs": True})
    assert "weighted 1/t, capped at 10; logit-normal t" in line and "excluded from the softmax" in line
    assert "weighted 1/t" in objective_line(BASE) and "t uniform, stratified" in objective_line(BASE)
    assert "weighted 1/t, uncapped" in objective_line(BASE | {"weight_cap": None})
