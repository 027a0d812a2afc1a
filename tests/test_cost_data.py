"""The cost benchmark's replay answers do what its figures assume (benchmarks/data)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from insider.extract import extract_actions
from insider.family import get_family
from insider.judge.detectors import run_detector
from insider.options import TaskOptions

REPLAY = Path(__file__).resolve().parents[1] / "benchmarks" / "data" / "cost_replay.jsonl"


def _paper_samples():
    return get_family("agentic_misalignment").samples(TaskOptions(preset="paper", samples=1))


@pytest.mark.parametrize("sample", _paper_samples(), ids=lambda s: str(s.id))
def test_replay_lines_alternate_refusal_and_candidate_action(sample):
    # the prefilter's judge savings in RESULTS.md rest on this: every other line is a
    # candidate action in every condition of the paper grid, the others are not
    lines = [json.loads(x)["response"] for x in REPLAY.read_text().splitlines() if x.strip()]
    assert len(lines) % 2 == 0
    facts = sample.metadata["facts"]
    candidates = [
        run_detector(sample.metadata["behavior"], text, extract_actions(text), facts).candidate
        for text in lines
    ]
    assert candidates == [False, True] * (len(lines) // 2)
