"""How a run is laid out and executed: one or many models, each model's samples in parts.

- Models: `--model a,b,...` runs the same grid (same samples, seeds, identities) for every
  model, each into its own folder under `--out` (`OUT/<model slug>/`; a single model writes
  to `OUT` itself). Each model resumes on its own.
- Parts: a model's samples, in grid order, are cut into parts of at most `shard_size`
  samples; each part is its own Inspect task and log (`part-002-of-010/` under the model's
  folder; one part writes to the model's folder). Inspect keeps a task's samples in memory
  until its log is written, so parts keep a long run's memory flat. Each part resumes on
  its own, and `insider.distributed` runs them on Ray workers.
- The results table, report and gate read a run's folder recursively, so every model and
  part reads as one run.
"""

from __future__ import annotations

import hashlib
import math
import re
import sys
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from insider import storage
from insider.errors import InsiderError

if TYPE_CHECKING:
    from insider.runner import RunOptions

# Samples per part: one Inspect task holds at most this many samples in memory.
DEFAULT_SHARD_SIZE = 1000
_SLUG_MAX = 80


def model_list(model: str | list[str] | tuple[str, ...]) -> list[str]:
    """"a,b" or ["a", "b,c"] -> ["a", "b", "c"]: stripped, duplicates dropped, order kept."""
    items = [model] if isinstance(model, str) else list(model)
    out = [m.strip() for item in items for m in str(item).split(",") if m.strip()]
    if not out:
        raise InsiderError("--model: give at least one model, e.g. --model openai/gpt-4.1,anthropic/claude-sonnet-4-5")
    return list(dict.fromkeys(out))


def model_slug(model: str) -> str:
    """A folder name for a model string (long ones keep their end and a digest)."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", model).strip("_.") or "model"
    if len(slug) > _SLUG_MAX:
        digest = hashlib.sha256(model.encode()).hexdigest()[:8]
        slug = f"{slug[-(_SLUG_MAX - 9):].lstrip('_.')}-{digest}"
    return slug


def model_dirs(out: str, models: list[str]) -> dict[str, str]:
    """Each model's log folder: `out` for a single model, else `out/<slug>`."""
    if len(models) == 1:
        return {models[0]: out}
    dirs: dict[str, str] = {}
    for m in models:
        slug = model_slug(m)
        clash = [other for other, d in dirs.items() if d == storage.join(out, slug)]
        if clash:
            raise InsiderError(f"--model {clash[0]} and {m} would share the folder {slug}; rename one "
                               "(e.g. a replay file)")
        dirs[m] = storage.join(out, slug)
    return dirs


@dataclass(frozen=True)
class Part:
    """One part of a model's samples: [start, stop) in grid order, number `index` (1-based)
    of `count`, logged in `log_dir`."""

    index: int
    count: int
    start: int
    stop: int
    log_dir: str

    @property
    def label(self) -> str:
        return f"part {self.index} of {self.count}"


def plan_parts(n_samples: int, model_dir: str, shard_size: int | None = None) -> list[Part]:
    """Cut `n_samples` into balanced parts of at most `shard_size` samples.

    Args:
        n_samples: the model's samples in the run.
        model_dir: the model's log folder; parts beyond one get a subfolder each.
        shard_size: the most samples in one part (default `DEFAULT_SHARD_SIZE`).
    """
    size = DEFAULT_SHARD_SIZE if shard_size is None else shard_size
    if size < 1:
        raise InsiderError(f"--shard-size must be at least 1 (got {size})")
    count = max(1, math.ceil(n_samples / size))
    bounds = [round(i * n_samples / count) for i in range(count + 1)]
    return [
        Part(i + 1, count, bounds[i], bounds[i + 1],
             model_dir if count == 1 else storage.join(model_dir, f"part-{i + 1:03d}-of-{count:03d}"))
        for i in range(count)
    ]


def eval_settings(opts: RunOptions) -> dict[str, Any]:
    """The keyword arguments every part's Inspect eval set takes from the run's options."""
    from insider.generation import run_generate_config

    kwargs: dict[str, Any] = run_generate_config(opts.reasoning_effort, opts.reasoning_tokens, opts.generate)
    if opts.max_connections:
        kwargs["max_connections"] = opts.max_connections
    if opts.batch:
        kwargs["batch"] = opts.batch
    if opts.judge and opts.judge != "none":
        kwargs["model_roles"] = {"grader": opts.judge}
    return kwargs


def run_part(opts: RunOptions, family: Any, task_options: Any, part: Part,
             display: str | None = None) -> tuple[bool, list[Any]]:
    """Run (or resume) one part of one model's samples into `part.log_dir`.

    Args:
        opts: the run's options (`opts.model` is one model).
        family, task_options: the family and its task options for this model.
        part: where the part sits in the model's samples and where it is logged.
        display: Inspect's progress display (default: the run's).
    """
    from inspect_ai import eval_set

    from insider.retry import set_aside_corrupt_logs
    from insider.tasks import registered_task

    # A damaged log (a killed write, a truncated copy) would stop Inspect's resume.
    for name in set_aside_corrupt_logs(part.log_dir):
        print(f"set aside damaged log {name}", file=sys.stderr)
    # Made through the registered task function, so `--retry-errors` rebuilds these samples.
    task = registered_task(family, task_options, (part.start, part.stop))
    task.metadata = {**(task.metadata or {}), "insider_part": f"{part.index}/{part.count}",
                     "insider_part_samples": [part.start, part.stop],
                     "insider_generate": eval_settings_recorded(opts)}
    success, logs = eval_set(
        tasks=[task],
        log_dir=part.log_dir,
        model=opts.model,
        display=display if display is not None else opts.display,
        # A failed sample is recorded as an error (never benign) instead of failing the run.
        fail_on_error=False,
        retry_on_error=1,
        retry_attempts=2,
        retry_wait=1,
        log_dir_allow_dirty=True,
        **eval_settings(opts),
    )
    if success:  # attempts killed before this one are superseded: remove them
        from insider.retry import prune_crashed_attempts

        prune_crashed_attempts(part.log_dir)
    return success, list(logs)


def eval_settings_recorded(opts: RunOptions) -> dict[str, Any]:
    """The generation settings the run asked for, as recorded in each task's metadata."""
    from insider.generation import run_generate_config

    return run_generate_config(opts.reasoning_effort, opts.reasoning_tokens, opts.generate)


def run_model(opts: RunOptions, family: Any, task_options: Any, out: str) -> tuple[bool, list[Any], str]:
    """Run (or resume) every part of one model's samples in turn; returns (success, logs, out)."""
    from insider.inspect_adapter import cache_package_index
    from insider.tasks import forget_grid, part_samples

    cache_package_index()  # once, not once per part
    # the grid is built here once; every part slices it (`insider.tasks.part_samples`)
    parts = plan_parts(len(part_samples(family, task_options, 0, None)), out, opts.shard_size)
    ok, logs = True, []
    try:
        for part in parts:
            part_ok, part_logs = run_part(opts, family, task_options, part)
            ok, logs = ok and part_ok, logs + part_logs
    finally:
        forget_grid()
    return ok, logs, out


def preflight(opts: RunOptions, out: str) -> None:
    """Checks that need no sample: generation settings, the model's server, the log store.

    Each fails in one line, before anything is written.
    """
    from insider.endpoints import check_reachable

    eval_settings_recorded(opts)
    for model in model_list(opts.model):
        check_reachable(model)
    if opts.judge and opts.judge != "none":
        check_reachable(opts.judge, role="judge")
    storage.check_store(out)


def run_models(opts: RunOptions) -> tuple[bool, list[Any], str]:
    """Run (or resume) several models over the same grid, or any run on Ray (`opts.ray`).

    Every model is checked before the first sample is sent. Returns (success, logs, out),
    `out` holding one folder per model (a single model: `out` itself).
    """
    from insider.runner import (
        check_batch,
        check_model,
        default_out_dir,
        resolve_family,
        run_experiment,
        task_options_for,
    )

    models = model_list(opts.model)
    label = _family_label(opts)
    base = opts.out or (default_out_dir(label, models[0]) if len(models) == 1
                        else default_out_dir(label, f"{len(models)}-models"))
    if opts.ray:
        from insider.distributed import require_ray

        require_ray()
        base = storage.absolute(base)  # workers resolve it the same wherever they start
    dirs = model_dirs(base, models)
    per_model = [replace(opts, model=m, out=dirs[m], ray=False) for m in models]
    prepared = []
    if not opts.retry_errors:
        for o in per_model:
            family = resolve_family(o)
            prepared.append((o, family, task_options_for(o, family)))
            check_batch(o)
            check_model(o.model)
        if opts.judge and opts.judge != "none":
            check_model(opts.judge, role="judge")
        preflight(opts, base)
    if opts.ray and not opts.retry_errors:
        from insider.distributed import run_on_ray

        success, outcomes = run_on_ray(prepared)
        from inspect_ai.log import read_eval_log

        logs = [read_eval_log(location, header_only=True) for o in outcomes for location in o["logs"]]
        return success, logs, base
    ok, logs = True, []
    for o in per_model:
        model_ok, model_logs, _ = run_experiment(o)
        ok, logs = ok and model_ok, logs + list(model_logs)
    return ok, logs, base


def _family_label(opts: RunOptions) -> str:
    from pathlib import Path

    return Path(opts.pack).name if opts.pack else opts.family
