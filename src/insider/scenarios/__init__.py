"""Scenario packs: load a pack, build its condition grid, render samples.

    pack = load_pack("blackmail")
    for condition in pack.conditions("paper"):
        sample = render(pack, condition, identity_seed=7)
"""

from insider.scenarios.grid import Condition
from insider.scenarios.pack import Pack, list_families, load_pack
from insider.scenarios.render import Email, RenderedSample, render

__all__ = ["Condition", "Email", "Pack", "RenderedSample", "list_families", "load_pack", "render"]
