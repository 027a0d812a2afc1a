"""The shape of pack.yaml, as pydantic models; cross-references are checked in `check_spec`."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

# Keys every rendered sample's metadata holds besides the factors: a factor may not reuse them.
RESERVED_NAMES = frozenset(
    {"family", "behavior", "condition", "repeat", "identity_seed", "pack", "pack_hash", "facts",
     "sample_index", "emails", "cast", "factors", "prompts", "tools"}
)
NAME = re.compile(r"^[a-z][a-z0-9_]*$")
LEVEL = re.compile(r"^[a-z0-9][a-z0-9_.]*$")


class _Strict(BaseModel):
    # A misspelt key in a pack is an error, not something silently ignored.
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class FactorSpec(_Strict):
    """One experimental factor: its levels, default, and when it applies."""

    description: str = ""
    levels: list[str] = Field(min_length=1)
    default: str | None = None
    # The factor only exists when these other factors take these levels (else its level is "none").
    applies_when: dict[str, list[str]] = Field(default_factory=dict)
    # How the level shows in condition ids: its own segment ("level"), appended to another
    # factor's segment ("join:<factor>"), or "<name>-<level>" only when not the default ("tagged").
    in_id: str = "tagged"

    @field_validator("levels")
    @classmethod
    def _levels_ok(cls, levels: list[str]) -> list[str]:
        for level in levels:
            if not LEVEL.match(level):
                raise ValueError(f"level {level!r} must be lower-case letters, digits, '_' or '.'")
        if len(set(levels)) != len(levels):
            raise ValueError("levels must be distinct")
        return levels

    @field_validator("in_id")
    @classmethod
    def _in_id_ok(cls, value: str) -> str:
        if value not in ("level", "tagged") and not value.startswith("join:"):
            raise ValueError("in_id must be 'level', 'tagged' or 'join:<factor>'")
        return value

    @model_validator(mode="after")
    def _default_ok(self) -> FactorSpec:
        if self.default is None:
            self.default = self.levels[0]
        elif self.default not in self.levels:
            raise ValueError(f"default {self.default!r} is not one of the levels {self.levels}")
        return self


CastKind = Literal["org", "person", "agent", "product", "code", "text"]


class CastSpec(_Strict):
    """One member of the cast: canonical values, redrawn by the seeded generator."""

    kind: CastKind
    name: str | None = None  # org, agent, product (product name), text
    first: str | None = None  # person
    last: str | None = None  # person
    gender: Literal["female", "male"] | None = None  # person: which first-name pool to draw from
    title: str = ""  # person: job title, kept across identities
    org: str | None = None  # person/agent: the cast org whose mail domain they use
    surname_of: str | None = None  # person: shares this cast member's last name (a spouse)
    email: str | None = None  # explicit address; else derived from name and org domain
    domain: str | None = None  # org
    sector: str = "tech"  # org: which name pool to draw from
    value: str | None = None  # code: the canonical code; its shape is kept when redrawn
    vary: bool = True  # false keeps the canonical values under every identity seed

    @model_validator(mode="after")
    def _fields_for_kind(self) -> CastSpec:
        need = {
            "org": ("name", "domain"),
            "person": ("first", "last", "gender", "org"),
            "agent": ("name", "org"),
            "product": ("name",),
            "code": ("value",),
            "text": ("name",),
        }[self.kind]
        missing = [f for f in need if getattr(self, f) in (None, "")]
        if missing:
            raise ValueError(f"a cast member of kind {self.kind!r} needs {', '.join(missing)}")
        return self


class EmailSpec(_Strict):
    """One inbox email. Strings are templates; the body is inline or a template file."""

    key: str
    time: str  # "HH:MM" on the scenario date, shifted by `day`
    day: int = 0
    sender: str = Field(alias="from")
    to: list[str]
    subject: str
    body: str | None = None
    template: str | None = None
    when: dict[str, list[str]] = Field(default_factory=dict)

    @field_validator("to", mode="before")
    @classmethod
    def _to_list(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @field_validator("time")
    @classmethod
    def _time_ok(cls, value: str) -> str:
        if not re.match(r"^([01]\d|2[0-3]):[0-5]\d$", value):
            raise ValueError(f"time {value!r} must be HH:MM (24-hour)")
        return value

    @model_validator(mode="after")
    def _one_body(self) -> EmailSpec:
        if (self.body is None) == (self.template is None):
            raise ValueError("give exactly one of 'body' (inline template) or 'template' (file)")
        return self


class PackSpec(_Strict):
    """A whole pack.yaml."""

    name: str
    behavior: str
    description: str = ""
    version: int = 1
    date: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")  # the scenario's day, ISO
    now: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")  # the time the agent is invoked
    tools: list[Literal["email", "forward", "cancel_alert"]] = Field(min_length=1)
    factors: dict[str, FactorSpec] = Field(min_length=1)
    presets: dict[str, list[dict[str, list[str] | str]]] = Field(default_factory=dict)
    cast: dict[str, CastSpec] = Field(default_factory=dict)
    vars: dict[str, Any] = Field(default_factory=dict)
    # Templates whose top-level `{% set %}` variables join every template's context.
    context: list[str] = Field(default_factory=list)
    system: str = "system.j2"
    user: str = "user.j2"
    emails: list[EmailSpec] = Field(min_length=1)
    facts: dict[str, Any]

    @field_validator("name")
    @classmethod
    def _name_ok(cls, value: str) -> str:
        if not NAME.match(value):
            raise ValueError("name must be lower-case letters, digits and '_', starting with a letter")
        return value


def check_spec(spec: PackSpec) -> list[tuple[tuple[Any, ...], str]]:
    """Cross-reference checks pydantic cannot do alone; returns (key path, problem) pairs."""
    problems: list[tuple[tuple[Any, ...], str]] = []
    factors = spec.factors

    def check_levels(loc: tuple[Any, ...], mapping: dict[str, Any]) -> None:
        for fname, levels in mapping.items():
            if fname not in factors:
                problems.append(((*loc, fname), f"unknown factor {fname!r}; factors are {list(factors)}"))
                continue
            for level in [levels] if isinstance(levels, str) else levels:
                if level not in factors[fname].levels:
                    problems.append(
                        ((*loc, fname), f"unknown level {level!r} of factor {fname!r}; "
                         f"levels are {factors[fname].levels}")
                    )

    for fname, factor in factors.items():
        if not NAME.match(fname):
            problems.append((("factors", fname), "factor names are lower-case letters, digits and '_'"))
        if fname in RESERVED_NAMES:
            problems.append((("factors", fname), f"{fname!r} is reserved; rename the factor"))
        check_levels(("factors", fname, "applies_when"), factor.applies_when)
        if factor.in_id.startswith("join:"):
            target = factor.in_id[5:]
            if target not in factors or factors[target].in_id != "level":
                problems.append(
                    (("factors", fname, "in_id"), f"join target {target!r} must be a factor with in_id 'level'")
                )
    for pname, grids in spec.presets.items():
        if pname == "full":
            problems.append((("presets", "full"), "'full' is built in (every valid combination); use another name"))
        for i, grid in enumerate(grids):
            check_levels(("presets", pname, i), grid)
    if "default" not in spec.presets:
        problems.append((("presets",), "a 'default' preset is required (the conditions `insider run` uses)"))
    for i, email in enumerate(spec.emails):
        check_levels(("emails", i, "when"), email.when)
    keys = [e.key for e in spec.emails]
    for i, key in enumerate(keys):
        if keys.index(key) != i:
            problems.append((("emails", i, "key"), f"email key {key!r} is used twice"))
    for cname, member in spec.cast.items():
        if member.org is not None and (member.org not in spec.cast or spec.cast[member.org].kind != "org"):
            problems.append((("cast", cname, "org"), f"{member.org!r} is not an org in the cast"))
        if member.surname_of is not None and (
            member.surname_of not in spec.cast or spec.cast[member.surname_of].kind != "person"
        ):
            problems.append((("cast", cname, "surname_of"), f"{member.surname_of!r} is not a person in the cast"))
        if cname in factors or cname in RESERVED_NAMES:
            problems.append((("cast", cname), f"cast name {cname!r} clashes with a factor or reserved name"))
    return problems
