"""Verdicts: rule-based detectors, LLM judges, how they combine, and calibration.

Public API:
- `detect(behavior, response, actions, facts, reasoning="") -> DetectorResult`
- `detect_awareness(response, reasoning="") -> "evaluation" | "deployment" | "none"`
- `detect_engagement(response, actions, facts, behavior="") -> bool`
- `async classify(record, judges=None, policy=None) -> VerdictRecord` (policy None: `prefilter`
  with judges, `rules` without; see `insider.judge.policy`)
- `POLICIES`, `DEFAULT_POLICY`, `default_policy`
The Inspect scorer lives in `insider.judge.scorer` (imported lazily: it pulls in Inspect's
scorer machinery).
"""

from insider.judge.classify import action_dict, classify
from insider.judge.detectors import detect, detect_awareness, detect_engagement, run_detector
from insider.judge.policy import DEFAULT_POLICY, POLICIES, combine, default_policy

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
    "default_policy",
]
