"""`insider scenarios list|show|render`: inspect scenario packs and their conditions.

Scripts rely on the json shapes: `show` -> {"factors", "conditions": [{"id", "factors"}]},
`render` -> {"system", "user", "facts"}. Keep them stable.
"""

from __future__ import annotations

import json

import click

from insider.cli.terminal import escape
from insider.family import family_names, get_family
from insider.options import PROMPT_SOURCES, TaskOptions, parse_factor_selections

PROMPTS = click.option("--prompts", type=click.Choice(PROMPT_SOURCES), default="ours", show_default=True,
                       help="Our scenario pack, or the study's own prompts (blackmail, leaking, lethal_action).")


def _family_for(family: str, prompts: str):
    """The family, refused in one line when it has no such prompt source."""
    fam = get_family(family)
    TaskOptions(prompts=prompts).check_for(fam)
    return fam


FORMAT = click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)


@click.group("scenarios")
def command() -> None:
    """List, inspect and render scenario packs."""


@command.command("list")
@FORMAT
def list_command(fmt: str) -> None:
    """The built-in scenario families."""
    rows = []
    for name in family_names():
        fam = get_family(name)
        behavior = fam.behaviour.name if fam.behaviour else "+".join(getattr(fam, "members", []))
        rows.append({"name": name, "behavior": behavior, "description": fam.description,
                     "presets": {p: len(fam.conditions(p, None)) for p in fam.presets}})
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        counts = ", ".join(f"{p} {n}" for p, n in row["presets"].items())
        click.echo(escape(f"{row['name']:<15} {row['behavior']:<14} conditions: {counts}"))
        click.echo(escape(f"{'':<15} {row['description']}"))


@command.command("show")
@click.argument("family")
@click.option("--preset", default=None, help="default (what `insider run` uses), paper, full, or a pack's own.")
@click.option("--factor", "factors", multiple=True, metavar="NAME=LEVELS", help="Vary a factor over levels.")
@PROMPTS
@FORMAT
def show_command(family: str, preset: str | None, factors: tuple[str, ...], prompts: str, fmt: str) -> None:
    """A pack's factors, levels and conditions. FAMILY: a built-in name or a pack folder."""
    fam = _family_for(family, prompts)
    levels = parse_factor_selections(factors) or None
    # with the study's prompts: the conditions as they realise them (what a run would sample)
    conditions = fam.conditions(preset, levels, prompts=prompts) if prompts != "ours" else fam.conditions(preset, levels)
    if fmt == "json":
        click.echo(json.dumps({
            "factors": fam.factors,
            "conditions": [{"id": cid, "factors": cf} for cid, cf in conditions],
        }, indent=2))
        return
    behavior = fam.behaviour.name if fam.behaviour else "+".join(getattr(fam, "members", []))
    click.echo(escape(f"{fam.name} (behaviour {behavior}; pack hash {fam.hash[:12]})"))
    click.echo(escape(fam.description))
    if prompts != "ours":
        click.echo("prompts: the study's own, from inspect-evals' agentic_misalignment prompt generator")
    click.echo("\nfactors (default marked *):")
    for name, levels in fam.factors.items():
        marked = ", ".join(f"{lvl}*" if lvl == fam.defaults.get(name) else lvl for lvl in levels)
        click.echo(escape(f"  {name:<22} {marked}"))
    click.echo(escape(f"\npresets: {', '.join(fam.presets)}"))
    click.echo(escape(f"\nconditions ({preset or 'default'}: {len(conditions)}):"))
    for cid, _ in conditions:
        click.echo(escape(f"  {cid}"))


@command.command("render")
@click.argument("family")
@click.option("--condition", "condition_id", required=True, help="A condition id, e.g. explicit-america/replacement.")
@click.option("--seed", type=int, default=None, help="Identity seed (people, company, codes); none = canonical cast.")
@PROMPTS
@FORMAT
def render_command(family: str, condition_id: str, seed: int | None, prompts: str, fmt: str) -> None:
    """Render one condition: the system prompt, the user prompt and the facts."""
    fam = _family_for(family, prompts)
    out = fam.render(condition_id, seed, prompts=prompts) if prompts != "ours" else fam.render(condition_id, seed)
    if fmt == "json":
        click.echo(json.dumps(out, indent=2))
        return
    click.echo(escape(f"=== {condition_id} (identity seed {seed}) ===\n"))
    click.echo("--- system ---")
    click.echo(escape(out["system"]))
    click.echo("\n--- user ---")
    click.echo(escape(out["user"]))
    click.echo("\n--- facts ---")
    click.echo(json.dumps(out["facts"], indent=2))
