"""The results table: one row per sample, read from a run's Inspect logs.

Scripts rely on the column names (`COLUMNS`); keep them stable. Samples are read per log
file so memory grows with the table, not with the transcripts. A damaged log (truncated,
flipped bits, empty, not a zip) is checked before its rows are used: it is skipped with a
one-line warning, or refused in strict mode (the release gate).
"""

from __future__ import annotations

import sys
import zipfile
from collections.abc import Callable, Iterable, Iterator
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


def find_logs(run: str | Path, *, strict: bool = False, on_skip: Callable[[Path, str], None] | None = None) -> list[Path]:
    """The `.eval`/`.json` logs of a run: a log file, or a log directory (searched recursively).

    A log whose header cannot be read (truncated, empty, not a log) is reported to `on_skip`
    (default: a warning on stderr) and left out; with `strict` it raises an InsiderError.
    """
    from insider.storage import local_mirror

    path = Path(local_mirror(run))  # a remote run (s3://...) is read from a local mirror
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise InsiderError(f"run not found: {run} (give a log directory or a .eval file)")
    infos = list_eval_logs(str(path), recursive=True, descending=False)
    files = [Path(_local(info.name)) for info in infos]
    if not files:
        raise InsiderError(f"no Inspect logs (.eval) in {run}")
    found = _latest_per_task(files, strict, on_skip or warn_skipped)
    if not found:
        raise InsiderError(f"no readable Inspect logs in {run}: every log there is damaged")
    return found


def _local(name: str) -> str:
    return name[len("file://"):] if name.startswith("file://") else name


def _latest_per_task(files: list[Path], strict: bool = False,
                     on_skip: Callable[[Path, str], None] | None = None) -> list[Path]:
    # An eval set that retried a task leaves the failed attempt beside the retry: keep one
    # log per task id, a finished one over an unfinished one, then the newest.
    best: dict[str, tuple[tuple[bool, str], Path]] = {}
    for f in files:
        try:
            head = read_eval_log(str(f), header_only=True)
        except Exception as e:
            _unreadable(f, _why_unreadable(f, e), strict, on_skip or warn_skipped)
            continue
        key = (head.status == "success", head.eval.created)
        prev = best.get(head.eval.task_id)
        if prev is None or key > prev[0]:
            best[head.eval.task_id] = (key, f)
    return sorted(p for _, p in best.values())


def log_problem(path: str | Path, verify: bool = True) -> str | None:
    """Why a log file cannot be read (truncated, damaged, empty, not a log), or None.

    With `verify`, every member of a `.eval` archive is decompressed and checked against its
    checksum, so a flipped bit in any sample is found, not only one in the header.
    """
    path = Path(path)
    try:
        if path.stat().st_size == 0:
            return "an empty file"
        if verify and path.suffix == ".eval":
            _zip_with_zstd()
            with zipfile.ZipFile(path) as archive:
                bad = archive.testzip()
            if bad is not None:
                return f"damaged: {_one_line(bad)} fails its checksum"
        read_eval_log(str(path), header_only=True)
    except Exception as e:
        return _why_unreadable(path, e)
    return None


def _zip_with_zstd() -> None:
    """Inspect writes .eval members with zstd, which `zipfile` reads from Python 3.14 on."""
    if sys.version_info < (3, 14):
        import zipfile_zstd  # noqa: F401  (teaches zipfile zstd; a dependency of inspect_ai)


def _why_unreadable(path: Path, e: BaseException) -> str:
    if isinstance(e, (zipfile.BadZipFile, EOFError)) or "EOCD" in str(e):
        return "truncated, damaged or not a zip archive"
    return f"damaged ({type(e).__name__}: {_one_line(e, 160)})"


def warn_skipped(path: Path, why: str) -> None:
    """The default for a log that cannot be read: one line on stderr, and go on without it."""
    sys.stderr.write(f"warning: skipped {_one_line(path, 300)}: not a readable Inspect log ({why}); "
                     "move it aside or delete it\n")


def _unreadable(path: Path, why: str, strict: bool, on_skip: Callable[[Path, str], None]) -> None:
    if strict:
        raise InsiderError(f"{_one_line(path, 300)}: not a readable Inspect log ({why}); the run cannot be "
                           "judged from it: re-run or resume it (`insider run` sets damaged logs aside)")
    on_skip(path, why)


def _one_line(text: object, limit: int | None = None) -> str:
    from insider.cli.terminal import one_line

    return one_line(text, limit)


def iter_rows(runs: Iterable[str | Path], *, strict: bool = False,
              on_skip: Callable[[Path, str], None] | None = None,
              statuses: dict[str, str] | None = None) -> Iterator[dict[str, Any]]:
    """The rows of every readable log; `statuses` collects each log's status (success, started...).

    A damaged log is checked whole before any of its rows is yielded, and then skipped with
    a warning (`on_skip`), or with `strict` refused with an InsiderError.
    """
    on_skip = on_skip or warn_skipped
    for run in runs:
        for log_file in find_logs(run, strict=strict, on_skip=on_skip):
            why = log_problem(log_file)
            rows: list[dict[str, Any]] = []
            if why is None:
                try:
                    header = read_eval_log(str(log_file), header_only=True)
                    rows = [sample_row(sample, header, run=str(run), log_file=str(log_file))
                            for sample in _samples(log_file, header)]
                except Exception as e:
                    why = _why_unreadable(log_file, e)
            if why is not None:
                _unreadable(log_file, why, strict, on_skip)
                continue
            if statuses is not None:
                statuses[str(log_file)] = header.status
            yield from rows


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


def load_results(runs: Iterable[str | Path], *, strict: bool = False,
                 on_skip: Callable[[Path, str], None] | None = None) -> pd.DataFrame:
    """One row per sample across all runs (directories of logs or single log files).

    A damaged log is skipped with a warning on stderr (`on_skip`); with `strict` (the gate)
    it raises an InsiderError instead. `df.attrs["log_status"]` maps each log read to its
    Inspect status (`success`, or `started`/`cancelled`/`error` for a run that did not
    finish); `df.attrs["skipped_logs"]` lists (file, why) for the logs left out.
    """
    runs = list(runs)
    if not runs:
        raise InsiderError("no run given: pass a log directory or a .eval file")
    statuses: dict[str, str] = {}
    skipped: list[tuple[str, str]] = []
    report = on_skip or warn_skipped

    def skip(path: Path, why: str) -> None:
        skipped.append((str(path), why))
        report(path, why)

    rows = list(iter_rows(runs, strict=strict, on_skip=skip, statuses=statuses))
    if not statuses and skipped:
        raise InsiderError(f"no readable Inspect logs in {_one_line(', '.join(map(str, runs)), 300)}: "
                           "every log given is damaged")
    df = pd.DataFrame(rows)
    if df.empty:
        df = pd.DataFrame(columns=COLUMNS)
        df.attrs.update(log_status=statuses, skipped_logs=skipped, factors=[])
        return df
    factor_cols = [c for c in df.columns if c not in COLUMNS]
    # Stable order: fixed columns first, factors after `condition`.
    at = COLUMNS.index("condition") + 1
    df = df[COLUMNS[:at] + sorted(factor_cols) + COLUMNS[at:]]
    df.attrs.update(factors=sorted(factor_cols), log_status=statuses, skipped_logs=skipped)
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
