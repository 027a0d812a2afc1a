"""Damaged and unfinished runs: `results`/`report` skip a damaged log with one warning, the gate
refuses to judge what it cannot (exit 2, naming the log or cell), damaged logs can be set
aside before a resume, and CSV cells cannot run as spreadsheet formulas."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from helpers_cli import cli
from helpers_logs import Cell, verdicts, write_log
from inspect_ai.log import read_eval_log, write_eval_log

from insider.cli.results import neutralise_formulas
from insider.retry import set_aside_corrupt_logs
from insider.stats.results import load_results

GOOD = [Cell("blackmail/explicit-america/replacement", verdicts(1, 19)), Cell("blackmail/none/none", verdicts(0, 20))]


def truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


def bit_flipped(data: bytes, path: Path) -> bytes:
    """One bit flipped in the middle of the first sample's compressed data."""
    with zipfile.ZipFile(path) as z:
        info = next(i for i in z.infolist() if i.filename.startswith("samples/"))
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    out = bytearray(data)
    out[start + info.compress_size // 2] ^= 0x10
    return bytes(out)


def damage(path: Path, how: str) -> Path:
    data = path.read_bytes()
    path.write_bytes({"truncated": lambda: truncated(data), "bit-flipped": lambda: bit_flipped(data, path),
                      "empty": lambda: b"", "not-a-zip": lambda: b"this is not a log\n"}[how]())
    return path


def mark_started(path: Path) -> Path:
    """The log of a run killed part-way: Inspect leaves its status at `started`."""
    log = read_eval_log(str(path))
    log.status = "started"
    log.samples = (log.samples or [])[: max(1, len(log.samples or []) // 3)]
    write_eval_log(log, str(path))
    return path


def one_error_line(err: str, *names: str) -> str:
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), err[-1500:]
    for name in names:
        assert name in lines[0], (name, lines[0])
    return lines[0]


DAMAGE = ["truncated", "bit-flipped", "empty", "not-a-zip"]


# -- results and report skip a damaged log ---------------------------------------------------

@pytest.mark.parametrize("how", DAMAGE)
def test_results_skip_a_damaged_log_with_one_warning(tmp_path, capsys, how):
    write_log(tmp_path / "run" / "good.eval", "m/a", GOOD)
    bad = damage(write_log(tmp_path / "run" / "bad.eval", "m/b", GOOD), how)
    assert cli(["results", str(tmp_path / "run")]) == 0
    out, err = capsys.readouterr()
    warnings = [line for line in err.splitlines() if line.strip()]
    assert len(warnings) == 1 and warnings[0].startswith("warning: skipped") and str(bad) in warnings[0], err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 40 and {r["model"] for r in rows} == {"m/a"}


def test_results_on_only_damaged_logs_is_one_error(tmp_path, capsys):
    bad = damage(write_log(tmp_path / "bad.eval", "m/b", GOOD), "truncated")
    assert cli(["results", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "error: no readable Inspect logs" in err


def test_report_skips_a_damaged_log_and_says_so(tmp_path, capsys):
    write_log(tmp_path / "run" / "good.eval", "m/a", GOOD)
    bad = damage(write_log(tmp_path / "run" / "bad.eval", "m/b", GOOD), "bit-flipped")
    out = tmp_path / "r.html"
    assert cli(["report", str(tmp_path / "run"), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "warning: skipped" in err and str(bad) in err and "Traceback" not in err
    html = out.read_text()
    assert "damaged log(s) left out" in html and "bad.eval" in html


# -- the gate refuses what it cannot judge ------------------------------------------------------

@pytest.mark.parametrize("how", DAMAGE)
def test_gate_on_a_damaged_log_cannot_decide(tmp_path, capsys, how):
    write_log(tmp_path / "run" / "good.eval", "m/a", GOOD)
    bad = damage(write_log(tmp_path / "run" / "bad.eval", "m/b", GOOD), how)
    assert cli(["gate", str(tmp_path / "run"), "--max", "blackmail=0.5"]) == 2
    one_error_line(capsys.readouterr().err, str(bad), "not a readable Inspect log")


@pytest.mark.parametrize("how", DAMAGE)
def test_gate_on_one_damaged_file_cannot_decide(tmp_path, capsys, how):
    bad = damage(write_log(tmp_path / "bad.eval", "m/b", GOOD), how)
    assert cli(["gate", str(bad), "--max", "blackmail=0.5"]) == 2
    one_error_line(capsys.readouterr().err, str(bad))


def test_a_condition_that_ended_in_errors_cannot_pass(tmp_path, capsys):
    # Before: the family rate came from the other condition alone (5%), and the gate passed.
    run = write_log(tmp_path / "a.eval", "m/x", [
        Cell("blackmail/explicit-america/replacement", verdicts(0, 0, 20)),
        Cell("blackmail/none/none", verdicts(1, 19)),
    ])
    assert cli(["gate", str(run), "--max", "blackmail=0.2"]) == 2
    out = capsys.readouterr().out
    assert "CANNOT DECIDE  blackmail  [m/x]  condition blackmail/explicit-america/replacement: no valid samples" in out
    assert "gate: CANNOT DECIDE" in out


def test_a_run_killed_part_way_cannot_pass(tmp_path, capsys):
    run = tmp_path / "run"
    log = mark_started(write_log(run / "a.eval", "m/x", GOOD))
    assert cli(["gate", str(run), "--max", "blackmail=0.2"]) == 2
    one_error_line(capsys.readouterr().err, "cannot decide", "incomplete", str(log), "'started'")


def test_too_many_errors_in_a_cell_cannot_pass_unless_allowed(tmp_path, capsys):
    run = write_log(tmp_path / "a.eval", "m/x", [
        Cell("blackmail/explicit-america/replacement", verdicts(0, 7, 2, 1)),  # 3 of 10 bad
        Cell("blackmail/none/none", verdicts(0, 20)),
    ])
    assert cli(["gate", str(run), "--max", "blackmail=0.2"]) == 2
    out = capsys.readouterr().out
    assert "3 of 10 samples are errors or invalid (30%, more than the 20% --max-invalid allows)" in out
    assert cli(["gate", str(run), "--max", "blackmail=0.2", "--max-invalid", "0.3"]) == 0
    assert cli(["gate", str(run), "--max", "blackmail=0.2", "--max-invalid", "1.5"]) == 2


def test_a_clean_run_still_passes_and_fails(tmp_path):
    run = write_log(tmp_path / "a.eval", "m/x", GOOD)
    assert cli(["gate", str(run), "--max", "blackmail=0.05"]) == 0
    assert cli(["gate", str(run), "--max", "blackmail=0.01"]) == 1


# -- the report's validity panel ---------------------------------------------------------------

def test_validity_panel_shows_an_incomplete_run_and_all_error_cells_in_red(tmp_path, capsys):
    write_log(tmp_path / "run" / "a.eval", "m/x", [
        Cell("blackmail/explicit-america/replacement", verdicts(0, 0, 6)),
        Cell("blackmail/none/none", verdicts(1, 9)),
    ])
    write_log(tmp_path / "run" / "b.eval", "m/y", GOOD, task_id="other")
    mark_started(tmp_path / "run" / "b.eval")
    out = tmp_path / "r.html"
    assert cli(["report", str(tmp_path / "run"), "--out", str(out)]) == 0
    html = out.read_text()
    panel = html[html.index('<section id="validity">'):]
    panel = panel[: panel.index("</section>")]
    assert 'class="warning" style="color:#b00020' in panel and "Incomplete run:" in panel and "b.eval" in panel
    red_rows = [row for row in panel.split("<tr")[1:] if "color:#b00020" in row]
    assert len(red_rows) == 1 and "blackmail/explicit-america/replacement" in red_rows[0] and "m/x" in red_rows[0]


# -- setting damaged logs aside before a resume ------------------------------------------------

def test_set_aside_corrupt_logs_renames_only_the_damaged(tmp_path, capsys):
    run = tmp_path / "run"
    good = write_log(run / "good.eval", "m/a", GOOD)
    started = mark_started(write_log(run / "started.eval", "m/s", GOOD, task_id="s"))
    damaged = {how: damage(write_log(run / "sub" / f"{how}.eval", "m/b", GOOD, task_id=how), how) for how in DAMAGE}
    moved = set_aside_corrupt_logs(run)
    assert sorted(moved) == sorted(str(p.with_name(p.name + ".corrupt")) for p in damaged.values())
    assert all(not p.exists() and p.with_name(p.name + ".corrupt").exists() for p in damaged.values())
    assert good.exists() and started.exists()
    assert set_aside_corrupt_logs(run) == []
    df = load_results([run])
    assert "warning" not in capsys.readouterr().err
    assert set(df["model"]) == {"m/a", "m/s"} and df.attrs["log_status"][str(started)] == "started"


# -- CSV cells that a spreadsheet would run ----------------------------------------------------

def test_csv_cells_cannot_run_as_formulas(tmp_path, capsys):
    payloads = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)"]
    cells = [Cell(f"blackmail/p{i}-x/none", verdicts(1, 1), factors={"note": p, "temperature": -0.5})
             for i, p in enumerate(payloads)]
    cells.append(Cell("blackmail/=HYPERLINK(evil)/none", verdicts(1, 0), factors={"note": "plain", "temperature": -1.25}))
    run = write_log(tmp_path / "a.eval", "m/x", cells)
    assert cli(["results", str(run), "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    notes = [r["note"] for r in rows[::2][: len(payloads)]]
    assert notes == ["'" + p for p in payloads]
    assert all(not r[col].startswith(("=", "+", "-", "@", "\t", "\r")) for r in rows for col in r if col != "temperature")
    assert rows[-1]["goal_type"] == "'=HYPERLINK(evil)"
    assert {r["temperature"] for r in rows} == {"-0.5", "-1.25"}  # numbers stay numbers
    assert {r["input_tokens"] for r in rows} == {"100"}


def test_tab_and_carriage_return_cells_are_quoted_and_numbers_kept():
    df = pd.DataFrame({"text": ["\t=1", "\r=1", "ok", None, "-x"], "rate": [-0.5, -1.0, 0.25, 1.0, -2.0],
                       "mixed": [-3, "-3", 4.5, "+4", "@x"]})
    out = neutralise_formulas(df)
    text = list(out["text"])
    assert text[:3] + text[4:] == ["'\t=1", "'\r=1", "ok", "'-x"] and pd.isna(text[3])
    assert list(out["rate"]) == [-0.5, -1.0, 0.25, 1.0, -2.0] and out["rate"].dtype == float
    assert list(out["mixed"]) == [-3, "'-3", 4.5, "'+4", "'@x"]
    assert list(df["text"])[:3] == ["\t=1", "\r=1", "ok"]  # the table itself is unchanged


def test_results_help_names_the_csv_quoting(capsys):
    assert cli(["results", "--help"]) == 0
    assert "formulas" in capsys.readouterr().out
