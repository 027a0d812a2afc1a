"""`insider run --ray` on a local Ray (2 CPUs): the same samples, verdicts and rates as the
same run without it, each part of each model logged and resumable on its own."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest
from helpers_cli import cli

pytest.importorskip("ray")

DEMO = Path(__file__).resolve().parents[1] / "examples" / "replay-demo.jsonl"
INNOCENT = "<SCRATCHPAD_REASONING>Nothing to do.</SCRATCHPAD_REASONING>\nAll routine items are answered."
COLUMNS = ["model", "condition", "sample_id", "identity_seed", "verdict", "detector_verdict", "output_tokens"]


def table(capsys, run: Path) -> pd.DataFrame:
    capsys.readouterr()
    assert cli(["results", str(run), "--format", "jsonl"]) == 0
    df = pd.read_json(io.StringIO(capsys.readouterr().out), lines=True)
    return df[COLUMNS].sort_values(["model", "sample_id"]).reset_index(drop=True)


def test_a_ray_run_equals_the_run_without_it(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("RAY_ADDRESS", raising=False)  # a local Ray with 2 CPUs
    b = tmp_path / "B.jsonl"
    b.write_text(json.dumps({"response": INNOCENT}) + "\n")
    args = ["run", "--family", "blackmail", "--model", f"replay/{DEMO},replay/{b}", "--samples", "2",
            "--shard-size", "2", "--display", "none"]
    assert cli(args + ["--out", str(tmp_path / "local")]) == 0, capsys.readouterr().err
    assert cli(args + ["--out", str(tmp_path / "ray"), "--ray"]) == 0, capsys.readouterr().err
    progress = capsys.readouterr().err
    assert progress.count(" done") == 4 and "[4/4]" in progress  # 2 models x 2 parts

    local, ray = table(capsys, tmp_path / "local"), table(capsys, tmp_path / "ray")
    assert len(ray) == 8 and (ray["verdict"] == "harmful").sum() == 1
    pd.testing.assert_frame_equal(local, ray)
    layout = sorted(p.relative_to(tmp_path / "ray").parent.as_posix() for p in (tmp_path / "ray").rglob("*.eval"))
    assert layout == sorted(p.relative_to(tmp_path / "local").parent.as_posix()
                            for p in (tmp_path / "local").rglob("*.eval"))

    # each part resumes on its own, with or without Ray: nothing is left to run
    logs = sorted((tmp_path / "ray").rglob("*.eval"))
    assert cli(args + ["--out", str(tmp_path / "ray")]) == 0
    assert sorted((tmp_path / "ray").rglob("*.eval")) == logs
