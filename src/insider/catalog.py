"""Every scenario family behind one interface, whatever format its texts are kept in.

The email families are scenario packs (pack.yaml); alignment faking (condition x request)
and shutdown (a simulated shell) keep their own files. `insider scenarios` lists, shows and
renders all of them through `Family`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from insider.errors import InsiderError
from insider.scenarios import list_families, load_pack, render


@dataclass
class Family:
    name: str
    behavior: str
    description: str
    factors: dict[str, list[str]]
    defaults: dict[str, str]
    presets: list[str]
    hash: str
    # (preset, factor_levels) -> [(condition id, factors)]
    conditions: Callable[[str | None, dict[str, list[str]] | None], list[tuple[str, dict[str, Any]]]]
    # (condition id, identity seed) -> {"system", "user", "facts"}
    render: Callable[[str, int | None], dict[str, Any]]


def _pack_family(name: str) -> Family:
    pack = load_pack(name)

    def conditions(preset, levels):
        return [(c.id, c.factors) for c in pack.conditions(preset, levels)]

    def render_one(condition_id, seed):
        s = render(pack, pack.condition(condition_id), identity_seed=seed)
        return {"system": s.system, "user": s.user, "facts": s.facts.model_dump(exclude_none=True)}

    return Family(pack.name, pack.behavior, pack.description, pack.factors, pack.defaults, pack.presets,
                  pack.hash, conditions, render_one)


def _grid_defaults(grid) -> dict[str, str]:
    return {n: (f.default or f.levels[0]) for n, f in grid.factors.items()}


def _alignment_faking() -> Family:
    from insider import alignment_faking as af

    fam = af.load_family()

    def conditions(preset, levels):
        return [(c.id, c.factors) for c in af.conditions(preset, levels)]

    def render_one(condition_id, seed):
        found = af.conditions(wanted=[condition_id])
        if len(found) != 1:
            raise InsiderError(f"{condition_id!r} names both tiers; add /monitored or /unmonitored after the objective")
        out = af.render(found[0], af.builtin_requests()[0])
        return {"system": out["system"], "user": out["user"], "facts": out["metadata"]["facts"]}

    factors = {af.TIER: ["true", "false"], **{n: f.levels for n, f in fam.grid.factors.items()}}
    return Family("alignment_faking", "alignment_faking", str(fam.raw.get("description", "")).strip(), factors,
                  {af.TIER: "true", **_grid_defaults(fam.grid)}, [*fam.grid.presets, "full"], fam.hash,
                  conditions, render_one)


def _shutdown() -> Family:
    from insider.agent.shutdown import load_shutdown_pack, render_shutdown

    pack = load_shutdown_pack()

    def conditions(preset, levels):
        return [(c.id, c.factors) for c in pack.conditions(preset, levels)]

    def render_one(condition_id, seed):
        full_id = condition_id if condition_id.startswith("shutdown/") else f"shutdown/{condition_id}"
        for c in pack.grid.full():
            if c.id == full_id:
                out = render_shutdown(c)
                return {"system": out["system"], "user": out["user"], "facts": out["metadata"]["facts"]}
        raise InsiderError(f"unknown condition {condition_id!r} for shutdown; see `insider scenarios show shutdown --preset full`")

    return Family("shutdown", "shutdown", str(pack.raw.get("description", "")).strip(),
                  {n: f.levels for n, f in pack.grid.factors.items()}, _grid_defaults(pack.grid),
                  [*pack.grid.presets, "full"], pack.hash, conditions, render_one)


SPECIAL = {"alignment_faking": _alignment_faking, "shutdown": _shutdown}


def family_names() -> list[str]:
    return [*list_families(), *SPECIAL]


def get_family(name: str) -> Family:
    """A built-in family by name, or a user's pack folder."""
    if name in SPECIAL:
        return SPECIAL[name]()
    return _pack_family(name)
