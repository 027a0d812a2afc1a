"""Verdicts: rule-based detectors, LLM judges, how they combine, and calibration.

Public API:
- `detect(behavior, response, actions, facts) -> DetectorResult`
- `detect_awareness(response) -> "evaluation" | "deployment" | "none"`
- `detect_engagement(response, actions, facts, behavior="") -> bool`
- `async classify(record, judges=None, policy=DEFAULT_POLICY) -> VerdictRecord`
- `POLICIES`, `DEFAULT_POLICY` (see `insider.judge.policy` for why `rules`)
The Inspect scorer lives in `insider.judge.scorer` (imported lazily: it pulls in Inspect's
scorer machinery).
"""

from insider.judge.classify import action_dict, classify
from insider.judge.detectors import detect, detect_awareness, detect_engagement, run_detector
from insider.judge.policy import DEFAULT_POLICY, POLICIES, combine

__all__ = [
    "classify",
    "detect",
    "detect_awareness",
    "detect_engagement",
    "run_detector",
    "combine",
    "action_dict",
    "POLICIES",
    "DEFAULT_POLICY",
]
