"""The README's retrain recipe is the one that works: its code block runs as written, through every stage, with
only the preset made tiny, in a copy of the pipeline whose corpus is a small synthetic one."""

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

MODELS = Path(__file__).resolve().parents[1]
README = MODELS.parent / "README.md"


def recipe() -> str:
    text = README.read_text()
    block = re.search(r"^## Retrain\n```\n(.*?)\n```", text, re.S | re.M)
    assert block, "README.md has no code block under '## Retrain'"
    script = block.group(1)
    assert script.count("--preset cpu") == 1, "the recipe trains with the CPU preset once"
    return script.replace("--preset cpu", "--preset tiny")


def test_the_readme_recipe_runs_every_stage(tiny_corpus, tmp_path):
    repo = tmp_path / "repo"
    (repo / "models").mkdir(parents=True)
    # The pipeline finds its corpus at ../shared/corpus beside the repository and ships into repo/models.
    shutil.copytree(tiny_corpus, tmp_path / "shared" / "corpus")
    shutil.copytree(MODELS / "pipeline", repo / "models" / "pipeline", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("setup.sh", "requirements.txt"):
        shutil.copy(MODELS / name, repo / "models" / name)
    (repo / "models" / ".venv").symlink_to(MODELS / ".venv")  # already set up: setup.sh finds it current
    env = {**os.environ, "HOME": str(tmp_path / "home")}  # the recipe's run folder is under ~
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", recipe()], cwd=repo, env=env, capture_output=True, text=True, timeout=900
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    shipped = repo / "models" / "unmask-small"
    for name in ("model.onnx", "tokenizer.json", "config.json", "weights.pt"):
        assert (shipped / name).stat().st_size > 0, name

    cfg = json.loads((shipped / "config.json").read_text())
    assert cfg["variant"] == "q8"  # what evaluate measured, with no --variant given
    run = tmp_path / "home" / ".cache" / "unmask" / "runs" / "cpu"
    assert (shipped / "model.onnx").read_bytes() == (run / "model_q8.onnx").read_bytes()
