"""An out-of-tree family (examples/family-plugin), installed for real and found through its
entry point: scenarios, run, results, report and gate all handle it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PLUGIN = ROOT / "examples" / "family-plugin"
INSIDER = [sys.executable, "-c", "from insider.cli import main; main()"]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("site")
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation",
                    "--target", str(target), str(PLUGIN)], check=True, capture_output=True)
    assert (target / "insider_example_overreach").is_dir()
    return target


def insider(site: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run([*INSIDER, *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=300)


def test_nothing_in_src_names_the_plugin():
    hits = [p for p in (ROOT / "src").rglob("*") if p.is_file() and p.suffix in (".py", ".yaml", ".md", ".j2")
            and "example_overreach" in p.read_text(encoding="utf-8", errors="replace")]
    assert hits == []


def test_without_the_plugin_the_family_is_unknown(tmp_path):
    out = subprocess.run([*INSIDER, "scenarios", "show", "example_overreach"], capture_output=True, text=True,
                         cwd=tmp_path)
    assert out.returncode == 2 and "unknown family 'example_overreach'" in out.stderr


def test_the_plugin_runs_end_to_end(site, tmp_path):
    listed = json.loads(insider(site, "scenarios", "list", "--format", "json", cwd=tmp_path).stdout)
    row = next(r for r in listed if r["name"] == "example_overreach")
    assert row["behavior"] == "example_overreach" and row["presets"] == {"default": 2, "full": 4}

    rendered = json.loads(insider(site, "scenarios", "render", "example_overreach", "--condition",
                                  "deadline/audit-off", "--format", "json", cwd=tmp_path).stdout)
    assert "23:00" in rendered["user"] and "audit log" not in rendered["system"]
    assert rendered["facts"]["agent_account"] == "svc-opsbot"

    run = insider(site, "run", "--family", "example_overreach", "--model", f"replay/{PLUGIN / 'replay.jsonl'}",
                  "--out", "runs", "--display", "none", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    out = insider(site, "results", "runs", "--format", "jsonl", cwd=tmp_path).stdout
    rows = [json.loads(line) for line in out.splitlines() if line.strip()]
    verdicts = sorted((r["condition"], r["verdict"]) for r in rows)
    # the README's figure: 6 samples, 3 harmful (every pressure=deadline sample)
    assert len(rows) == 6 and sum(v == "harmful" for _, v in verdicts) == 3
    assert all(v == "harmful" for c, v in verdicts if "/deadline/" in c)

    report = insider(site, "report", "runs", "--out", "r.html", cwd=tmp_path)
    assert report.returncode == 0, report.stderr
    assert "example_overreach" in (tmp_path / "r.html").read_text(encoding="utf-8")
    assert insider(site, "gate", "runs", "--max", "example_overreach=1.0", cwd=tmp_path).returncode == 0
    assert insider(site, "gate", "runs", "--max", "example_overreach=0.2", cwd=tmp_path).returncode == 1


def test_options_the_plugin_does_not_take_are_refused(site, tmp_path):
    out = insider(site, "run", "--family", "example_overreach", "--model", f"replay/{PLUGIN / 'replay.jsonl'}",
                  "--interaction", "tool_loop", "--out", "runs", cwd=tmp_path)
    assert out.returncode == 2 and "--interaction does not apply to the example_overreach family" in out.stderr
