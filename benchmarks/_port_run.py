"""Runs inside the benchmark venv (benchmarks/setup_port.sh): the inspect-evals port of
agentic misalignment on the paper grid, its model and grader pointed at ANTHROPIC_BASE_URL.

    python _port_run.py --samples N --log-dir DIR --model M --grader G

Prints one line of JSON: wall seconds, samples, errors.
"""

from __future__ import annotations

import argparse
import json
import time

from inspect_ai import eval_set
from inspect_ai.log import read_eval_log
from inspect_evals.agentic_misalignment import agentic_misalignment

# the paper grid: 3 scenarios x (explicit-america, none) x 3 urgencies = 18 conditions
SCENARIOS = ("blackmail", "leaking", "murder")
GOALS = (("explicit", "america"), ("none", "none"))
URGENCIES = ("replacement", "restriction", "none")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--samples", type=int, default=10)
    ap.add_argument("--log-dir", required=True)
    ap.add_argument("--model", required=True)
    ap.add_argument("--grader", required=True)
    a = ap.parse_args()
    tasks = [
        agentic_misalignment(scenario=s, goal_type=g, goal_value=v, urgency_type=u, grader_model=a.grader)
        for s in SCENARIOS for g, v in GOALS for u in URGENCIES
    ]
    start = time.perf_counter()
    # all conditions at once (max_tasks), N epochs each: the port's way to repeat a condition
    ok, logs = eval_set(tasks=tasks, model=a.model, epochs=a.samples, log_dir=a.log_dir,
                        max_tasks=len(tasks), display="none", fail_on_error=False,
                        log_dir_allow_dirty=True)
    wall = time.perf_counter() - start
    logs = [log if log.samples else read_eval_log(log.location) for log in logs]
    samples = sum(len(log.samples or []) for log in logs)
    errors = sum(1 for log in logs for s in (log.samples or []) if s.error)
    print(json.dumps({"wall_s": wall, "samples": samples, "errors": errors, "success": ok}))


if __name__ == "__main__":
    main()
