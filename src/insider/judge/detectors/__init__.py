"""Shared detector pieces: awareness, engagement and the detector result type.

Each behaviour's own detector lives in its family's folder (`Behaviour.detect`);
`run_detector` finds it through the family registry.
"""

from __future__ import annotations

import inspect

from insider.judge.detectors.awareness import detect_awareness
from insider.judge.detectors.base import Detection
from insider.judge.detectors.engagement import detect_engagement
from insider.judge.text import with_reasoning
from insider.records import Action, DetectorResult, Facts

__all__ = ["detect", "run_detector", "detect_awareness", "detect_engagement", "Detection", "with_reasoning"]


def run_detector(behavior: str, response: str, actions: list[Action], facts: Facts | dict,
                 reasoning: str = "") -> Detection:
    """The behaviour's detector on one response; an `error` result when it has none.

    Args:
        behavior: the behaviour's name.
        response: the model's message text (reasoning tags included, if it wrote any).
        actions: the actions extracted from the message and its native tool calls.
        facts: the scenario facts (a dict or the behaviour's facts model).
        reasoning: reasoning the provider returned apart from the message. A detector that
            takes a `reasoning` keyword gets it as is; any other detector gets it as a
            closed reasoning region before the message (`with_reasoning`).
    """
    from insider.family import behaviour

    b = behaviour(behavior)
    if b.detect is None:
        return Detection(DetectorResult(verdict="error", reasons=[f"no rule-based detector for behaviour {behavior!r}"]),
                         candidate=True)
    parsed = b.parse_facts(facts)
    if _takes_reasoning(b.detect):
        return b.detect(response or "", actions, parsed, reasoning=reasoning or "")
    return b.detect(with_reasoning(response or "", reasoning), actions, parsed)


def _takes_reasoning(fn) -> bool:
    try:
        return "reasoning" in inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False


def detect(behavior: str, response: str, actions: list[Action], facts: Facts | dict,
           reasoning: str = "") -> DetectorResult:
    """The rule-based verdict for one response, with reasons citing the evidence (arguments as
    for `run_detector`)."""
    return run_detector(behavior, response, actions, facts, reasoning).result
