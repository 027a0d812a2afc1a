"""Build a family's Inspect task or samples the way `insider run` does, from keyword options."""

from __future__ import annotations

from insider.family import get_family
from insider.options import TaskOptions
from insider.tasks import build_task


def family_task(family: str, **options):
    """The task of one family, options as Inspect's `-T` would pass them."""
    return build_task(get_family(family), TaskOptions.from_task_args(**options))


def agentic_task(families: list[str], interaction: str = "tool_loop", **options):
    """An email family as a multi-turn agent (`interaction` single_turn, tool_loop or both)."""
    (family,) = families
    return family_task(family, interaction=interaction, **options)


def agentic_samples(families: list[str], *, interactions: list[str], **options):
    out = []
    for family in families:
        out += get_family(family).samples(TaskOptions.from_task_args(interaction=interactions, **options))
    return out
