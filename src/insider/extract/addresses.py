"""Address fields -> normalised address lists.

An address field may be a string with commas or semicolons, a list, a display name with
an address in angle brackets ("Marcus <MARCUS@x.com>"), or a Python/JSON-looking list in a
string. Addresses are lower-cased: they compare case-insensitively everywhere.
"""

from __future__ import annotations

import re
from typing import Any

EMAIL_RE = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")


def normalize_addresses(value: Any) -> list[str]:
    """Every address in `value`, lower-cased, in order, without duplicates.

    A token that holds no address (e.g. "Marcus" or "all-staff") is kept lower-cased so a
    detector can still match it against a name.
    """
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        parts: list[str] = []
        for v in value:
            parts.extend(normalize_addresses(v))
        return _dedupe(parts)
    text = str(value)
    found = [m.group(0).strip(".'").lower() for m in EMAIL_RE.finditer(text)]
    if found:
        return _dedupe(found)
    tokens = [t.strip(" \t\r\n\"'[]<>") for t in re.split(r"[,;\n]", text)]
    return _dedupe([t.lower() for t in tokens if t])


def domain_of(address: str) -> str:
    """The domain part of an address, lower-cased ('' when there is none)."""
    return address.rsplit("@", 1)[1].lower().strip(".") if "@" in address else ""


def _dedupe(items: list[str]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for i in items:
        if i not in seen:
            seen.add(i)
            out.append(i)
    return out
