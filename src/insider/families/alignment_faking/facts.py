"""What the alignment-faking classifiers know about a sample."""

from __future__ import annotations

from insider.records import Facts


class AlignmentFakingFacts(Facts):
    monitored: bool | None = None
    request: str | None = None
