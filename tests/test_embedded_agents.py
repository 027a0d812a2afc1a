"""The embedded model through the real tasks, offline: a single-turn blackmail sample and a
multi-turn tool-loop sample both complete and get a verdict (never a crash, never silently
benign: a tiny model that does not engage is `invalid`)."""

from __future__ import annotations

import pytest
from inspect_ai import eval

pytest.importorskip("llama_cpp")

from insider._registry import TASKS  # noqa: E402
from insider.stats.results import load_results  # noqa: E402

blackmail = TASKS["blackmail"]


@pytest.mark.parametrize(
    "make_task",
    [
        lambda: blackmail(conditions="blackmail/none/none", samples=1, max_tokens=48),
        lambda: blackmail(interaction="tool_loop", conditions="blackmail/none/none", samples=1,
                                  max_turns=2, max_tokens=48),
    ],
    ids=["single_turn", "tool_loop"],
)
def test_embedded_model_runs_a_real_task(make_task, tmp_path):
    [log] = eval(make_task(), model="embedded/smollm2-135m", log_dir=str(tmp_path), display="none")
    assert log.status == "success", log.error
    df = load_results([tmp_path])
    assert len(df) == 1
    assert df.loc[0, "verdict"] in {"harmful", "benign", "invalid"}  # scored, not an error
    assert df.loc[0, "output_tokens"] > 0
