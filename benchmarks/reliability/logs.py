"""What a run directory holds, read the hard way: every log file in full, every sample.

A file that does not read is a corrupt log; the samples counted are those of the logs the
results table uses (the newest per task), so "present exactly once" means what a user sees.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.reliability.answers import answer_for, prompt_key


@dataclass
class RunContents:
    verdicts: dict[str, str] = field(default_factory=dict)  # sample id -> verdict
    keys: dict[str, str] = field(default_factory=dict)  # sample id -> prompt key
    counts: Counter = field(default_factory=Counter)  # sample id -> rows in the table
    corrupt: list[str] = field(default_factory=list)  # files that do not read, or unfinished
    stale: list[str] = field(default_factory=list)  # unfinished attempts left beside the result
    mismatched_output: list[str] = field(default_factory=list)  # non-error with a wrong answer
    errors_not_error: list[str] = field(default_factory=list)  # Inspect error, verdict not error
    model_retries: int = 0  # provider calls Inspect retried (ModelEvent.retries)
    sample_retries: int = 0  # samples re-run after an error (retry_on_error)


def _user_text(sample) -> str:
    for m in sample.input if isinstance(sample.input, list) else []:
        if m.role == "user":
            return m.text
    return sample.input if isinstance(sample.input, str) else ""


def read_run(out: str | Path) -> RunContents:
    from inspect_ai.log import list_eval_logs, read_eval_log

    from insider.stats.results import SCORE_NAME, find_logs, load_results

    got = RunContents()
    latest = {str(p) for p in find_logs(out)}
    for info in list_eval_logs(str(out), recursive=True):
        name = info.name.removeprefix("file://")
        try:
            log = read_eval_log(name)
        except Exception as e:  # any failure to read is what we are looking for
            got.corrupt.append(f"{name}: {type(e).__name__}: {e}")
            continue
        if name not in latest:  # a superseded attempt: it must read, and not be half-written
            if log.status != "success":
                got.stale.append(f"{name}: status {log.status}")
            continue
        if log.status != "success":
            got.corrupt.append(f"{name}: status {log.status}")
        for s in log.samples or []:
            sid, user = str(s.id), _user_text(s)
            got.keys[sid] = prompt_key(user)
            score = (s.scores or {}).get(SCORE_NAME)
            got.sample_retries += len(s.error_retries or [])
            got.model_retries += sum(e.retries or 0 for e in s.events if e.event == "model")
            if s.error is not None and score is not None and score.value != "error":
                got.errors_not_error.append(sid)
            if s.error is None and s.output.completion.strip() != answer_for(user).strip():
                got.mismatched_output.append(sid)
    df = load_results([out])
    for row in df.itertuples():
        got.counts[row.sample_id] += 1
        got.verdicts[row.sample_id] = row.verdict
    return got
