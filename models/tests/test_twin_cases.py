"""The twin cases that src/engine/twin.test.ts replays are what the Python sampler gives today:
regenerated here and compared with the committed file, so a change to either sampler that is not
made in both fails one side. Ids, steps and choices must match exactly; floats (confidences, draft
probabilities) within a relative 1e-6, since numpy's vector kernels round differently on other CPUs
(an AMD EPYC gave 0.2078419715239913 where the Intel machine that wrote the file gave ...128), and the
draft probabilities are float32: a last-bit difference in float64 can round to the neighbouring float32,
a relative 6e-8 apart. Any change to what the samplers compute moves these by far more."""

import importlib.util
import json
from pathlib import Path

from tests.tolerance import diff_tree

TOOL = Path(__file__).resolve().parents[1] / "tools" / "make_twin_cases.py"


def test_committed_twin_cases_match_a_fresh_run():
    spec = importlib.util.spec_from_file_location("make_twin_cases", TOOL)
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    fresh = json.loads(json.dumps(tool.build_cases()))
    committed = json.loads(tool.OUT.read_text())
    assert len(fresh["cases"]) == len(committed["cases"])
    for k, (a, b) in enumerate(zip(fresh["cases"], committed["cases"])):
        where = diff_tree(a, b, rel=1e-6, abs_=1e-12)
        assert where is None, (
            f"twin case {k} ({a['settings']['strategy']}) differs at {where}: run models/tools/make_twin_cases.py"
        )
