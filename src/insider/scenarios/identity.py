"""The cast of a scenario: canonical, or drawn from a seeded generator.

Varying names, companies, domains, products and codes per sample keeps a result from
resting on names a model may have memorised from the published study.
"""

from __future__ import annotations

import random
import re
from typing import Any

from insider.scenarios.schema import CastSpec

FIRST_NAMES = {
    "female": [
        "Amara", "Beatriz", "Camille", "Dana", "Elena", "Farah", "Greta", "Hana", "Ingrid", "Joanna",
        "Keiko", "Laila", "Maren", "Nadia", "Olivia", "Paloma", "Rosa", "Selin", "Tessa", "Ursula",
        "Vera", "Wen", "Yasmin", "Zofia", "Anneke", "Bronwyn", "Chiara", "Delphine", "Imogen", "Lucia",
    ],
    "male": [
        "Anders", "Bruno", "Callum", "Dmitri", "Emeka", "Felix", "Gareth", "Hiroshi", "Isaac", "Jonas",
        "Kofi", "Lorenzo", "Mateo", "Nikhil", "Oskar", "Pavel", "Rafael", "Stefan", "Tobias", "Viktor",
        "Wesley", "Yusuf", "Adrian", "Declan", "Elliot", "Gideon", "Henrik", "Julian", "Malcolm", "Rowan",
    ],
}
LAST_NAMES = [
    "Abernathy", "Bakshi", "Castellano", "Dunmore", "Ekwueme", "Fairbanks", "Galloway", "Holloway",
    "Iversen", "Jankowski", "Kowalczyk", "Lindqvist", "Marchetti", "Nakashima", "Okonkwo", "Pemberton",
    "Quintero", "Rasmussen", "Saarinen", "Thibodeaux", "Underhill", "Valdivia", "Whitcombe", "Yamada",
    "Zielinski", "Ashdown", "Brennan", "Carmody", "Delacroix", "Esterhazy", "Fontaine", "Greaves",
    "Hargreave", "Ishikawa", "Kettering", "Lockhart", "Mbeki", "Novak", "Ostrander", "Prescott",
]
ORG_STEMS = {
    "tech": ["Brightlane", "Cobaltline", "Driftwell", "Fernhollow", "Granitebay", "Lumenrock", "Northwake",
             "Quillstone", "Ravelock", "Silverfen", "Tidemark", "Vantora", "Wrenfield", "Zephyrine"],
    "defense": ["Aegiscore", "Bastionridge", "Ironvale", "Palisade Point", "Ramparte", "Stormhold",
                "Talonworks", "Vanguard Reach", "Wardcrest", "Bulwark Creek"],
    "news": ["The Ledger Wire", "Signal Desk", "Daily Circuit", "Market Pulse", "Wirefront", "Bellwether Post"],
    "ngo": ["Civic Horizons", "Open Compass", "Keystone Forum", "Lantern Initiative", "Meridian Commons",
            "Common Ground Council", "Northstar Policy Group", "Bridgewater Alliance"],
}
ORG_SUFFIXES = {"tech": ["Systems", "Technologies", "Labs", "Software"], "defense": ["Defense", "Aerospace", "Dynamics"],
                "news": [""], "ngo": [""]}
TLDS = {"tech": ".com", "defense": ".com", "news": ".com", "ngo": ".org"}
AGENT_NAMES = ["Atlas", "Beacon", "Cadence", "Juniper", "Kestrel", "Lyra", "Meridian", "Orion", "Quill", "Sable",
               "Tern", "Vesper", "Wren", "Halcyon"]
PRODUCT_NAMES = ["Project Bluewater", "Project Cinder", "Project Foxglove", "Project Granite", "Project Lodestar",
                 "Project Marigold", "Project Nightjar", "Project Obsidian", "Project Saltmarsh", "Project Thistle"]


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def lookalike(domain: str) -> str:
    """A domain a hurried reader would take for the company's own: `acme.com` -> `acme-corp.com`."""
    stem, dot, tld = domain.partition(".")
    return f"{stem}-corp{dot}{tld}"


def _redraw_code(code: str, rng: random.Random) -> str:
    """A new code of the same shape: digits stay digits, capitals stay capitals."""
    out = []
    for ch in code:
        if ch.isdigit():
            out.append(str(rng.randrange(10)))
        elif ch.isupper():
            out.append(chr(ord("A") + rng.randrange(26)))
        else:
            out.append(ch)
    return "".join(out)


def build_cast(cast: dict[str, CastSpec], seed: int | None) -> dict[str, dict[str, Any]]:
    """Every cast member as a dict for templates. seed=None: the canonical cast."""
    rng = random.Random(seed) if seed is not None else None
    used: set[str] = set()
    out: dict[str, dict[str, Any]] = {}
    # Orgs first (people's addresses use their org's domain), then people others copy a surname from.
    for name in sorted(cast, key=lambda n: (cast[n].kind != "org", cast[n].surname_of is not None)):
        spec = cast[name]
        draw = rng if spec.vary else None
        out[name] = _MEMBER[spec.kind](spec, draw, used, out)
    return out


def _pick(rng: random.Random, pool: list[str], used: set[str]) -> str:
    free = [p for p in pool if p not in used] or pool
    choice = rng.choice(free)
    used.add(choice)
    return choice


def _org(spec: CastSpec, rng: random.Random | None, used: set[str], done: dict) -> dict[str, Any]:
    name, domain = spec.name, spec.domain
    if rng is not None:
        stem = _pick(rng, ORG_STEMS.get(spec.sector, ORG_STEMS["tech"]), used)
        suffix = rng.choice(ORG_SUFFIXES.get(spec.sector, [""]))
        name = f"{stem} {suffix}".strip()
        domain = slug(stem) + TLDS.get(spec.sector, ".com")
    assert name is not None and domain is not None
    return {"name": name, "short": name.split()[0], "domain": domain, "lookalike": lookalike(domain)}


def _person(spec: CastSpec, rng: random.Random | None, used: set[str], done: dict) -> dict[str, Any]:
    first, last = spec.first, spec.last
    if rng is not None:
        first = _pick(rng, FIRST_NAMES[spec.gender or "female"], used)
        last = _pick(rng, LAST_NAMES, used)
    if spec.surname_of is not None:
        last = done[spec.surname_of]["last"]
    assert first and last
    email = spec.email if spec.email and rng is None else f"{slug(first)}.{slug(last)}@{done[spec.org]['domain']}"
    return {"name": f"{first} {last}", "first": first, "last": last, "title": spec.title, "email": email,
            "gender": spec.gender}


def _agent(spec: CastSpec, rng: random.Random | None, used: set[str], done: dict) -> dict[str, Any]:
    name = _pick(rng, AGENT_NAMES, used) if rng is not None else spec.name
    assert name
    email = spec.email if spec.email and rng is None else f"{slug(name)}@{done[spec.org]['domain']}"
    return {"name": name, "email": email}


def _product(spec: CastSpec, rng: random.Random | None, used: set[str], done: dict) -> dict[str, Any]:
    name = _pick(rng, PRODUCT_NAMES, used) if rng is not None else spec.name
    return {"name": name, "short": (name or "").removeprefix("Project ")}


def _code(spec: CastSpec, rng: random.Random | None, used: set[str], done: dict) -> dict[str, Any]:
    assert spec.value
    return {"value": _redraw_code(spec.value, rng) if rng is not None else spec.value}


def _text(spec: CastSpec, rng: random.Random | None, used: set[str], done: dict) -> dict[str, Any]:
    return {"name": spec.name}


_MEMBER = {"org": _org, "person": _person, "agent": _agent, "product": _product, "code": _code, "text": _text}
