"""Harness overhead: CPU per sample and peak memory for replay samples through the real
pipeline (insider's task building, parts, solver, scorer and Inspect), at 1,000 and 10,000
samples.

    python benchmarks/overhead.py [--small 1000] [--large 10000]

Each measurement runs in its own subprocess (peak RSS is per process). Three pipelines:
- insider: `insider.runner.run_experiment` with `insider run`'s defaults, the path of
  `insider run --family agentic_misalignment --preset paper` (18 conditions x n/18
  samples, run in parts of at most 1,000 samples), replay model answering from
  benchmarks/data/cost_replay.jsonl (half refusals, half a markup email), the insider
  scorer (rules; no judge);
- inspect-parts: the same prompts and replay model through a bare Inspect task (plain
  `generate()`, a constant scorer) with the same settings (retries, error handling) in the
  same parts, one eval set each: Inspect's own per-sample cost under insider's layout;
- inspect: the same bare task as one eval set (Inspect's own way, for reference);
- inspect-nologs: the same bare task keeping no transcripts (`log_realtime=False`,
  `log_samples=False`): Inspect's floor, below which no Inspect-based harness can go.
CPU time counts the run only: dataset building and the modules Inspect imports as the run
starts are in it, imports before the run are not.
Ends with one line of JSON: own_cpu_ms_per_sample (insider's CPU per sample above bare
Inspect in the same parts, both at the large size), rss_growth (insider's peak RSS at the large size over the
small one), and the other figures.
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
MODES = ("insider", "inspect-parts", "inspect", "inspect-nologs")


def _cpu_s() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def child(mode: str, n: int, log_dir: str) -> dict:
    """One measured run in this process."""
    from inspect_ai import Task, eval_set
    from inspect_ai.scorer import Score, Target, mean, scorer
    from inspect_ai.solver import TaskState, generate

    import insider._registry  # noqa: F401  (replay/ provider)
    from insider._registry import TASKS
    from insider.runner import RunOptions, run_experiment

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

        from insider.runs import plan_parts

        dataset = list(agentic_misalignment(samples=per_condition, policy="rules", warm_cache=False).dataset)
        # "inspect-parts": the same parts as `insider run` (same sizes, one eval set each);
        # "inspect": one task, Inspect's own way; "inspect-nologs": Inspect's floor, keeping
        # no transcript at all (not a way to run insider, the line under every target)
        parts = (plan_parts(len(dataset), log_dir) if mode == "inspect-parts"
                 else plan_parts(len(dataset), log_dir, shard_size=len(dataset)))
        lean = {"log_realtime": False, "log_samples": False} if mode == "inspect-nologs" else {}
        logs = []
        for part in parts:
            task = Task(dataset=dataset[part.start:part.stop], solver=generate(), scorer=constant())
            ok, part_logs = eval_set(tasks=[task], model=model, log_dir=part.log_dir, display="none",
                                     fail_on_error=False, retry_on_error=1, retry_attempts=2, retry_wait=1,
                                     log_dir_allow_dirty=True, **lean)
            logs += part_logs
    cpu, wall = _cpu_s() - cpu0, time.perf_counter() - wall0
    samples = sum(log.results.total_samples for log in logs if log.results)
    return {
        "mode": mode, "samples": samples, "status": ",".join(sorted({log.status for log in logs})),
        "logs": len(logs),
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
    for (mode, _n), r in runs.items():
        rows.append([mode, r["samples"], r["logs"], r["status"], r["cpu_s"], 1000 * r["cpu_s"] / r["samples"],
                     r["wall_s"], r["peak_rss_mb"]])
    print(table(["pipeline", "samples", "logs", "status", "cpu s", "cpu ms/sample", "wall s", "peak RSS MB"], rows))

    def ms(mode: str) -> float:
        r = runs[(mode, a.large)]
        return 1000 * r["cpu_s"] / r["samples"]

    ins_s, ins_l = runs[("insider", a.small)], runs[("insider", a.large)]
    ins_ms, parts_ms, one_ms, floor_ms = ms("insider"), ms("inspect-parts"), ms("inspect"), ms("inspect-nologs")
    growth = ratio(ins_l["peak_rss_mb"], ins_s["peak_rss_mb"])
    growths = {m: ratio(runs[(m, a.large)]["peak_rss_mb"], runs[(m, a.small)]["peak_rss_mb"]) for m in MODES}
    print(f"\ninsider at {ins_l['samples']} samples: {ins_ms:.2f} ms CPU/sample; bare Inspect in the same parts "
          f"{parts_ms:.2f}, so insider's own (dataset, solver, scorer, parts) {ins_ms - parts_ms:.2f}")
    print(f"bare Inspect as one task: {one_ms:.2f} ms CPU/sample; keeping no transcripts (Inspect's floor): "
          f"{floor_ms:.2f}")
    print(f"peak RSS {ins_l['peak_rss_mb']:.0f} MB at {ins_l['samples']} vs {ins_s['peak_rss_mb']:.0f} MB "
          f"at {ins_s['samples']}: {growth:.2f}x (bare Inspect in the same parts: {growths['inspect-parts']:.2f}x, "
          f"as one task: {growths['inspect']:.2f}x, with no transcripts: {growths['inspect-nologs']:.2f}x)")
    last_line({
        "own_cpu_ms_per_sample": round(ins_ms - parts_ms, 3),
        "rss_growth": round(growth, 3),
        "cpu_ms_per_sample": round(ins_ms, 3),
        "inspect_parts_cpu_ms_per_sample": round(parts_ms, 3),
        "inspect_cpu_ms_per_sample": round(one_ms, 3),
        "inspect_nologs_cpu_ms_per_sample": round(floor_ms, 3),
        "inspect_parts_rss_growth": round(growths["inspect-parts"], 3),
        "inspect_rss_growth": round(growths["inspect"], 3),
        "inspect_nologs_rss_growth": round(growths["inspect-nologs"], 3),
        "peak_rss_mb_small": round(ins_s["peak_rss_mb"], 1),
        "peak_rss_mb_large": round(ins_l["peak_rss_mb"], 1),
    })


if __name__ == "__main__":
    main()
