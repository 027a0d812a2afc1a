"""Kill and resume: SIGKILL `insider run` at random moments, rerun it until it finishes.

The run talks to the provider simulator with a `RecordingAnswerer`, so every paid request
is known by prompt and time. A sample paid again after a kill is a *repeat* when its
earlier answer had been delivered more than `grace` seconds before that kill (it was
finished work that resume threw away), else *in flight* (cut off by the kill: re-asking
is the only way to get it).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.reliability.answers import RecordingAnswerer
from benchmarks.reliability.logs import RunContents, read_run

TRACEBACK = "Traceback (most recent call last)"


@dataclass
class KillReport:
    samples: int = 0
    trials: int = 0
    kills: int = 0
    lost: int = 0
    duplicated: int = 0
    verdict_mismatches: int = 0
    corrupt_logs: list[str] = field(default_factory=list)
    stale_logs: int = 0  # killed attempts' logs left in the run folder at the end
    repeated_requests: int = 0  # paid again although answered > grace s before the kill
    in_flight_rerequests: int = 0
    answered_before_kill: int = 0  # in-flight re-asks whose answer had been sent before the kill
    oldest_rerequest_s: float = 0.0  # the longest a re-asked sample had been answered at the kill
    baseline_paid: int = 0
    killed_paid: int = 0
    tracebacks: int = 0
    seconds: float = 0.0


def insider_cmd(out: Path, *, family: str, preset: str, samples: int, max_connections: int,
                extra: tuple[str, ...] = ()) -> list[str]:
    return [
        sys.executable, "-c", "from insider.cli import main; main()", "run",
        "--family", family, "--preset", preset, "--samples", str(samples), "--vary-identities",
        "--model", "anthropic/claude-sim", "--out", str(out), "--display", "none",
        "--max-connections", str(max_connections), *extra,
    ]


def sim_env(base_url: str, key: str = "sk-ant-fake-reliability-0000") -> dict[str, str]:
    env = dict(os.environ, ANTHROPIC_BASE_URL=base_url, ANTHROPIC_API_KEY=key, NO_COLOR="1")
    env.pop("INSPECT_LOG_DIR", None)
    return env


def run_inprocess(cmd: list[str], env: dict[str, str]) -> tuple[int, str, str, bool]:
    """The same command in this process (no interpreter start-up): (code, out, err, traceback)."""
    from inspect_ai.model._model import _models

    from benchmarks.reliability.fuzz import invoke

    # Inspect memoizes models per process with the base URL they read at creation: a second
    # run against another simulator would keep calling the first one (a closed port).
    _models.clear()
    keys = ("ANTHROPIC_BASE_URL", "ANTHROPIC_API_KEY")
    saved = {k: os.environ.get(k) for k in keys}
    os.environ.update({k: env[k] for k in keys})
    try:
        return invoke(cmd[3:])  # drop `python -c "..."`
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _kill(p: subprocess.Popen) -> None:
    try:
        os.killpg(p.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    p.wait()


def kill_until_done(cmd: list[str], env: dict[str, str], answerer: RecordingAnswerer, *,
                    kills: int, rng: random.Random, window: float, log: Path,
                    max_trials: int = 200, timeout: float = 600) -> tuple[int, list[float]]:
    """Start, kill, restart until a start finishes; returns (trials, kill times)."""
    kill_times: list[float] = []
    for trial in range(1, max_trials + 1):
        before = len(answerer.requests)
        start = time.monotonic()
        with log.open("ab") as err:
            p = subprocess.Popen(cmd, env=env, stdout=err, stderr=err, start_new_session=True)
            if len(kill_times) < kills:
                if len(kill_times) % 5 == 4:  # now and then during start-up (log creation)
                    time.sleep(rng.uniform(0.2, 3.0))
                else:  # otherwise while samples are being answered
                    while len(answerer.requests) == before and p.poll() is None:
                        if time.monotonic() - start > timeout:
                            break
                        time.sleep(0.02)
                    time.sleep(rng.uniform(0.0, window))
                if p.poll() is None:
                    _kill(p)
                    kill_times.append(time.monotonic())
                    continue
            try:
                rc = p.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                _kill(p)
                raise
        if rc == 0:
            return trial, kill_times
    raise RuntimeError(f"run did not finish after {max_trials} starts; see {log}")


def rerequest_ages(requests: list[tuple[float, str]], kill_times: list[float]) -> list[float | None]:
    """For each paid re-request: seconds between the earlier request and the kill that
    followed it (None when no kill came between: a retry within one run)."""
    last: dict[str, float] = {}
    ages: list[float | None] = []
    for t, key in sorted(requests):
        if key in last:
            kills_between = [k for k in kill_times if last[key] <= k <= t]
            ages.append(kills_between[0] - last[key] if kills_between else None)
        last[key] = t
    return ages


def classify_rerequests(requests: list[tuple[float, str]], kill_times: list[float],
                        grace: float) -> tuple[int, int]:
    """(repeats of finished work, re-asks of work cut off in flight)."""
    ages = rerequest_ages(requests, kill_times)
    in_flight = sum(1 for a in ages if a is not None and a <= grace)
    return len(ages) - in_flight, in_flight


def compare(base: RunContents, got: RunContents, report: KillReport) -> None:
    expected = set(base.verdicts)
    report.samples = len(expected)
    report.lost = len(expected - set(got.counts))
    report.duplicated = sum(n - 1 for n in got.counts.values() if n > 1)
    report.verdict_mismatches = sum(1 for s in expected & set(got.verdicts) if got.verdicts[s] != base.verdicts[s])
    report.stale_logs = len(got.stale)
    report.corrupt_logs = base.corrupt + got.corrupt + [f"wrong answer recorded: {s}" for s in got.mismatched_output]


def kill_campaign(sim, workdir: Path, *, samples: int = 12, family: str = "agentic_misalignment",
                  preset: str = "paper", kills: int = 20, seed: int = 0, window: float = 1.0,
                  grace: float = 1.0, max_connections: int = 4) -> KillReport:
    """Uninterrupted run, then the same run killed `kills` times; compare the two."""
    workdir.mkdir(parents=True, exist_ok=True)
    answerer = RecordingAnswerer()
    sim.answerer = answerer
    env = sim_env(sim.base_url)
    report = KillReport()
    t0 = time.monotonic()
    log = workdir / "kill-campaign.stderr"
    base_out, killed_out = workdir / "uninterrupted", workdir / "killed"
    opts = dict(family=family, preset=preset, samples=samples, max_connections=max_connections)
    code, _, err, _ = run_inprocess(insider_cmd(base_out, **opts), env)
    if code != 0:
        raise RuntimeError(f"the uninterrupted run failed: {err[-2000:]}")
    report.baseline_paid = len(answerer.requests)
    answerer.reset()
    report.trials, kill_times = kill_until_done(
        insider_cmd(killed_out, **opts), env, answerer, kills=kills, rng=random.Random(seed),
        window=window, log=log,
    )
    report.kills = len(kill_times)
    report.killed_paid = len(answerer.requests)
    report.repeated_requests, report.in_flight_rerequests = classify_rerequests(
        answerer.requests, kill_times, grace
    )
    ages = [a for a in rerequest_ages(answerer.requests, kill_times) if a is not None]
    sent = sim.config.latency_s + 0.15  # the answer is on the wire after the latency
    report.answered_before_kill = sum(1 for a in ages if sent < a <= grace)
    report.oldest_rerequest_s = round(max(ages, default=0.0), 2)
    compare(read_run(base_out), read_run(killed_out), report)
    report.tracebacks = log.read_text(errors="replace").count(TRACEBACK)
    report.seconds = round(time.monotonic() - t0, 1)
    return report
