"""Harness overhead: CPU per sample and peak memory for replay samples through the real
pipeline (insider's task building, solver, scorer and Inspect), at 1,000 and 10,000 samples.

    python benchmarks/overhead.py [--small 1000] [--large 10000]

Each measurement runs in its own subprocess (peak RSS is per process). Three pipelines:
- insider: `insider.runner.run_experiment`, the path of `insider run --family
  agentic_misalignment --preset paper` (18 conditions x n/18 samples), replay model
  answering from benchmarks/data/cost_replay.jsonl (half refusals, half a markup email),
  the insider scorer (rules; no judge);
- inspect only: the same prompts and replay model through a bare Inspect task (plain
  `generate()`, a constant scorer), i.e. Inspect's own per-sample cost;
- inspect-nologs: the same bare task keeping no transcripts (`log_realtime=False`,
  `log_samples=False`): Inspect's floor, below which no Inspect-based harness can go.
CPU time counts the run only: dataset building and the modules Inspect imports as the run
starts are in it, imports before the run are not.
Ends with one line of JSON: cpu_ms_per_sample, rss_growth (and the other figures).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _common import last_line, machine, ratio, table  # noqa: E402

REPLAY = HERE / "data" / "cost_replay.jsonl"
CONDITIONS = 18
MODES = ("insider", "inspect", "inspect-nologs")


def _cpu_s() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def child(mode: str, n: int, log_dir: str) -> dict:
    """One measured run in this process."""
    from inspect_ai import Task, eval_set
    from inspect_ai.scorer import Score, Target, mean, scorer
    from inspect_ai.solver import TaskState, generate

    import insider._registry  # noqa: F401  (replay/ provider)
    from insider.runner import RunOptions, run_experiment
    from insider._registry import TASKS

    agentic_misalignment = TASKS["agentic_misalignment"]

    per_condition = max(1, round(n / CONDITIONS))
    model = f"replay/{REPLAY}"
    rss_before_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    cpu0, wall0 = _cpu_s(), time.perf_counter()
    if mode == "insider":  # the path `insider run` takes (task, scheduling, eval_set settings)
        _, logs, _ = run_experiment(RunOptions(
            family="agentic_misalignment", preset="paper", samples=per_condition, model=model,
            policy="rules", out=log_dir, display="none", warm_cache=False,
        ))
    else:  # the same samples (inputs, metadata) without insider's solver, scorer and settings

        @scorer(metrics=[mean()])
        def constant():
            async def score(state: TaskState, target: Target) -> Score:
                return Score(value=1.0)

            return score

        dataset = agentic_misalignment(samples=per_condition, policy="rules", warm_cache=False).dataset
        task = Task(dataset=dataset, solver=generate(), scorer=constant())
        # "inspect-nologs": Inspect's floor, keeping no transcript at all (no realtime buffer,
        # no samples in the log): not a way to run insider, the line under every target
        lean = {"log_realtime": False, "log_samples": False} if mode == "inspect-nologs" else {}
        ok, logs = eval_set(tasks=[task], model=model, log_dir=log_dir, display="none", fail_on_error=False, **lean)
    cpu, wall = _cpu_s() - cpu0, time.perf_counter() - wall0
    log = logs[0]
    samples = log.results.total_samples if log.results else 0
    return {
        "mode": mode, "samples": samples, "status": log.status,
        "cpu_s": cpu, "wall_s": wall,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "rss_before_mb": rss_before_kb / 1024,
    }


def measure(mode: str, n: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, INSPECT_LOG_LEVEL="error")
        done = subprocess.run([sys.executable, __file__, "--child", mode, str(n), tmp],
                              capture_output=True, text=True, env=env)
    if done.returncode != 0:
        sys.exit(f"{mode} x {n} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--small", type=int, default=1000)
    ap.add_argument("--large", type=int, default=10000)
    ap.add_argument("--child", nargs=3, metavar=("MODE", "N", "LOGDIR"), help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        print(json.dumps(child(a.child[0], int(a.child[1]), a.child[2])))
        return

    print(f"machine: {machine()}")
    runs = {(m, n): measure(m, n) for m in MODES for n in (a.small, a.large)}
    rows = []
    for (mode, n), r in runs.items():
        rows.append([mode, r["samples"], r["status"], r["cpu_s"], 1000 * r["cpu_s"] / r["samples"],
                     r["wall_s"], r["peak_rss_mb"]])
    print(table(["pipeline", "samples", "status", "cpu s", "cpu ms/sample", "wall s", "peak RSS MB"], rows))
    ins_s, ins_l = runs[("insider", a.small)], runs[("insider", a.large)]
    ins_ms = 1000 * ins_l["cpu_s"] / ins_l["samples"]
    insp_ms = 1000 * runs[("inspect", a.large)]["cpu_s"] / runs[("inspect", a.large)]["samples"]
    growth = ratio(ins_l["peak_rss_mb"], ins_s["peak_rss_mb"])
    print(f"\ninsider at {ins_l['samples']} samples: {ins_ms:.2f} ms CPU/sample, of which Inspect alone "
          f"{insp_ms:.2f} and insider's task, solver and scorer {ins_ms - insp_ms:.2f}")
    floor_ms = 1000 * runs[("inspect-nologs", a.large)]["cpu_s"] / runs[("inspect-nologs", a.large)]["samples"]
    growths = {m: ratio(runs[(m, a.large)]["peak_rss_mb"], runs[(m, a.small)]["peak_rss_mb"]) for m in MODES}
    print(f"Inspect with no transcripts kept (no realtime buffer, no sample logs): {floor_ms:.2f} ms CPU/sample")
    print(f"peak RSS {ins_l['peak_rss_mb']:.0f} MB at {ins_l['samples']} vs {ins_s['peak_rss_mb']:.0f} MB "
          f"at {ins_s['samples']}: {growth:.2f}x (inspect only: {growths['inspect']:.2f}x, "
          f"inspect with no transcripts: {growths['inspect-nologs']:.2f}x)")
    last_line({
        "cpu_ms_per_sample": round(ins_ms, 3),
        "rss_growth": round(growth, 3),
        "inspect_cpu_ms_per_sample": round(insp_ms, 3),
        "insider_own_cpu_ms_per_sample": round(ins_ms - insp_ms, 3),
        "inspect_nologs_cpu_ms_per_sample": round(floor_ms, 3),
        "inspect_rss_growth": round(growths["inspect"], 3),
        "inspect_nologs_rss_growth": round(growths["inspect-nologs"], 3),
        "peak_rss_mb_small": round(ins_s["peak_rss_mb"], 1),
        "peak_rss_mb_large": round(ins_l["peak_rss_mb"], 1),
    })


if __name__ == "__main__":
    main()
