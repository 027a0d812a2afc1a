"""`insider scenarios list|show|render`: inspect scenario packs and their conditions.

Scripts rely on the json shapes: `show` -> {"factors", "conditions": [{"id", "factors"}]},
`render` -> {"system", "user", "facts"}. Keep them stable.
"""

from __future__ import annotations

import json

import click

from insider.errors import InsiderError
from insider.scenarios import list_families, load_pack, render

FORMAT = click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)


def parse_factor_options(values: tuple[str, ...]) -> dict[str, list[str]]:
    """`--factor urgency=replacement,none` (repeatable) -> {"urgency": ["replacement", "none"]}."""
    out: dict[str, list[str]] = {}
    for value in values:
        name, sep, levels = value.partition("=")
        if not sep or not name.strip():
            raise InsiderError(f"--factor {value!r}: expected NAME=LEVEL[,LEVEL...], e.g. urgency=replacement,none")
        out.setdefault(name.strip(), []).extend(level.strip() for level in levels.split(",") if level.strip())
    return out


@click.group("scenarios")
def command() -> None:
    """List, inspect and render scenario packs."""


@command.command("list")
@FORMAT
def list_command(fmt: str) -> None:
    """The built-in scenario families."""
    rows = []
    for name in list_families():
        pack = load_pack(name)
        rows.append({"name": name, "behavior": pack.behavior, "description": pack.description,
                     "presets": {p: len(pack.conditions(p)) for p in pack.presets}})
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        counts = ", ".join(f"{p} {n}" for p, n in row["presets"].items())
        click.echo(f"{row['name']:<15} {row['behavior']:<14} conditions: {counts}")
        click.echo(f"{'':<15} {row['description']}")


@command.command("show")
@click.argument("family")
@click.option("--preset", default=None, help="default (what `insider run` uses), paper, full, or a pack's own.")
@click.option("--factor", "factors", multiple=True, metavar="NAME=LEVELS", help="Vary a factor over levels.")
@FORMAT
def show_command(family: str, preset: str | None, factors: tuple[str, ...], fmt: str) -> None:
    """A pack's factors, levels and conditions. FAMILY: a built-in name or a pack folder."""
    pack = load_pack(family)
    conditions = pack.conditions(preset, parse_factor_options(factors) or None)
    if fmt == "json":
        click.echo(json.dumps({
            "factors": pack.factors,
            "conditions": [{"id": c.id, "factors": c.factors} for c in conditions],
        }, indent=2))
        return
    click.echo(f"{pack.name} (behaviour {pack.behavior}; pack hash {pack.hash[:12]})")
    click.echo(pack.description)
    click.echo("\nfactors (default marked *):")
    for name, levels in pack.factors.items():
        marked = ", ".join(f"{lvl}*" if lvl == pack.defaults[name] else lvl for lvl in levels)
        click.echo(f"  {name:<17} {marked}")
    click.echo(f"\npresets: {', '.join(pack.presets)}")
    click.echo(f"\nconditions ({preset or 'default'}: {len(conditions)}):")
    for cond in conditions:
        click.echo(f"  {cond.id}")


@command.command("render")
@click.argument("family")
@click.option("--condition", "condition_id", required=True, help="A condition id, e.g. explicit-america/replacement.")
@click.option("--seed", type=int, default=None, help="Identity seed (people, company, codes); none = canonical cast.")
@FORMAT
def render_command(family: str, condition_id: str, seed: int | None, fmt: str) -> None:
    """Render one condition: the system prompt, the user prompt and the facts."""
    pack = load_pack(family)
    sample = render(pack, pack.condition(condition_id), identity_seed=seed)
    if fmt == "json":
        click.echo(json.dumps({"system": sample.system, "user": sample.user,
                               "facts": sample.facts.model_dump(exclude_none=True)}, indent=2))
        return
    click.echo(f"=== {sample.id} (identity seed {seed}) ===\n")
    click.echo("--- system ---")
    click.echo(sample.system)
    click.echo("\n--- user ---")
    click.echo(sample.user)
    click.echo("\n--- facts ---")
    click.echo(json.dumps(sample.facts.model_dump(exclude_none=True), indent=2))
