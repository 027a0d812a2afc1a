"""`insider run --retry-errors`: re-run only the samples of a finished run that failed.

A finished run keeps its failed samples (provider errors that outlived the retries) as
`error`, so the same command does not re-run them: eval_set sees a successful log. This
hands each log that holds such samples to Inspect's `eval_retry`, which reuses every
sample without an error and re-runs the others into a new log in the same directory; the
results table keeps the newest log per task, so each sample still appears once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from insider.errors import InsiderError


def prune_crashed_attempts(out: str) -> list[str]:
    """Delete the logs of killed attempts that a finished log of the same task supersedes.

    Each restart after a crash writes a new log that reuses the finished samples, and leaves
    the crashed one (status `started`) behind: a half-written file that `inspect view` lists
    and that grows the folder by a copy of the run per crash. Returns the files removed.
    """
    from inspect_ai.log import list_eval_logs, read_eval_log

    heads = []
    for info in list_eval_logs(out, recursive=False):
        try:
            heads.append((info.name.removeprefix("file://"), read_eval_log(info.name, header_only=True)))
        except Exception:
            continue  # unreadable: leave it for a human to look at
    done = {}
    for _, h in heads:
        if h.status == "success":
            done[h.eval.task_id] = max(done.get(h.eval.task_id, ""), h.eval.created)
    removed = []
    for name, h in heads:
        if h.status == "started" and h.eval.created < done.get(h.eval.task_id, ""):
            from insider.storage import remove

            remove(name)  # a local file or an object in the log store
            removed.append(name)
    return removed


def set_aside_corrupt_logs(log_dir: str | Path) -> list[str]:
    """Rename each damaged `.eval` under `log_dir` to `<name>.corrupt`; return the new names.

    A log cut short by a killed process, with flipped bits, empty or not a zip at all cannot
    be resumed or read, and Inspect stops on it; set aside (not deleted) it stays there for a
    human to look at while the run resumes without it and re-runs its samples.
    """
    from insider.stats.results import log_problem

    moved = []
    root = Path(log_dir)
    if not root.is_dir():
        return moved
    for path in sorted(root.rglob("*.eval")):
        if not path.is_file() or path.is_symlink() or log_problem(path, verify=True) is None:
            continue
        target = path.with_name(path.name + ".corrupt")
        n = 1
        while target.exists():
            n += 1
            target = path.with_name(f"{path.name}.{n}.corrupt")
        path.rename(target)
        moved.append(str(target))
    return moved


def error_sample_ids(log_file: str) -> list[str]:
    """Ids of the samples Inspect recorded as failed in one log."""
    from inspect_ai.log import read_eval_log_sample_summaries

    return [str(s.id) for s in read_eval_log_sample_summaries(log_file) if s.error]


def retry_errors(out: str, *, display: str | None = None, max_connections: int | None = None,
                 batch: Any = None) -> tuple[bool, list[Any], str]:
    """Re-run the failed samples of the run in `out`; returns (success, logs, out)."""
    from inspect_ai import eval_retry
    from inspect_ai.log import read_eval_log

    import insider._registry  # noqa: F401  (our tasks and providers, which eval_retry rebuilds)
    from insider.stats.results import find_logs
    from insider.storage import is_dir

    if not is_dir(out):
        raise InsiderError(f"--retry-errors: no run in {out}; run it first (same --out)")
    to_retry: list[str] = []
    for log_file in find_logs(out):
        header = read_eval_log(str(log_file), header_only=True)
        if header.status != "success":
            raise InsiderError(
                f"--retry-errors: {log_file.name} is {header.status}, not finished; "
                "run the same command without --retry-errors to resume it first"
            )
        if error_sample_ids(str(log_file)):
            to_retry.append(str(log_file))
    if not to_retry:
        return True, [read_eval_log(str(f), header_only=True) for f in find_logs(out)], out
    kwargs: dict[str, Any] = {"max_connections": max_connections} if max_connections else {}
    if batch:
        kwargs["batch"] = batch
    logs = eval_retry(
        to_retry,
        log_dir=out,
        display=display,
        fail_on_error=False,  # a sample that fails again stays `error`, never benign
        retry_on_error=1,
        **kwargs,
    )
    return all(log.status == "success" for log in logs), list(logs), out
