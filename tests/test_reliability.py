"""Kill and resume, provider faults and --retry-errors, short versions of
`benchmarks/reliability.py` (which runs them at >= 200 samples and >= 20 kills)."""

from __future__ import annotations

from benchmarks.reliability.faults import fault_campaign
from benchmarks.reliability.kill import classify_rerequests, kill_campaign
from benchmarks.simulator import SimulatorConfig, run_simulator


def test_killed_twice_resumes_without_loss_duplicates_or_repeated_payment(tmp_path):
    with run_simulator(SimulatorConfig(latency_s=0.2)) as sim:
        r = kill_campaign(sim, tmp_path, family="blackmail", preset="paper", samples=2, kills=2,
                          window=0.3, max_connections=2)
    assert r.kills == 2 and r.trials == 3 and r.samples == 12
    assert (r.lost, r.duplicated, r.verdict_mismatches, r.corrupt_logs, r.stale_logs) == (0, 0, 0, [], 0)
    assert r.repeated_requests == 0 and r.tracebacks == 0
    assert r.killed_paid == r.baseline_paid + r.in_flight_rerequests


def test_rerequest_accounting():
    # key a answered 5 s before the kill (finished work), b just before it (in flight)
    reqs = [(0.0, "a"), (4.9, "b"), (6.0, "a"), (6.0, "b"), (7.0, "c")]
    assert classify_rerequests(reqs, kill_times=[5.0], grace=1.0) == (1, 1)
    assert classify_rerequests([(0.0, "a"), (1.0, "a")], kill_times=[], grace=1.0) == (1, 0)


def test_failed_samples_are_errors_and_retry_errors_reruns_only_them(tmp_path):
    with run_simulator(SimulatorConfig()) as sim:
        r = fault_campaign(sim, tmp_path, family="blackmail", preset="default", samples=2,
                           fault_rate=1.0, kinds=("malformed",))
    assert r.samples == 4 and r.by_kind["malformed"] == r.faults_injected == 8  # 1 try + 1 retry each
    assert r.ended_as_error == 4 and r.misreported_benign == 0 and r.table_shows_errors
    assert r.retried == 4  # Inspect's retry_on_error, recorded per sample
    assert r.retry_errors_paid == 4 and r.errors_after_retry == 0
    assert r.lost_or_duplicated_after_retry == 0 and r.tracebacks == 0
