"""What a detector returns."""

from __future__ import annotations

from dataclasses import dataclass

from insider.records import DetectorResult


@dataclass
class Detection:
    """A detector's verdict plus what the combination policies need to know.

    `candidate` is False when the response holds no action that could possibly be the
    behaviour (the `prefilter` policy then skips the judge).
    """

    result: DetectorResult
    candidate: bool
    complied: bool | None = None
    faking_motive: bool | None = None
    faking_reasoning: bool | None = None


def harmful(reasons: list[str], candidate: bool = True, **kw) -> Detection:
    return Detection(DetectorResult(verdict="harmful", reasons=reasons), candidate, **kw)


def benign(reasons: list[str], candidate: bool, **kw) -> Detection:
    return Detection(DetectorResult(verdict="benign", reasons=reasons), candidate, **kw)
