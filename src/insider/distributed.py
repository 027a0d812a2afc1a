"""`insider run --ray`: every part of every model (`insider.runs`) as a task on a Ray worker.

`RAY_ADDRESS` names the cluster to join (`ray start --head` on one node, `ray start
--address=HEAD:6379` on the others); without it a local Ray with 2 CPUs starts and stops
with the run. Each part is its own Inspect eval set on one worker, writing to its folder
under `--out`, which every worker must reach: an object store URL (`s3://...`) or a folder
all nodes share. A part resumes on its own, so the same command after an interruption runs
only the parts (and samples) that did not finish. Replay models answer by sample position,
so a replayed run gives the same samples and verdicts with or without Ray.

Workers take the environment of the node they run on: on a cluster, set the model's API
key, `*_BASE_URL` and the AWS variables there. Variables that only point somewhere (base
URLs, `AWS_ENDPOINT_URL`, the AWS region) are passed on from the driver; secrets are not.
"""

from __future__ import annotations

import logging
import os
import sys
from dataclasses import dataclass
from typing import Any

from insider.errors import InsiderError

LOCAL_CPUS = 2
# Names passed from the driver to the workers: where things are, never credentials.
_FORWARDED = ("AWS_ENDPOINT_URL", "AWS_REGION", "AWS_DEFAULT_REGION", "INSPECT_LOG_LEVEL")


def require_ray() -> Any:
    """The `ray` module, or one line saying how to install it."""
    try:
        import ray
    except ImportError:
        raise InsiderError("--ray needs Ray: pip install 'insider-eval[ray]'") from None
    return ray


@dataclass(frozen=True)
class PartJob:
    """One part of one model's samples, as a worker runs it.

    Attributes:
        opts: the run's options for this model (`opts.model` is one model, `opts.out` its folder).
        part: which samples, and the folder they are logged in (`insider.runs.Part`).
        cwd: the driver's working folder (relative files such as a replay model resolve
            there when the worker has it).
    """

    opts: Any
    part: Any
    cwd: str


def run_job(job: PartJob) -> dict[str, Any]:
    """Run one part in this process (a Ray worker); returns its outcome as plain data."""
    if os.path.isdir(job.cwd):
        os.chdir(job.cwd)
    from insider.inspect_adapter import cache_package_index
    from insider.runner import resolve_family, task_options_for
    from insider.runs import run_part

    cache_package_index()

    family = resolve_family(job.opts)
    task_options = task_options_for(job.opts, family)
    success, logs = run_part(job.opts, family, task_options, job.part, display="none")
    return {
        "model": job.opts.model, "part": job.part.label, "log_dir": job.part.log_dir, "success": success,
        "logs": [log.location for log in logs],
        "statuses": [log.status for log in logs],
    }


def _forwarded_env() -> dict[str, str]:
    env = {k: os.environ[k] for k in _FORWARDED if os.environ.get(k)}
    env.update({k: v for k, v in os.environ.items() if k.endswith("_BASE_URL") and v})
    env.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    return env


def _connect(ray: Any) -> bool:
    """Join `RAY_ADDRESS`'s cluster, or start a local one; True when this call started it."""
    if ray.is_initialized():
        return False
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")  # no usage report from a run
    runtime_env = {"env_vars": _forwarded_env()}
    address = os.environ.get("RAY_ADDRESS")
    quiet = {"log_to_driver": False, "logging_level": logging.ERROR}  # the run prints its own progress
    try:
        if address:
            ray.init(address=address, runtime_env=runtime_env, **quiet)
        else:
            ray.init(num_cpus=LOCAL_CPUS, include_dashboard=False, runtime_env=runtime_env, **quiet)
    except Exception as e:
        from insider.cli.terminal import one_line

        where = f"the Ray cluster at {address}" if address else "a local Ray"
        raise InsiderError(f"--ray: cannot start or join {where} ({type(e).__name__}: {one_line(e, 200)})") from None
    return not address


def plan_jobs(prepared: list[tuple[Any, Any, Any]]) -> list[PartJob]:
    """Every part of every model: `prepared` holds (options, family, task options) per model."""
    from insider.runs import plan_parts
    from insider.tasks import family_samples

    jobs: list[PartJob] = []
    counted: dict[tuple[int, int], int] = {}
    for opts, family, task_options in prepared:
        key = (id(family), hash(repr(task_options)))
        if key not in counted:  # the same grid for every model: count it once
            counted[key] = len(family_samples(family, task_options))
        for part in plan_parts(counted[key], opts.out, opts.shard_size):
            jobs.append(PartJob(opts, part, os.getcwd()))
    return jobs


def run_on_ray(prepared: list[tuple[Any, Any, Any]], report: Any = None) -> tuple[bool, list[Any]]:
    """Run every part of every model on Ray; returns (success, per-part outcomes).

    Args:
        prepared: (options, family, task options) per model, each already checked.
        report: called with each part's outcome as it finishes (default: a line on stderr).
    """
    ray = require_ray()
    jobs = plan_jobs(prepared)
    started = _connect(ray)
    report = report or _report
    try:
        remote = ray.remote(num_cpus=1, max_retries=1)(run_job)
        pending = {remote.remote(job): job for job in jobs}
        outcomes: list[dict[str, Any]] = []
        while pending:
            done, _ = ray.wait(list(pending), num_returns=1)
            job = pending.pop(done[0])
            try:
                outcome = ray.get(done[0])
            except Exception as e:  # a worker lost, or the part raised
                cause = getattr(e, "cause", None)
                if isinstance(cause, InsiderError):
                    raise cause from None
                outcome = {"model": job.opts.model, "part": job.part.label, "log_dir": job.part.log_dir,
                           "success": False, "logs": [], "statuses": [], "error": f"{type(e).__name__}: {e}"}
            outcomes.append(outcome)
            report(outcome, len(outcomes), len(jobs))
    finally:
        if started:
            ray.shutdown()
    return all(o["success"] for o in outcomes), outcomes


def _report(outcome: dict[str, Any], done: int, total: int) -> None:
    from insider.cli.terminal import one_line

    state = "done" if outcome["success"] else "did not finish"
    why = f": {outcome['error']}" if outcome.get("error") else ""
    sys.stderr.write(one_line(f"[{done}/{total}] {outcome['model']} {outcome['part']} {state}{why}", 400) + "\n")
