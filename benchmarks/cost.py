"""Cost and speed of the paper grid through the provider simulator: insider vs the Inspect port.

    python benchmarks/cost.py [--samples 10] [--rpm 200] [--latency 1.0]
                              [--per-token 0.004] [--stand-in] [--batch]

The `paper` preset (18 conditions) x N samples runs twice against one simulator config
(same latency, same requests-per-minute limit, Anthropic prompt-cache billing):

- insider: `run_experiment` (what `insider run` calls) on `agentic_misalignment`, model
  `anthropic/claude-sim`, judge `anthropic/claude-sim-judge` (grader role), policy
  `prefilter`, cache warm-up on (the default for anthropic/ models);
- port: the `agentic_misalignment` task of `inspect-evals` (18 tasks, N epochs each, its
  grader pointed at the simulator), run in the benchmark venv made by
  `benchmarks/setup_port.sh`. Without that venv, or with `--stand-in`, a stand-in runs
  instead and is labelled so: insider's task with warm-up off and policy `judge` (the port
  asks its grader about every sample; `both` would skip the judge where rules say benign).

With `--batch`, a third run: insider with `--batch` (the simulator's Anthropic batch API,
billed at half price; cache warm-up off, as `insider run --batch` sets it).

Agents answer from benchmarks/data/cost_replay.jsonl (half plain refusals, half a markup
email); judges get a fixed verdict both judges parse. Ends with one line of JSON:
billed_input_ratio, billed_input_over_limit, judge_calls_ratio, wall_over_bound.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))  # the repository root: `benchmarks.simulator`

from _common import last_line, machine, ratio, table  # noqa: E402

REPLAY = HERE / "data" / "cost_replay.jsonl"
BENCH_VENV = Path(os.environ.get("BENCH_VENV", "/work/bench-venv"))
MODEL, JUDGE = "anthropic/claude-sim", "anthropic/claude-sim-judge"
# a verdict both judges parse: the port's <answer> tag, insider's JSON object
JUDGE_TEXT = ('<reasoning>The assistant did not coerce anyone.</reasoning>\n<answer>no</answer>\n'
              '{"verdict": "benign", "explanation": "no harmful act"}')
# system prompts of the judges (insider's and the port's classifiers)
JUDGE_MARKERS = ("You classify transcripts of an AI assistant", "You are an expert system analyzing")


class BenchAnswerer:
    """Routes judge requests to a fixed verdict (so they take no replay line) and counts them."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.judge_calls = 0
        self.agent_calls = 0

    def answer(self, system: Any, messages: list[dict[str, Any]]) -> Any:
        from benchmarks.simulator.answers import Turn, content_text

        text = system if isinstance(system, str) else content_text(system)
        if any(m in text for m in JUDGE_MARKERS):
            self.judge_calls += 1
            return Turn(JUDGE_TEXT)
        self.agent_calls += 1
        return self.inner.answer(system, messages)

    def reset(self) -> None:
        self.judge_calls = self.agent_calls = 0
        self.inner.reset()


@dataclass
class Side:
    label: str
    wall_s: float
    stats: dict[str, Any]
    judge_calls: int
    agent_calls: int
    samples: int
    errors: int
    judge_skipped: int | None = None

    @property
    def billed_input(self) -> float:
        return self.stats["cost"]["input"]

    @property
    def input_tokens(self) -> int:
        return sum(self.stats["input_tokens"].values())


def paper_prompts() -> list[tuple[str, str, str]]:
    from insider.family import get_family
    from insider.options import TaskOptions

    samples = get_family("agentic_misalignment").samples(TaskOptions(preset="paper", samples=1))
    return [(s.metadata["condition"], s.input[0].text, s.input[1].text) for s in samples]


def prompt_tokens(system: str, user: str) -> int:
    from benchmarks.simulator.caching import anthropic_count

    return anthropic_count({"system": [{"type": "text", "text": system}],
                            "messages": [{"role": "user", "content": user}]})


def run_insider(sim: Any, n: int, out: str, warm: bool | None, policy: str, label: str, batch: Any = None) -> Side:
    from inspect_ai.log import read_eval_log

    from insider.runner import RunOptions, run_experiment

    answerer = sim.answerer
    start = time.perf_counter()
    ok, logs, _ = run_experiment(RunOptions(
        family="agentic_misalignment", preset="paper", model=MODEL, judge=JUDGE, policy=policy,
        samples=n, out=out, display="none", warm_cache=warm, batch=batch,
    ))
    wall = time.perf_counter() - start
    samples = errors = skipped = 0
    for log in logs:
        log = read_eval_log(log.location) if not log.samples else log
        for s in log.samples or []:
            samples += 1
            errors += bool(s.error)
            score = (s.scores or {}).get("insider")
            skipped += bool(score and (score.metadata or {}).get("judge_skipped"))
    return Side(label, wall, sim.stats(), answerer.judge_calls, answerer.agent_calls, samples, errors, skipped)


def run_port(sim: Any, n: int, out: str) -> Side:
    env = dict(os.environ, ANTHROPIC_BASE_URL=sim.base_url, ANTHROPIC_API_KEY="sk-fake",
               INSPECT_LOG_LEVEL="error")
    cmd = [str(BENCH_VENV / "bin" / "python"), str(HERE / "_port_run.py"), "--samples", str(n),
           "--log-dir", out, "--model", MODEL, "--grader", JUDGE]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"port run failed ({done.returncode}):\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    # the port's own wall time (inside eval_set) leaves out its interpreter start
    return Side("port (inspect-evals)", result["wall_s"], sim.stats(), sim.answerer.judge_calls,
                sim.answerer.agent_calls, result["samples"], result["errors"])


def cost_limit(side: Side, n: int, write: float, read: float, exact: bool) -> float:
    """Each condition's prompt written once and read by its other n-1 samples, plus the
    judge input (distinct per sample, so uncached). `exact`: insider's prompts, measured;
    otherwise (the port) its agent input is taken as its cacheable input, an estimate
    that holds while judge prompts stay under the 1,024-token cache minimum."""
    if exact:
        agent_tokens = limit = 0.0
        for _, system, user in paper_prompts():
            p = prompt_tokens(system, user)
            limit += p * write + p * read * (n - 1)
            agent_tokens += p * n
    else:
        t = side.stats["input_tokens"]
        agent_tokens = t["cache_write"] + t["cache_read"]
        limit = agent_tokens / n * (write + read * (n - 1))
    return limit + max(0.0, side.input_tokens - agent_tokens)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--samples", type=int, default=10)
    ap.add_argument("--rpm", type=int, default=200, help="requests per minute the simulator admits")
    ap.add_argument("--latency", type=float, default=1.0, help="seconds before the first byte")
    ap.add_argument("--per-token", type=float, default=0.004, help="seconds per output token")
    ap.add_argument("--stand-in", action="store_true", help="compare with the stand-in, not the port")
    ap.add_argument("--batch", action="store_true", help="also run insider with --batch (the batch APIs)")
    a = ap.parse_args()

    os.environ.setdefault("ANTHROPIC_API_KEY", "sk-fake")
    os.environ["INSPECT_LOG_LEVEL"] = "error"
    from benchmarks.simulator import SimulatorConfig, run_simulator

    cfg = SimulatorConfig(replay=REPLAY, rpm=a.rpm, latency_s=a.latency,
                          latency_per_output_token_s=a.per_token)
    use_port = not a.stand_in and (BENCH_VENV / "bin" / "python").exists()
    print(f"machine: {machine()}")
    print(f"grid: paper preset, 18 conditions x {a.samples} samples; simulator rpm={a.rpm}, "
          f"latency {a.latency}s + {a.per_token}s/token, Anthropic cache billing "
          f"(write {cfg.cache_write_multiplier}x, read {cfg.cache_read_multiplier}x)")
    if not use_port:
        why = "--stand-in" if a.stand_in else f"no benchmark venv at {BENCH_VENV} (run benchmarks/setup_port.sh)"
        print(f"baseline: STAND-IN for the port ({why}): insider's task, warm-up off, policy judge")

    sides: list[Side] = []
    with tempfile.TemporaryDirectory() as tmp, run_simulator(cfg) as sim:
        sim.answerer = BenchAnswerer(sim.answerer)
        os.environ["ANTHROPIC_BASE_URL"] = sim.base_url  # model and grader alike
        sides.append(run_insider(sim, a.samples, f"{tmp}/insider", True, "prefilter", "insider"))
        sim.reset()
        if use_port:
            sides.append(run_port(sim, a.samples, f"{tmp}/port"))
        else:
            sides.append(run_insider(sim, a.samples, f"{tmp}/standin", False, "judge", "stand-in (no warm-up, judge)"))
        if a.batch:  # the simulator finishes a batch in 0.5 s; Inspect's 15 s polling made short
            from inspect_ai.model import BatchConfig

            sim.reset()
            quick = BatchConfig(size=100, send_delay=1, tick=1)
            batched = run_insider(sim, a.samples, f"{tmp}/batch", None, "prefilter", "insider --batch", quick)

    ins, port = sides
    headers = ["run", "wall s", "requests", "429s", "billed input", "output tok", "judge calls", "samples", "errors"]
    rows = [[s.label, s.wall_s, s.stats["requests"], s.stats["rate_limited"], s.billed_input,
             s.stats["output_tokens"], s.judge_calls, s.samples, s.errors] for s in sides]
    rows.append(["ratio insider/baseline", ratio(ins.wall_s, port.wall_s),
                 ratio(ins.stats["requests"], port.stats["requests"]),
                 "", ratio(ins.billed_input, port.billed_input),
                 ratio(ins.stats["output_tokens"], port.stats["output_tokens"]),
                 ratio(ins.judge_calls, port.judge_calls), "", ""])
    print()
    print(table(headers, rows))
    print("billed input: input tokens weighted by price (uncached 1, cache write 1.25, read 0.1)")
    for s in sides:
        t = s.stats["input_tokens"]
        print(f"  {s.label}: uncached {t['uncached']:,}, cache write {t['cache_write']:,}, "
              f"cache read {t['cache_read']:,} tokens")
    if ins.judge_skipped is not None:
        print(f"insider judge calls skipped by prefilter: {ins.judge_skipped} of {ins.samples} samples")

    figures: dict[str, Any] = {}
    print("\nlimits:")
    for s in sides:
        needed = s.stats["billed_requests"]
        bound_s = needed / a.rpm * 60
        exact = s is ins or s.label.startswith("stand-in")
        limit = cost_limit(s, a.samples, cfg.cache_write_multiplier, cfg.cache_read_multiplier, exact)
        print(f"  {s.label}: rate-limit bound {needed} requests / {a.rpm} rpm = {bound_s:.1f}s; "
              f"wall = {ratio(s.wall_s, bound_s):.2f}x bound; cost limit {limit:,.0f}"
              f"{'' if exact else ' (estimated)'}; billed input = {ratio(s.billed_input, limit):.2f}x limit")
        if s is ins:
            figures = {
                "billed_input_ratio": round(ratio(ins.billed_input, port.billed_input), 4),
                "billed_input_over_limit": round(ratio(ins.billed_input, limit), 4),
                "judge_calls_ratio": round(ratio(ins.judge_calls, port.judge_calls), 4),
                "wall_over_bound": round(ratio(ins.wall_s, bound_s), 4),
            }
    expected = 18 * a.samples
    for s in sides:
        if s.agent_calls != expected:
            print(f"note: {s.label} made {s.agent_calls} paid agent requests, expected {expected}")
    if a.batch:
        t = batched.stats["input_tokens"]
        print(f"\ninsider --batch: billed input {batched.billed_input:,.0f} (batch price 0.5x; uncached "
              f"{t['uncached']:,}, cache write {t['cache_write']:,}, read {t['cache_read']:,} tokens), "
              f"{batched.stats['batched_requests']} batched requests in {sum(batched.stats['batches'].values())} "
              f"batches, {batched.errors} errors; billed input vs baseline "
              f"{ratio(batched.billed_input, port.billed_input):.2f}x, vs insider unbatched "
              f"{ratio(batched.billed_input, ins.billed_input):.2f}x")
        figures["batch_billed_input_ratio"] = round(ratio(batched.billed_input, port.billed_input), 4)
    figures.update(baseline="port" if use_port else "stand-in", samples=a.samples, rpm=a.rpm,
                   wall_ratio=round(ratio(ins.wall_s, port.wall_s), 4))
    last_line(figures)


if __name__ == "__main__":
    main()
