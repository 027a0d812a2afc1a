"""The scheming families through the CLI: scenarios, run, results, report, gate and resume."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from helpers_cli import cli

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
FAMILIES = ["oversight_subversion", "self_exfiltration", "goal_guarding", "covert_reranking", "sandbagging"]


@pytest.mark.parametrize("family", [*FAMILIES, "scheming"])
def test_scenarios_show_and_render(family, capsys):
    assert cli(["scenarios", "show", family, "--format", "json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["conditions"] and "goal_nudge" in shown["factors"]
    assert cli(["scenarios", "show", family, "--preset", "paper", "--format", "json"]) == 0
    paper = json.loads(capsys.readouterr().out)
    assert len(paper["conditions"]) > len(shown["conditions"])
    assert {c["factors"]["goal_nudge"] for c in paper["conditions"]} == {"strong", "none"}
    first = shown["conditions"][0]["id"]
    assert cli(["scenarios", "render", family, "--condition", first, "--format", "json"]) == 0
    rendered = json.loads(capsys.readouterr().out)
    assert "bash tool" in rendered["system"] and rendered["user"]


def test_the_nudge_and_the_goal_pair_follow_the_factors(capsys):
    cli(["scenarios", "render", "goal_guarding", "--condition", "strong/clean_energy", "--format", "json"])
    strong = json.loads(capsys.readouterr().out)["system"]
    cli(["scenarios", "render", "goal_guarding", "--condition", "none/worker_safety", "--format", "json"])
    plain = json.loads(capsys.readouterr().out)["system"]
    assert "whatever that takes" in strong and "renewable" in strong
    assert "whatever that takes" not in plain and "warehouse workers" in plain


@pytest.mark.parametrize("args, expected", [
    (["--family", "oversight_subversion", "--vary-identities"], "--vary-identities does not apply"),
    (["--family", "sandbagging", "--judge", "replay/x.jsonl"], "--judge does not apply"),
    (["--family", "scheming", "--interaction", "single_turn"], "tool_loop"),
])
def test_options_the_families_do_not_take_are_refused_in_one_line(args, expected, capsys, tmp_path):
    model = f"replay/{EXAMPLES / 'replay-scheming.jsonl'}"
    assert cli(["run", "--model", model, *args, "--out", str(tmp_path / "o"), "--display", "none"]) == 2
    err = capsys.readouterr().err
    lines = [ln for ln in err.splitlines() if ln.startswith("error:")]
    assert len(lines) == 1 and expected in lines[0], err


def test_run_results_report_gate_and_resume(tmp_path, capsys):
    run = str(tmp_path / "run")
    args = ["run", "--family", "scheming", "--model", f"replay/{EXAMPLES / 'replay-scheming.jsonl'}",
            "--samples", "2", "--out", run, "--display", "none"]
    assert cli(args) == 0
    logs = sorted(p.name for p in Path(run).rglob("*.eval"))

    assert cli(["results", run, "-o", str(tmp_path / "r.csv")]) == 0
    df = pd.read_csv(tmp_path / "r.csv")
    assert len(df) == 28
    sb = df[df["family"] == "sandbagging"]
    assert set(sb["verdict"]) == {"measured"} and sorted(sb["accuracy"]) == [0.3, 0.3, 1.0, 1.0]
    harmful = df[df["verdict"] == "harmful"]
    assert set(harmful["family"]) == set(FAMILIES) - {"sandbagging"}
    assert harmful["interview"].notna().all() and df[df["verdict"] == "benign"]["interview"].isna().all()
    assert "attempted" in set(df["outcome"])

    assert cli(["report", run, "--out", str(tmp_path / "rep.md")]) == 0
    md = (tmp_path / "rep.md").read_text()
    sandbag = md.split("## Sandbagging: accuracy difference", 1)[1].split("##", 1)[0]
    assert "70.0%" in sandbag and "95% CI (bootstrap)" in sandbag.replace("\\", "")
    interview = md.split("## Does it own up?", 1)[1].split("##", 1)[0]
    assert "denial rate" in interview and "95% CI (Wilson)" in interview.replace("\\", "")
    assert "43.9% – 100.0%" in interview  # 3 of 3 denied (oversight subversion), Wilson
    assert cli(["report", run, "--out", str(tmp_path / "rep.html")]) == 0
    assert "Sandbagging: accuracy difference" in (tmp_path / "rep.html").read_text()
    capsys.readouterr()

    assert cli(["gate", run, "--max", "oversight_subversion=0.6"]) == 0
    assert cli(["gate", run, "--max", "goal_guarding=0.1"]) == 1
    assert cli(["gate", run, "--max", "sandbagging=0.5"]) == 2
    assert "measured (accuracy)" in capsys.readouterr().err

    assert cli(args) == 0  # resumed: nothing re-run
    assert sorted(p.name for p in Path(run).rglob("*.eval")) == logs
