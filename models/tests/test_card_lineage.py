"""The card's lineage counts what each earlier run passed on: up to its stable point when the next run
started from `weights.pt`, all of it when it started from that run's final weights."""

import json

from pipeline.card import lineage
from pipeline.ship import history

RUN = {
    "steps": 9613,
    "tokens_seen": 39_374_848,
    "elapsed_s": 6720.0,
    "weights_pt": {"from": "stable", "step": 100, "tokens_seen": 409_600, "elapsed_s": 60.0},
}
NOW = {"tokens_seen": 31_277_056, "elapsed_s": 6600.0}


def shipped(tmp_path):
    dest = tmp_path / "model"
    dest.mkdir()
    (dest / "config.json").write_text(json.dumps({"training": RUN}))
    return dest


def test_a_run_from_weights_pt_inherits_the_stable_point_only(tmp_path):
    earlier = history(shipped(tmp_path), "weights")
    (line,) = lineage({"training": {"history": earlier}}, NOW)
    assert "(0.4 M tokens in 1 min)" in line and "**31.7 M tokens in 111 min in all**" in line


def test_a_run_from_the_final_weights_inherits_all_of_the_last_run(tmp_path):
    earlier = history(shipped(tmp_path), "final")
    assert earlier[-1]["inherited"] == "final"
    (line,) = lineage({"training": {"history": earlier}}, NOW)
    assert "(39.4 M tokens in 112 min)" in line and "**70.7 M tokens in 222 min in all**" in line


def test_no_lineage_without_continues(tmp_path):
    assert history(shipped(tmp_path), None) == []
