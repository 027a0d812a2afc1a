"""The results table: one row per sample, read from a run's Inspect logs.

Scripts rely on the column names (`COLUMNS`); keep them stable. Samples are streamed per log
file so memory grows with the table, not with the transcripts.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
from inspect_ai.log import (
    EvalLog,
    list_eval_logs,
    read_eval_log,
    read_eval_log_sample,
    read_eval_log_sample_summaries,
    read_eval_log_samples,
)

from insider.errors import InsiderError

SCORE_NAME = "insider"
VERDICTS = ("harmful", "benign", "error", "invalid", "measured")

# Factors the built-in packs use; any other scalar key counts only if `factor_names` lists it.
KNOWN_FACTORS = (
    "goal_type", "goal_value", "urgency", "prohibitions", "awareness_notice", "scratchpad",
    "interaction", "monitored", "objective", "request_id",
)

COLUMNS = [
    "model", "family", "behavior", "condition", "sample_id", "epoch", "repeat", "sample_index",
    "verdict", "detector_verdict", "judge_verdict", "judge_model", "policy", "awareness", "engaged",
    "input_tokens", "output_tokens", "error", "monitored", "complied",
    "faking_motive", "faking_reasoning", "outcome", "accuracy", "interview", "identity_seed", "pack", "pack_hash", "preset", "prompts", "task", "run", "log_file",
]
# Metadata keys that are never factors (and factor names may not shadow table columns).
_NOT_FACTORS = set(COLUMNS) | {"facts", "factor_names", "pack", "sample_index"}


def find_logs(run: str | Path) -> list[Path]:
    """The `.eval`/`.json` logs of a run: a log file, or a log directory (searched recursively)."""
    path = Path(run)
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise InsiderError(f"run not found: {run} (give a log directory or a .eval file)")
    infos = list_eval_logs(str(path), recursive=True, descending=False)
    files = [Path(_local(info.name)) for info in infos]
    if not files:
        raise InsiderError(f"no Inspect logs (.eval) in {run}")
    return _latest_per_task(files)


def _local(name: str) -> str:
    return name[len("file://"):] if name.startswith("file://") else name


def _latest_per_task(files: list[Path]) -> list[Path]:
    # An eval set that retried a task leaves the failed attempt beside the retry: keep one
    # log per task id, a finished one over an unfinished one, then the newest.
    best: dict[str, tuple[tuple[bool, str], Path]] = {}
    for f in files:
        head = read_eval_log(str(f), header_only=True)
        key = (head.status == "success", head.eval.created)
        prev = best.get(head.eval.task_id)
        if prev is None or key > prev[0]:
            best[head.eval.task_id] = (key, f)
    return sorted(p for _, p in best.values())


def iter_rows(runs: Iterable[str | Path]) -> Iterator[dict[str, Any]]:
    for run in runs:
        for log_file in find_logs(run):
            header = read_eval_log(str(log_file), header_only=True)
            for sample in _samples(log_file, header):
                yield sample_row(sample, header, run=str(run), log_file=str(log_file))


# The table needs no transcript: leave the heavy fields on disk.
_HEAVY = {"events", "attachments", "store", "messages", "timelines", "events_data"}
# Inspect's sample summaries replace a metadata value over 1 kB with this text.
_THINNED = "Key removed from summary"


def _samples(log_file: Path, header: EvalLog) -> Iterator[Any]:
    """Each sample's id, epoch, metadata, scores, usage and error.

    The log's sample summaries hold all of that in one read; a sample whose summary lost a
    value we need (a long judge explanation, a large factor) is read in full instead.
    """
    try:
        summaries = read_eval_log_sample_summaries(str(log_file))
    except Exception:  # a log without summaries (old or hand-made): stream the samples
        summaries = None
    if summaries is None:
        if header.eval.dataset.sample_ids is None:
            yield from read_eval_log(str(log_file)).samples or []
        else:
            yield from read_eval_log_samples(str(log_file), all_samples_required=False, exclude_fields=_HEAVY)
        return
    for summary in summaries:
        if _thinned(summary):
            yield read_eval_log_sample(str(log_file), id=summary.id, epoch=summary.epoch, exclude_fields=_HEAVY)
        else:
            yield summary


def _thinned(summary: Any) -> bool:
    score = (summary.scores or {}).get(SCORE_NAME)
    values = list((summary.metadata or {}).values())
    if score is not None and score.metadata:
        values += [score.metadata.get(k) for k in ("detector", "judge", "error", "awareness")]
    return any(isinstance(v, str) and v.startswith(_THINNED) for v in values)


def load_results(runs: Iterable[str | Path]) -> pd.DataFrame:
    """One row per sample across all runs (directories of logs or single log files)."""
    runs = list(runs)
    if not runs:
        raise InsiderError("no run given: pass a log directory or a .eval file")
    rows = list(iter_rows(runs))
    df = pd.DataFrame(rows)
    if df.empty:
        return pd.DataFrame(columns=COLUMNS)
    factor_cols = [c for c in df.columns if c not in COLUMNS]
    # Stable order: fixed columns first, factors after `condition`.
    at = COLUMNS.index("condition") + 1
    df = df[COLUMNS[:at] + sorted(factor_cols) + COLUMNS[at:]]
    df.attrs["factors"] = sorted(factor_cols)
    return df


def factor_columns(df: pd.DataFrame) -> list[str]:
    """The factor columns of a results table (those that are not fixed columns)."""
    return [c for c in df.columns if c not in COLUMNS]


def sample_row(sample: Any, header: EvalLog, *, run: str, log_file: str) -> dict[str, Any]:
    md = sample.metadata or {}
    spec = header.eval
    score = (sample.scores or {}).get(SCORE_NAME)
    rec = (score.metadata or {}) if score is not None else {}
    judge = rec.get("judge") or {}
    detector = rec.get("detector") or {}
    usage = _usage(sample, spec.model)
    row: dict[str, Any] = {
        "model": spec.model,
        "family": md.get("family") or rec.get("behavior"),
        "behavior": md.get("behavior") or rec.get("behavior"),
        "condition": md.get("condition"),
        "sample_id": str(sample.id),
        "epoch": sample.epoch,
        "repeat": md.get("repeat"),
        "sample_index": md.get("sample_index"),
        "verdict": _verdict(score, sample),
        "detector_verdict": detector.get("verdict"),
        "judge_verdict": judge.get("verdict"),
        "judge_model": judge.get("model"),
        "policy": rec.get("policy"),
        "awareness": rec.get("awareness"),
        "engaged": rec.get("engaged"),
        "input_tokens": usage[0],
        "output_tokens": usage[1],
        "error": _error_text(rec, sample, score),
        "monitored": md.get("monitored", (md.get("facts") or {}).get("monitored")),
        "complied": rec.get("complied"),
        "faking_motive": rec.get("faking_motive"),
        "faking_reasoning": rec.get("faking_reasoning"),
        "outcome": rec.get("outcome"),  # scheming families: what happened (e.g. copied+deleted)
        "accuracy": rec.get("accuracy"),  # sandbagging: share of correct answers
        "interview": rec.get("interview"),  # scheming families: admitted / denied / deflected
        "identity_seed": md.get("identity_seed"),
        "pack": md.get("pack"),
        "pack_hash": md.get("pack_hash"),
        "preset": _preset(md, spec),
        # whose prompts the sample saw: "original" (the study's) or "ours" (a scenario pack)
        "prompts": md.get("prompts") or (spec.metadata or {}).get("insider_prompts") or "ours",
        "task": spec.task,
        "run": run,
        "log_file": log_file,
    }
    for name in _factor_names(md):
        value = md[name]
        row[f"factor_{name}" if name in _NOT_FACTORS else name] = value
    return row


def _factor_names(md: dict[str, Any]) -> list[str]:
    listed = md.get("factor_names") or []
    names = [k for k in KNOWN_FACTORS if k in md] + [k for k in listed if k in md]
    # Only scalars become columns; a list or dict cannot be a grid factor.
    return [k for k in dict.fromkeys(names) if k != "monitored" and _scalar(md[k])]


def _scalar(v: Any) -> bool:
    return v is None or isinstance(v, (str, int, float, bool))


def _verdict(score: Any, sample: Any) -> str:
    if score is None or sample.error:
        return "error"  # no verdict, or a failed sample, is an error, never benign
    value = score.value
    return value if value in VERDICTS else "error"


def _error_text(rec: dict[str, Any], sample: Any, score: Any) -> str | None:
    if rec.get("error"):
        return str(rec["error"])
    if sample.error:  # a summary's error is a str, a full sample's an EvalError
        return str(getattr(sample.error, "message", sample.error))
    if score is None:
        return f"no '{SCORE_NAME}' score"
    if score.value not in VERDICTS:
        return f"unknown verdict {score.value!r}"
    return None


def _usage(sample: Any, model: str) -> tuple[int | None, int | None]:
    # The judge's tokens are in model_usage too; count the model under test when we can.
    usage = sample.model_usage or {}
    if not usage:
        return None, None
    picked = [usage[model]] if model in usage else list(usage.values())
    return sum(u.input_tokens for u in picked), sum(u.output_tokens for u in picked)


def _preset(md: dict[str, Any], spec: Any) -> str | None:
    # The sample, the task's arguments, or the task metadata (`insider_preset`) may carry it.
    for source, key in ((md, "preset"), (spec.task_args or {}, "preset"), (spec.metadata or {}, "insider_preset"),
                        (spec.metadata or {}, "preset")):
        if source.get(key):
            return str(source[key])
    return None
