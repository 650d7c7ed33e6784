"""The card's frontier plot (issue 21 §4): invented words and repeated word 3-grams against forward
passes, one series per schedule (fixed, adaptive) with and without refinement, from the JSON that
`measure_frontier.py --out` writes (one report, or several whose rows it joins: the rows can be measured in
one process per core). The app's default is marked.

Run from the repository root:
  models/.venv/bin/python models/tools/plot_frontier.py /tmp/frontier-r0.json /tmp/frontier-r2.json \
      --out models/frontier.svg
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import matplotlib

matplotlib.use("svg")
import matplotlib.pyplot as plt  # noqa: E402

# The app's defaults (src/engine/defaults.ts): linear 32 steps, 2 refinement rounds.
DEFAULT = ("linear 32 steps", 2)
SERIES = {
    ("linear", 0): ("fixed schedule", "#1f77b4", "o", "-"),
    ("linear", 2): ("fixed + 2 refinement rounds", "#1f77b4", "o", "--"),
    ("adaptive", 0): ("adaptive (threshold)", "#d62728", "s", "-"),
    ("adaptive", 2): ("adaptive + 2 refinement rounds", "#d62728", "s", "--"),
}


def series(rows: list[dict]) -> dict[tuple[str, int], list[dict]]:
    out: dict[tuple[str, int], list[dict]] = {}
    for r in rows:
        out.setdefault((r["config"].split()[0], r["refine_rounds"]), []).append(r)
    return {k: sorted(v, key=lambda r: r["forward_passes"]) for k, v in out.items()}


def plot(rows: list[dict], title: str):
    fig, axes = plt.subplots(1, 2, figsize=(10, 4), sharex=True)
    metrics = (("invented_words", "invented words (%)"), ("repeated_word_3grams", "repeated word 3-grams (%)"))
    for ax, (key, label) in zip(axes, metrics):
        for k, rs in series(rows).items():
            name, colour, marker, line = SERIES.get(k, (f"{k[0]} + {k[1]} rounds", "grey", "^", ":"))
            xs = [r["forward_passes"] for r in rs]
            ys = [100 * r[key] for r in rs]
            ax.plot(xs, ys, line, color=colour, marker=marker, label=name, markersize=5)
            for r, x, y in zip(rs, xs, ys):
                if (r["config"], r["refine_rounds"]) == DEFAULT:
                    ax.plot([x], [y], marker="*", color="black", markersize=14, linestyle="none")
                    ax.annotate("app default", (x, y), textcoords="offset points", xytext=(6, 6), fontsize=8)
        ax.set_xlabel("forward passes per run")
        ax.set_ylabel(label)
        ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=8)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("frontier", type=Path, nargs="+", help="measure_frontier.py --out JSON, one or more")
    ap.add_argument("--out", type=Path, required=True, help="the SVG to write")
    ap.add_argument("--title", default="Quality against forward passes (measure_frontier.py, 48 new tokens)")
    a = ap.parse_args(argv)
    rows = [r for f in a.frontier for r in json.loads(f.read_text())["rows"]]
    plt.rcParams["svg.hashsalt"] = "unmask"  # the same input writes the same file
    plt.rcParams["svg.fonttype"] = "none"  # text as text: a small file the browser renders
    plot(rows, a.title).savefig(a.out, metadata={"Date": None})
    print(f"wrote {a.out} ({len(rows)} rows)")


if __name__ == "__main__":
    main()
