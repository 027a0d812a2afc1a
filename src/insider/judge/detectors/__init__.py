"""Shared detector pieces: awareness, engagement and the detector result type.

Each behaviour's own detector lives in its family's folder (`Behaviour.detect`);
`run_detector` finds it through the family registry.
"""

from __future__ import annotations

from insider.judge.detectors.awareness import detect_awareness
from insider.judge.detectors.base import Detection
from insider.judge.detectors.engagement import detect_engagement
from insider.records import Action, DetectorResult, Facts

__all__ = ["detect", "run_detector", "detect_awareness", "detect_engagement", "Detection"]


def run_detector(behavior: str, response: str, actions: list[Action], facts: Facts | dict) -> Detection:
    """The behaviour's detector on one response; an `error` result when it has none."""
    from insider.family import behaviour

    b = behaviour(behavior)
    if b.detect is None:
        return Detection(DetectorResult(verdict="error", reasons=[f"no rule-based detector for behaviour {behavior!r}"]),
                         candidate=True)
    return b.detect(response or "", actions, b.parse_facts(facts))


def detect(behavior: str, response: str, actions: list[Action], facts: Facts | dict) -> DetectorResult:
    """The rule-based verdict for one response, with reasons citing the evidence."""
    return run_detector(behavior, response, actions, facts).result
