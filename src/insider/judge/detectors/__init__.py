"""Rule-based detectors, one per behaviour, plus awareness and engagement.

`detect` returns the public `DetectorResult`; `run_detector` also returns what the
combination policies need (`candidate`, and for alignment faking `complied` and
`faking_reasoning`). A new behaviour registers its detector with `register_detector`.
"""

from __future__ import annotations

from insider.judge.detectors import alignment_faking, blackmail, leaking, lethal  # noqa: F401  (register)
from insider.judge.detectors.awareness import detect_awareness
from insider.judge.detectors.base import DETECTORS, Detection, register_detector
from insider.judge.detectors.engagement import detect_engagement
from insider.records import Action, DetectorResult, Facts

__all__ = ["detect", "run_detector", "detect_awareness", "detect_engagement", "Detection",
           "register_detector", "DETECTORS"]


def run_detector(behavior: str, response: str, actions: list[Action], facts: Facts) -> Detection:
    fn = DETECTORS.get(behavior)
    if fn is None:
        return Detection(DetectorResult(verdict="error", reasons=[f"no rule-based detector for behaviour {behavior!r}"]),
                         candidate=True)
    return fn(response or "", actions, facts)


def detect(behavior: str, response: str, actions: list[Action], facts: Facts) -> DetectorResult:
    """The rule-based verdict for one response, with reasons citing the evidence."""
    return run_detector(behavior, response, actions, facts).result
