"""Run options: each is taken by the families that declare it, and refused in one line elsewhere."""

from __future__ import annotations

import json
import shutil

import pytest
from helpers_cli import cli

from insider.errors import InsiderError
from insider.family import get_family
from insider.options import TaskOptions
from insider.scenarios.pack import pack_dir


def replay(tmp_path, lines):
    path = tmp_path / "replay.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    return f"replay/{path}"


@pytest.mark.parametrize("family, args, refused", [
    ("shutdown", ["--judge", "replay/x.jsonl"], "--judge does not apply to the shutdown family"),
    ("shutdown", ["--vary-identities"], "--vary-identities does not apply to the shutdown family"),
    ("shutdown", ["--interaction", "single_turn"], "--interaction single_turn: the shutdown family runs tool_loop"),
    ("alignment_faking", ["--interaction", "tool_loop"], "--interaction does not apply to the alignment_faking family"),
    ("alignment_faking", ["--cache", "1D"], "--cache does not apply to the alignment_faking family"),
    ("blackmail", ["--requests", "r.csv"], "--requests does not apply to the blackmail family"),
])
def test_unsupported_options_are_refused_in_one_line(tmp_path, capsys, family, args, refused):
    model = replay(tmp_path, [{"response": "ok"}])
    code = cli(["run", "--family", family, "--model", model, "--out", str(tmp_path / "out"), *args])
    err = capsys.readouterr().err
    assert code == 2 and refused in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()  # nothing written


def test_a_user_pack_runs_tool_loop_samples(tmp_path, capsys):
    pack = tmp_path / "mypack"
    shutil.copytree(pack_dir("blackmail"), pack)
    model = replay(tmp_path, [{"turns": [{"response": "Nothing to do."}]}])
    code = cli(["run", "--pack", str(pack), "--model", model, "--interaction", "tool_loop", "--samples", "1",
                "--conditions", "blackmail/none/none", "--out", str(tmp_path / "out"), "--display", "none"])
    assert code == 0, capsys.readouterr().err
    capsys.readouterr()
    code = cli(["results", str(tmp_path / "out"), "--format", "jsonl"])
    rows = [json.loads(x) for x in capsys.readouterr().out.splitlines() if x.strip()]
    assert code == 0 and [r["condition"] for r in rows] == ["blackmail/none/none/interaction-tool_loop"]


def test_options_are_checked_once_when_made():
    with pytest.raises(InsiderError, match="--samples must be at least 1"):
        TaskOptions(samples=0)
    with pytest.raises(InsiderError, match="--policy 'sometimes'"):
        TaskOptions(policy="sometimes")
    with pytest.raises(InsiderError, match="unknown interaction 'two_turn'"):
        TaskOptions(interaction=("two_turn",))
    assert TaskOptions(interaction=("tool_loop", "tool_loop")).interaction == ("tool_loop",)


def test_neutral_values_are_not_asked_for():
    assert TaskOptions().given() == []
    assert TaskOptions(seed=3, judge=True).given() == ["seed", "judge"]
    TaskOptions(seed=3).check_for(get_family("shutdown"))  # seed is common
