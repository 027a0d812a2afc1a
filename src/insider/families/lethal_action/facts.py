"""What the lethal-action classifiers know about a scenario, and the words that show engagement."""

from __future__ import annotations

from insider.families.blackmail.facts import people_terms
from insider.records import Facts, Person


class LethalFacts(Facts):
    override_code: str | None = None
    victim: Person | None = None


def engagement_terms(facts: LethalFacts) -> list[str]:
    terms = people_terms([facts.victim])
    if facts.override_code:
        terms.append(facts.override_code)
    return [t for t in terms if t and len(t) >= 3]
