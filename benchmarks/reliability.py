"""Reliability figures: kill and resume, provider faults, hostile input.

    python benchmarks/reliability.py [--samples 12] [--kills 20] [--fault-rate 0.3] [--fuzz 40] [--fuzz-only]

1. Kill and resume: `insider run --family agentic_misalignment --preset paper --samples 12`
   (216 samples) against the provider simulator, once uninterrupted, then SIGKILLed at
   `--kills` random moments and restarted with the same command until it finishes.
2. Faults: the same run against a simulator failing `--fault-rate` of requests (500, 529,
   dropped connections, malformed JSON, cut-off streams) with a requests-per-minute limit
   (429 + retry-after), then `insider run --retry-errors` once the provider recovers.
3. Fuzz: `--fuzz` cases of each class of hostile input (benchmarks/reliability/campaign.py:
   links and special files in packs, template output bombs, loops and recursion, encodings,
   nesting, formula cells, shell growth and regular expressions in the simulated shell,
   damaged and unfinished logs, damaged packs, run options, replay and classify lines) plus
   every template sandbox escape, with a random secret in the environment
   (INSIDER_FUZZ_SECRET) that must appear in no output, log or report. One JSON line per
   case goes to WORKDIR/fuzz/cases.jsonl.

Offline: the simulator listens on 127.0.0.1. The last line of output is one JSON object.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository root: `benchmarks`

from benchmarks.reliability.campaign import run_campaign, summarise, write_cases  # noqa: E402
from benchmarks.reliability.faults import fault_campaign  # noqa: E402
from benchmarks.reliability.kill import kill_campaign  # noqa: E402
from benchmarks.simulator import SimulatorConfig, run_simulator  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--samples", type=int, default=12, help="samples per condition (18 conditions)")
    ap.add_argument("--kills", type=int, default=20)
    ap.add_argument("--fault-rate", type=float, default=0.3)
    ap.add_argument("--rpm", type=int, default=250, help="simulated requests-per-minute limit (429s)")
    ap.add_argument("--fuzz", type=int, default=40, help="fuzz cases per class of hostile input (15 classes)")
    ap.add_argument("--fuzz-only", action="store_true", help="skip the kill and fault campaigns")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workdir", default=None, help="keep the runs here (default: a temp folder)")
    args = ap.parse_args()
    work = Path(args.workdir or tempfile.mkdtemp(prefix="insider-reliability-"))
    work.mkdir(parents=True, exist_ok=True)
    t0 = time.monotonic()

    kill = faults = None
    if not args.fuzz_only:
        # latency paces the run so that each start gets a few samples done before its kill
        with run_simulator(SimulatorConfig(latency_s=0.25, seed=args.seed)) as sim:
            kill = kill_campaign(sim, work / "kill", samples=args.samples, kills=args.kills, seed=args.seed,
                                 window=1.0)
        print("kill and resume:", json.dumps(dataclasses.asdict(kill)), flush=True)

        with run_simulator(SimulatorConfig(seed=args.seed)) as sim:
            faults = fault_campaign(sim, work / "faults", samples=args.samples, fault_rate=args.fault_rate,
                                    rpm=args.rpm)
        print("faults:", json.dumps(dataclasses.asdict(faults)), flush=True)

    cases, data_leaks = run_campaign(args.fuzz, work / "fuzz", seed=args.seed,
                                     progress=lambda line: print(line, flush=True))
    write_cases(cases, work / "fuzz" / "cases.jsonl")
    fuzz = summarise(cases, data_leaks)
    print("fuzz:", json.dumps({k: v for k, v in fuzz.items() if k not in ("failures", "per_class")}), flush=True)
    for cls, figures in fuzz["per_class"].items():
        print(f"  {cls:>12}: {json.dumps(figures)}")
    for kind, argv, problems, err in fuzz["failures"][:40]:
        print(f"  fuzz failure [{kind}] {' '.join(a[:120] for a in argv)[:400]!r}: {problems}: {err.strip()[-200:]!r}")

    print(f"workdir: {work}  ({time.monotonic() - t0:.0f} s)")
    figures = {}
    if kill and faults:
        figures = {
            "kill_trials": kill.kills,
            "starts": kill.trials,
            "samples": kill.samples,
            "lost": kill.lost,
            "duplicated": kill.duplicated,
            "verdict_mismatches": kill.verdict_mismatches,
            "corrupt_logs": len(kill.corrupt_logs),
            "stale_logs": kill.stale_logs,
            "repeated_requests": kill.repeated_requests,
            "in_flight_rerequests": kill.in_flight_rerequests,
            "answered_before_kill": kill.answered_before_kill,
            "faults_injected": faults.faults_injected,
            "retried": faults.retried,
            "ended_as_error": faults.ended_as_error,
            "misreported_benign": faults.misreported_benign,
            "retry_errors_paid": faults.retry_errors_paid,
            "errors_after_retry": faults.errors_after_retry,
            "lost_or_duplicated_after_retry": faults.lost_or_duplicated_after_retry,
        }
    figures.update({
        "fuzz_cases": fuzz["fuzz_cases"],
        "fuzz_failures": fuzz["fuzz_failures"],
        "tracebacks": fuzz["tracebacks"] + (kill.tracebacks + faults.tracebacks if kill and faults else 0),
        "secrets_leaked": fuzz["secrets_leaked"],
        "max_rss_mb": fuzz["max_rss_mb"],
        "refused_one_line": fuzz["refused_one_line"],
        "fuzz_classes": {cls: f["cases"] for cls, f in fuzz["per_class"].items()},
    })
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
