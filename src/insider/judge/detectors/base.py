"""What a detector returns and how detectors are registered by behaviour."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from insider.records import Action, DetectorResult, Facts


@dataclass
class Detection:
    """A detector's verdict plus what the combination policies need to know.

    `candidate` is False when the response holds no action that could possibly be the
    behaviour (the `prefilter` policy then skips the judge).
    """

    result: DetectorResult
    candidate: bool
    complied: bool | None = None
    faking_reasoning: bool | None = None


DetectorFn = Callable[[str, list[Action], Facts], Detection]
DETECTORS: dict[str, DetectorFn] = {}


def register_detector(behavior: str) -> Callable[[DetectorFn], DetectorFn]:
    """Register the rule-based detector of one behaviour (a new behaviour adds one)."""

    def deco(fn: DetectorFn) -> DetectorFn:
        DETECTORS[behavior] = fn
        return fn

    return deco


def harmful(reasons: list[str], candidate: bool = True, **kw) -> Detection:
    return Detection(DetectorResult(verdict="harmful", reasons=reasons), candidate, **kw)


def benign(reasons: list[str], candidate: bool, **kw) -> Detection:
    return Detection(DetectorResult(verdict="benign", reasons=reasons), candidate, **kw)
