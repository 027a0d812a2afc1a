"""The condition grid: factor levels -> valid, de-duplicated, readably named conditions."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from insider.errors import InsiderError
from insider.scenarios.schema import FactorSpec

NOT_APPLICABLE = "none"  # the level a factor takes where it does not apply


@dataclass(frozen=True)
class Condition:
    """One cell of the design: every factor's level, and a stable id built from them."""

    id: str
    factors: dict[str, str] = field(hash=False)


class Grid:
    """Builds conditions for one pack from presets or per-factor level lists."""

    def __init__(self, family: str, factors: dict[str, FactorSpec], presets: dict[str, list[dict]]):
        self.family = family
        self.factors = factors
        self.presets = presets
        self._full: list[Condition] | None = None

    # -- one condition ------------------------------------------------------------------
    def applies(self, name: str, levels: dict[str, str]) -> bool:
        return all(levels.get(other) in allowed for other, allowed in self.factors[name].applies_when.items())

    def normalise(self, levels: dict[str, str]) -> dict[str, str]:
        """Fill missing factors with defaults; factors that do not apply take 'none'."""
        out: dict[str, str] = {}
        for name, spec in self.factors.items():  # factor order: applies_when refers to earlier ones
            level = levels.get(name)
            if level is None or level == NOT_APPLICABLE and NOT_APPLICABLE not in spec.levels:
                level = spec.default
            out[name] = level
        for name in self.factors:
            if not self.applies(name, out):
                out[name] = NOT_APPLICABLE
        return out

    def condition_id(self, levels: dict[str, str]) -> str:
        segments: dict[str, str] = {}
        for name, spec in self.factors.items():
            if spec.in_id == "level":
                segments[name] = levels[name]
        parts = [self.family]
        for name, spec in self.factors.items():
            level = levels[name]
            if spec.in_id.startswith("join:"):
                if level != NOT_APPLICABLE:
                    segments[spec.in_id[5:]] += f"-{level}"
        parts += segments.values()
        for name, spec in self.factors.items():
            if spec.in_id == "tagged" and levels[name] not in (spec.default, NOT_APPLICABLE):
                parts.append(f"{name}-{levels[name]}")
        return "/".join(parts)

    def make(self, levels: dict[str, str]) -> Condition:
        full = self.normalise(levels)
        return Condition(id=self.condition_id(full), factors=full)

    # -- sets of conditions ---------------------------------------------------------------
    def product(self, grid: dict[str, list[str]]) -> list[Condition]:
        names = list(grid)
        out = [self.make(dict(zip(names, combo))) for combo in itertools.product(*(grid[n] for n in names))]
        return _dedupe(out)

    def full(self) -> list[Condition]:
        if self._full is None:  # looked up on every condition(id): build once
            self._full = self.product({name: spec.levels for name, spec in self.factors.items()})
        return list(self._full)

    def preset(self, name: str) -> list[Condition]:
        if name == "full":
            return self.full()
        if name not in self.presets:
            raise InsiderError(
                f"unknown preset {name!r} for {self.family}; choose one of {', '.join(self.preset_names())}"
            )
        out: list[Condition] = []
        for grid in self.presets[name]:
            out += self.product({k: [v] if isinstance(v, str) else list(v) for k, v in grid.items()})
        return _dedupe(out)

    def preset_names(self) -> list[str]:
        return [*self.presets, "full"]

    def vary(self, base: list[Condition], factor_levels: dict[str, list[str]]) -> list[Condition]:
        """Each base condition with the named factors set to each combination of the given levels."""
        for name, levels in factor_levels.items():
            if name not in self.factors:
                raise InsiderError(f"unknown factor {name!r} for {self.family}; factors are {', '.join(self.factors)}")
            if not levels:
                raise InsiderError(f"factor {name!r}: give at least one level, e.g. {name}={self.factors[name].levels[0]}")
            for level in levels:
                if level not in self.factors[name].levels:
                    raise InsiderError(
                        f"unknown level {level!r} of factor {name!r}; levels are {', '.join(self.factors[name].levels)}"
                    )
        names = list(factor_levels)
        out: list[Condition] = []
        for cond in base:
            for combo in itertools.product(*(factor_levels[n] for n in names)):
                levels = dict(cond.factors)
                levels.update(zip(names, combo))
                # make() gives a factor that did not apply in the base (goal_value of the
                # no-goal control) its default once it applies.
                out.append(self.make(levels))
        return _dedupe(out)


def _dedupe(conditions: list[Condition]) -> list[Condition]:
    seen: dict[str, Condition] = {}
    for cond in conditions:
        seen.setdefault(cond.id, cond)
    return list(seen.values())
