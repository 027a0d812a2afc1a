"""Provider faults: a run against a simulator that fails a share of requests.

Every fault kind the simulator has (500, 529 overloaded, held-then-dropped connections,
malformed JSON, cut-off streams) plus 429 with retry-after from a requests-per-minute
limit. The run must finish; a sample whose answer did not arrive intact must end as
`error`, never with a verdict; `--retry-errors` must then re-run those samples only.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.reliability.answers import RecordingAnswerer
from benchmarks.reliability.kill import TRACEBACK, insider_cmd, run_inprocess, sim_env
from benchmarks.reliability.logs import read_run


@dataclass
class FaultReport:
    samples: int = 0
    paid_requests: int = 0
    faults_injected: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    retried: int = 0  # provider calls retried + samples re-run after an error
    ended_as_error: int = 0
    misreported_benign: int = 0  # a verdict other than error on an answer that never arrived
    table_shows_errors: bool = False
    retry_errors_paid: int = 0  # paid requests made by --retry-errors
    errors_after_retry: int = 0
    lost_or_duplicated_after_retry: int = 0
    tracebacks: int = 0
    seconds: float = 0.0


@dataclass
class _Done:
    returncode: int
    stdout: str
    stderr: str


def _run(cmd: list[str], env: dict[str, str]) -> _Done:
    code, out, err, tb = run_inprocess(cmd, env)
    return _Done(code, out, err + (TRACEBACK if tb else ""))


def fault_campaign(sim, workdir: Path, *, samples: int = 12, family: str = "agentic_misalignment",
                   preset: str = "paper", fault_rate: float = 0.3, kinds: tuple[str, ...] | None = None,
                   rpm: int | None = None, hold: float = 3.0, max_connections: int = 4) -> FaultReport:
    from benchmarks.simulator import FAULT_KINDS

    workdir.mkdir(parents=True, exist_ok=True)
    answerer = RecordingAnswerer()
    sim.reset()
    sim.answerer = answerer
    sim.config.fault_rate, sim.config.fault_kinds = fault_rate, tuple(kinds or FAULT_KINDS)
    sim.limiter.rpm = rpm
    sim.config.timeout_hold_s = hold  # a dropped connection after `hold` s, not 30
    env = sim_env(sim.base_url)
    out = workdir / "faults"
    cmd = insider_cmd(out, family=family, preset=preset, samples=samples, max_connections=max_connections)
    report = FaultReport()
    t0 = time.monotonic()
    done = _run(cmd, env)
    stats = sim.stats()
    report.tracebacks = (done.stdout + done.stderr).count(TRACEBACK)
    if done.returncode != 0:
        raise RuntimeError(f"the faulty run exited {done.returncode}: {done.stderr[-2000:]}")
    report.paid_requests = stats["billed_requests"]
    report.by_kind = dict(stats["faults"], rate_limited=stats["rate_limited"])
    report.faults_injected = sum(report.by_kind.values())
    report.table_shows_errors = "errors" in done.stdout
    got = read_run(out)
    report.samples = len(got.counts)
    report.retried = got.model_retries + got.sample_retries
    report.ended_as_error = sum(1 for v in got.verdicts.values() if v == "error")
    wrong = {s for s in got.mismatched_output if got.verdicts.get(s) != "error"}
    report.misreported_benign = len(wrong | set(got.errors_not_error))

    # the provider recovers: --retry-errors re-runs only the failed samples
    sim.config.fault_rate = 0.0
    sim.limiter.rpm = None
    before = len(answerer.requests)
    again = _run(cmd + ["--retry-errors"], env)
    report.tracebacks += (again.stdout + again.stderr).count(TRACEBACK)
    if again.returncode != 0:
        raise RuntimeError(f"--retry-errors exited {again.returncode}: {again.stderr[-2000:]}")
    report.retry_errors_paid = len(answerer.requests) - before
    after = read_run(out)
    report.errors_after_retry = sum(1 for v in after.verdicts.values() if v == "error")
    report.lost_or_duplicated_after_retry = (
        len(set(got.counts) ^ set(after.counts)) + sum(n - 1 for n in after.counts.values())
    )
    report.misreported_benign += len(
        {s for s in after.mismatched_output if after.verdicts.get(s) != "error"} | set(after.errors_not_error)
    )
    report.seconds = round(time.monotonic() - t0, 1)
    return report
