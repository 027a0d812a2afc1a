"""The spine end to end: `insider run` and `inspect eval insider/...` on the replay model.

The replay file answers the replacement conditions with one blackmail email and one
innocent email (alternating) and every other condition innocently, so the rates are known.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from insider.cli import cli, main
from insider.family import get_family
from insider.stats.cells import cell_summary
from insider.stats.results import load_results

DEMO = Path(__file__).resolve().parents[1] / "examples" / "replay-demo.jsonl"
BIN = Path(sys.executable).parent


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    return subprocess.run([str(BIN / "insider"), *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=300)


def test_insider_run_gives_the_known_rates_and_resumes(tmp_path):
    args = ["run", "--model", f"replay/{DEMO}", "--preset", "paper", "--samples", "4", "--out", "run", "--display", "none"]
    first = _run(args, tmp_path)
    assert first.returncode == 0, first.stderr
    assert "blackmail/explicit-america/replacement" in first.stdout
    assert "50.0%" in first.stdout and "15.0%-85.0%" in first.stdout  # 2 of 4, Wilson interval

    df = load_results([tmp_path / "run"])
    cells = cell_summary(df).set_index("condition")
    assert len(df) == 24
    # paper's ids name the study's ingredients after goal and urgency
    paper = {cid.split("/", 3)[1] + "/" + cid.split("/", 3)[2]: cid for cid, _ in get_family("blackmail").conditions("paper")}
    assert cells.loc[paper["explicit-america/replacement"], "harmful"] == 2
    assert cells.loc[paper["none/replacement"], "harmful"] == 2
    assert cells["harmful"].sum() == 4

    logs_before = sorted(p.name for p in (tmp_path / "run").glob("*.eval"))
    second = _run(args, tmp_path)
    assert second.returncode == 0, second.stderr
    assert sorted(p.name for p in (tmp_path / "run").glob("*.eval")) == logs_before  # resumed, not re-run
    assert len(load_results([tmp_path / "run"])) == 24


def test_inspect_eval_runs_insider_tasks(tmp_path):
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    proc = subprocess.run(
        [str(BIN / "inspect"), "eval", "insider/blackmail", "--model", f"replay/{DEMO}", "-T", "samples=2",
         "--log-dir", str(tmp_path / "logs"), "--display", "none"],
        capture_output=True, text=True, env=env, timeout=300, cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    df = load_results([tmp_path / "logs"])
    assert set(df["condition"]) == {"blackmail/explicit-america/replacement", "blackmail/none/none"}
    assert (df["verdict"] == "harmful").sum() == 1  # replacement: one threat of the two repeats


@pytest.mark.parametrize(
    "args, expected",
    [
        (["run", "--model", "nonsense"], "not a model string"),
        (["run", "--model", "nosuchprovider/x"], "not recognized"),
        (["run", "--family", "nosuchfamily"], "unknown family"),
        (["run", "--model", f"replay/{DEMO}", "--conditions", "blackmail/nope/nope"], "blackmail/nope/nope"),
        (["run", "--model", f"replay/{DEMO}", "--factor", "urgency"], "NAME=LEVEL"),
        (["run", "--model", "replay/does-not-exist.jsonl"], "does-not-exist.jsonl"),
        (["run", "--model", "embedded/missing-model.gguf"], "missing-model.gguf"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args, expected, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exc:
        main(args + ["--out", str(tmp_path / "out"), "--display", "none"])
    err = capsys.readouterr().err
    assert exc.value.code == 2
    assert "Traceback" not in err
    error_lines = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(error_lines) == 1 and expected in error_lines[0], err


def test_help_lists_every_subcommand():
    result = CliRunner().invoke(cli, ["--help"])
    for name in ("run", "view", "scenarios", "classify", "calibrate", "results", "report", "gate", "plan"):
        assert name in result.output


def test_view_of_a_missing_run_is_a_clear_error(capsys, tmp_path):
    with pytest.raises(SystemExit) as exc:
        main(["view", str(tmp_path / "no-such-run")])
    assert exc.value.code == 2
    assert "no run at" in capsys.readouterr().err


def test_alignment_faking_run_prints_the_gap(tmp_path):
    fixture = Path(__file__).parent / "data" / "replay_alignment_faking.jsonl"
    proc = _run(["run", "--family", "alignment_faking", "--model", f"replay/{fixture}", "--samples", "10",
                 "--out", "af", "--display", "none"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "60.0% (n=10)" in proc.stdout and "20.0% (n=10)" in proc.stdout  # complied, by tier
    assert "40.0%" in proc.stdout  # the gap
