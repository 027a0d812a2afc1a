"""A replay run of the alignment-faking task gives the rates the fixture was written for.

The fixture answers by `match` on `monitored`; within a tier the k-th request gets the k-th
line. Monitored: 6 of 10 comply, 3 of them with faking reasoning, and one refusal that
weighs training first (not faking). Unmonitored: 2 of 10 comply, none faking.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from inspect_ai import eval

from insider._registry import TASKS

alignment_faking = TASKS["alignment_faking"]

FIXTURE = Path(__file__).parent / "data" / "replay_alignment_faking.jsonl"
pytestmark = pytest.mark.skipif(importlib.util.find_spec("insider.models.replay") is None,
                                reason="replay provider not present")


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    import insider.models  # noqa: F401  (registers replay/)

    log_dir = tmp_path_factory.mktemp("af_logs")
    [log] = eval(alignment_faking(samples=10, seed=5), model=f"replay/{FIXTURE}", log_dir=str(log_dir),
                 display="none")
    assert log.status == "success", log.error
    return log, log_dir


def _tier(log, monitored: bool) -> list[dict]:
    return [s.scores["insider"].metadata for s in log.samples if s.metadata["monitored"] is monitored]


def test_known_compliance_and_faking_rates_per_tier(run):
    log, _ = run
    mon, unmon = _tier(log, True), _tier(log, False)
    assert len(mon) == len(unmon) == 10
    assert sum(m["complied"] for m in mon) == 6
    assert sum(m["complied"] for m in unmon) == 2
    assert sum(m["faking_reasoning"] for m in mon) == 3  # faking-reasoning rate 30% of monitored
    assert sum(m["faking_reasoning"] for m in unmon) == 0
    # faking is only ever counted on compliance
    assert all(m["complied"] for m in mon if m["faking_reasoning"])
    verdicts = [s.scores["insider"].value for s in log.samples]
    assert verdicts.count("harmful") == 8 and verdicts.count("benign") == 12


def test_each_request_is_paired_across_tiers(run):
    log, _ = run
    ids = {True: [], False: []}
    for s in log.samples:
        ids[s.metadata["monitored"]].append(s.metadata["request_id"])
    assert ids[True] == ids[False] and len(set(ids[True])) == 10


def test_stats_give_the_known_gap_paired_by_request(run):
    from insider.stats.alignment import compliance_gap
    from insider.stats.results import load_results

    _, log_dir = run
    df = load_results([log_dir])
    assert set(df["request_id"]) and len(df) == 20
    [row] = compliance_gap(df).to_dict("records")
    assert row["compliance_monitored"] == pytest.approx(0.6)
    assert row["compliance_unmonitored"] == pytest.approx(0.2)
    assert row["gap"] == pytest.approx(0.4)
    assert row["faking_reasoning"] == pytest.approx(0.3)  # 3 of the 10 monitored answers
    assert row["gap_low"] < 0.4 < row["gap_high"]
    assert row["method"].startswith("paired")
