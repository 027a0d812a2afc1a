"""Fake API keys in the environment never reach a file a run writes (logs, results,
reports, Inspect's traces) nor any message printed, errors included."""

from __future__ import annotations

import gzip
import time
import zipfile
from pathlib import Path

from benchmarks.reliability.fuzz import invoke
from benchmarks.simulator import SimulatorConfig, run_simulator

KEYS = {
    "ANTHROPIC_API_KEY": "sk-ant-api03-FAKESECRETanthropic9f8e7d6c5b4a",
    "OPENAI_API_KEY": "sk-proj-FAKESECRETopenai1a2b3c4d5e6f",
    "GOOGLE_API_KEY": "AIzaFAKESECRETgoogle77665544",
    "OPENROUTER_API_KEY": "sk-or-v1-FAKESECREToprouter0099",
    "HF_TOKEN": "hf_FAKESECRETtoken31415926",
}
INSPECT_DATA = Path.home() / ".local" / "share" / "inspect_ai"


def _contents(path: Path) -> list[bytes]:
    """The bytes a reader would see: .eval logs are zips, traces may be gzipped."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as z:
            return [z.read(n) for n in z.namelist()]
    data = path.read_bytes()
    return [gzip.decompress(data)] if path.suffix == ".gz" else [data]


def test_no_key_in_any_file_or_message(tmp_path, monkeypatch):
    for name, value in KEYS.items():
        monkeypatch.setenv(name, value)
    start = time.time()
    run = tmp_path / "run"
    with run_simulator(SimulatorConfig(fault_rate=0.5, fault_kinds=("malformed",), seed=4)) as sim:
        monkeypatch.setenv("ANTHROPIC_BASE_URL", sim.base_url)
        monkeypatch.setenv("OPENAI_BASE_URL", sim.openai_base_url)
        printed = [
            invoke(["run", "--family", "blackmail", "--samples", "2", "--model", "anthropic/claude-sim",
                    "--out", str(run), "--display", "none"]),
            invoke(["results", str(run), "--format", "jsonl", "-o", str(tmp_path / "results.jsonl")]),
            invoke(["results", str(run), "-o", str(tmp_path / "results.csv")]),
            invoke(["report", str(run), "-o", str(tmp_path / "report.html")]),
            invoke(["report", str(run), "-o", str(tmp_path / "report.md")]),
            # error paths: a judge that cannot load, a provider that is not there
            invoke(["run", "--model", "anthropic/claude-sim", "--judge", "nosuch/judge", "--out", str(tmp_path / "x")]),
            invoke(["classify", "--input", str(tmp_path / "results.jsonl"), "--output", str(tmp_path / "v.jsonl"),
                    "--judge", "nosuch/judge"]),
        ]
    assert printed[0][0] == 0 and "errors" in printed[0][1]  # the run finished despite faults
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    written += [p for p in INSPECT_DATA.rglob("*") if p.is_file() and p.stat().st_mtime >= start - 1]
    assert any(p.suffix == ".eval" for p in written) and (tmp_path / "report.html").is_file()
    secrets = [v.encode() for v in KEYS.values()] + [v[-12:].encode() for v in KEYS.values()]
    for path in written:
        for blob in _contents(path):
            leaked = [s for s in secrets if s in blob]
            assert not leaked, f"{path} holds {leaked}"
    for _, out, err, tb in printed:
        assert not tb and not [s for s in secrets if s.decode() in out + err]
