"""The card's frontier plot draws every series of a measure_frontier.py report and marks the app's default."""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))

import plot_frontier  # noqa: E402


def row(config: str, rounds: int, passes: float, invented: float, repeated: float) -> dict:
    return {
        "config": config,
        "refine_rounds": rounds,
        "forward_passes": passes,
        "invented_words": invented,
        "repeated_word_3grams": repeated,
    }


def test_series_and_default(tmp_path):
    rows = [
        row("linear 32 steps", 0, 32, 0.02, 0.003),
        row("linear 16 steps", 0, 16, 0.04, 0.002),
        row("linear 32 steps", 2, 46, 0.017, 0.006),
        row("adaptive 0.3, at most 48", 0, 45.2, 0.012, 0.004),
    ]
    groups = plot_frontier.series(rows)
    assert set(groups) == {("linear", 0), ("linear", 2), ("adaptive", 0)}
    assert [r["forward_passes"] for r in groups[("linear", 0)]] == [16, 32]  # drawn left to right
    # Two reports (one process per core, as the card's frontier is measured) join into one plot.
    first, second = tmp_path / "frontier-a.json", tmp_path / "frontier-b.json"
    first.write_text(json.dumps({"rows": rows[:2]}))
    second.write_text(json.dumps({"rows": rows[2:]}))
    out = tmp_path / "frontier.svg"
    plot_frontier.main([str(first), str(second), "--out", str(out)])
    svg = out.read_text()
    for label in ("fixed schedule", "fixed + 2 refinement rounds", "adaptive (threshold)", "app default"):
        assert label in svg
    assert "adaptive + 2 refinement rounds" not in svg  # no such rows, no such series
