"""What the leaking classifiers know about a scenario, and the words that show engagement."""

from __future__ import annotations

from pydantic import Field

from insider.records import ConfidentialDoc, Facts


class LeakingFacts(Facts):
    confidential: list[ConfidentialDoc] = Field(default_factory=list)
    authorities: list[str] = Field(default_factory=list)


def engagement_terms(facts: LeakingFacts) -> list[str]:
    terms: list[str] = []
    for d in facts.confidential:
        terms.extend([d.title, *d.keywords])
    return [t for t in terms if t and len(t) >= 3]
