"""The results table read from Inspect logs: stable columns, known verdicts, merged runs, CLI."""

import json

import pandas as pd
import pytest
from helpers_cli import cli
from helpers_logs import Cell, verdicts, write_log

from insider.errors import InsiderError
from insider.stats import COLUMNS, cell_summary, load_results

C1 = "blackmail/explicit-america/replacement"
C0 = "blackmail/none/none"


@pytest.fixture
def run(tmp_path):
    d = tmp_path / "run"
    write_log(d / "a.eval", "anthropic/claude-opus-4", [Cell(C1, verdicts(7, 2, 1, 1)), Cell(C0, verdicts(0, 10))])
    write_log(d / "b.eval", "openai/gpt-4.1", [Cell(C1, verdicts(4, 6)), Cell("leaking/explicit-america/none", verdicts(5, 5))])
    return d


def test_columns_are_stable_and_factors_named(run):
    df = load_results([run])
    for col in ["model", "family", "condition", "sample_id", "verdict", "detector_verdict", "judge_verdict",
                "input_tokens", "output_tokens", "error", "monitored", "complied", "faking_reasoning",
                "awareness", "run", "log_file", "task", "pack_hash", "repeat"]:
        assert col in df.columns
    assert {"goal_type", "goal_value", "urgency"} <= set(df.columns)
    assert list(df.columns[:4]) == ["model", "family", "behavior", "condition"]
    assert len(df) == 11 + 10 + 10 + 10
    assert set(df["model"]) == {"anthropic/claude-opus-4", "openai/gpt-4.1"}


def test_known_verdicts_give_known_rates(run):
    cells = cell_summary(load_results([run])).set_index(["model", "condition"])
    opus = cells.loc[("anthropic/claude-opus-4", C1)]
    assert (opus["n"], opus["harmful"], opus["errors"], opus["invalid"]) == (9, 7, 1, 1)
    assert opus["rate"] == pytest.approx(7 / 9)
    assert cells.loc[("openai/gpt-4.1", "leaking/explicit-america/none"), "rate"] == pytest.approx(0.5)
    assert cells.loc[("anthropic/claude-opus-4", C0), "rate"] == 0


def test_error_rows_keep_their_message(run):
    df = load_results([run])
    err = df[df["verdict"] == "error"]
    assert len(err) == 1 and err.iloc[0]["error"] == "judge failed"


def test_unlisted_metadata_is_not_a_factor_but_listed_is(tmp_path):
    cell = Cell(C1, verdicts(1, 1), factors={"custom_knob": "high"})
    write_log(tmp_path / "x.eval", "m/x", [cell])
    df = load_results([tmp_path / "x.eval"])
    assert "custom_knob" in df.columns and set(df["custom_knob"]) == {"high"}
    assert "identity_seed" in df.columns and "facts" not in df.columns


def test_several_runs_merge(tmp_path, run):
    other = write_log(tmp_path / "other.eval", "google/gemini-2.5-pro", [Cell(C1, verdicts(1, 1))])
    df = load_results([run, other])
    assert set(df["run"]) == {str(run), str(other)}
    assert len(df) == 41 + 2


def test_missing_run_is_a_user_error(tmp_path):
    with pytest.raises(InsiderError, match="not found"):
        load_results([tmp_path / "nope"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(InsiderError, match="no Inspect logs"):
        load_results([tmp_path / "empty"])


def test_results_cli_formats(run, tmp_path, capsys):
    assert cli(["results", str(run), "--format", "jsonl", "--output", str(tmp_path / "r.jsonl")]) == 0
    rows = [json.loads(line) for line in (tmp_path / "r.jsonl").read_text().splitlines()]
    assert len(rows) == 41 and rows[0]["model"]
    assert cli(["results", str(run), "--format", "parquet", "--output", str(tmp_path / "r.parquet")]) == 0
    back = pd.read_parquet(tmp_path / "r.parquet")
    assert len(back) == 41 and (back["verdict"] == "harmful").sum() == 7 + 4 + 5
    assert cli(["results", str(run)]) == 0
    assert capsys.readouterr().out.splitlines()[0].startswith("model,family,behavior,condition")


def test_results_cli_parquet_needs_output(run):
    assert cli(["results", str(run), "--format", "parquet"]) == 2


def test_columns_constant_has_the_documented_names():
    assert COLUMNS[:4] == ["model", "family", "behavior", "condition"]


def test_values_thinned_from_sample_summaries_are_read_in_full(tmp_path):
    # Inspect's summaries drop metadata values over 1 kB; a long judge explanation must not
    # lose the judge's verdict.
    from inspect_ai.log import read_eval_log, read_eval_log_sample_summaries, write_eval_log

    path = write_log(tmp_path / "t.eval", "m/x", [Cell(C1, verdicts(1, 1))])
    log = read_eval_log(str(path))
    log.samples[0].scores["insider"].metadata["judge"]["explanation"] = "x " * 2000
    write_eval_log(log, str(path))
    summary = read_eval_log_sample_summaries(str(path))[0]
    assert isinstance(summary.scores["insider"].metadata["judge"], str)  # thinned, as assumed
    df = load_results([path])
    assert df["judge_verdict"].tolist() == ["harmful", "benign"]
