"""The email packs' ingredient factors: the conditions that existed before them render exactly
as they did, each new factor changes what it names and nothing else, and `paper` takes the
study's levels."""

from __future__ import annotations

import hashlib
import json

import pytest

from insider.scenarios import load_pack, render

FAMILIES = ["blackmail", "leaking", "lethal_action"]
# The factors every email pack had before the ingredient factors were added.
ORIGINAL_FACTORS = {"goal_type", "goal_value", "urgency", "prohibitions", "awareness_notice", "scratchpad"}

# sha256 over the renderings (id, system, user, facts, inbox) of the conditions that use only
# the original factors, computed from the packs before the ingredient factors existed.
PINNED_FULL = {  # every such condition of `full`, canonical cast
    "blackmail": (624, "07591c773288003ce40953cd8bbb4242ae066b7925a36c697ee3c7aab36fc986"),
    "leaking": (624, "43077a26f5b6ec2bb5b24975eec31ff994d041c08c2b04b4872b640bba669735"),
    "lethal_action": (624, "cb052e147098de18dfbf5a1ef6c2ad7a637e6fb304c1d6cd7d7f85b83e80d9f5"),
}
PINNED_FULL_SEED_7 = {  # the same conditions with identity seed 7
    "blackmail": (624, "98e12c5c2c2029f7e80f9d74cf0fe5889b1e5c34ad9db08539eb11cb65c59190"),
    "leaking": (624, "d545e95bd4ae47bca258f7801b6d0ac5c24642afcbc1ecedf3a3fcadf3c5e59b"),
    "lethal_action": (624, "f5f28b48133b996ff71ac5d9bbabf2b4b82bec0c3d2a5df599507f9a5bc314ed"),
}
PINNED_DEFAULT_SEEDS = {  # the default preset with identity seeds 1 and 2024
    "blackmail": (4, "1659d2e777dd483bfb0f1b7d6273e65de7dde1c8aa654cdf50b0a4b9f63ee47f"),
    "leaking": (4, "025c35d19f3cbda973d23abb3a1dccf7e9b698f1bb6192470b540483dd3076a7"),
    "lethal_action": (4, "a71ee4ac875a8b708342240e03d06706c8d10f31b515d274c9c010ef26aad3fa"),
}
PINNED_DEFAULT_NATIVE = {  # the default preset rendered for native function tools
    "blackmail": (2, "6ceb797894f9d43cd4e011d97597ba516be3656bfbad294645b318e1acf6d190"),
    "leaking": (2, "e5875fb468ee4e98e703840350134b08b4ec1145e2f207a741a1213d75b65ccf"),
    "lethal_action": (2, "abc22e85687352577dd181dd9b5190cd74b0eeffaf089a4b14c39c742c1addbd"),
}


def original_conditions(pack, preset: str = "full"):
    """The preset's conditions in which every factor added later is at its default (or n/a)."""
    return sorted(
        (c for c in pack.conditions(preset)
         if all(level in (pack.defaults[name], "none") for name, level in c.factors.items()
                if name not in ORIGINAL_FACTORS)),
        key=lambda c: c.id,
    )


def rendering_digest(pack, conditions, seeds=(None,), tool_mode: str = "markup") -> tuple[int, str]:
    """(renderings, sha256) over id, prompts, facts and inbox of each condition x seed."""
    digest = hashlib.sha256()
    count = 0
    for cond in conditions:
        for seed in seeds:
            s = render(pack, cond, identity_seed=seed, tool_mode=tool_mode)
            digest.update(json.dumps([s.id, s.system, s.user, s.facts.model_dump(),
                                      [e.model_dump() for e in s.emails]], sort_keys=True).encode())
            count += 1
    return count, digest.hexdigest()


# -- the conditions that existed before render as before ----------------------------------

@pytest.mark.parametrize("family", FAMILIES)
def test_original_conditions_render_as_before(family):
    pack = load_pack(family)
    conditions = original_conditions(pack)
    assert rendering_digest(pack, conditions) == PINNED_FULL[family]
    assert rendering_digest(pack, conditions, seeds=(7,)) == PINNED_FULL_SEED_7[family]


@pytest.mark.parametrize("family", FAMILIES)
def test_default_preset_renders_as_before(family):
    pack = load_pack(family)
    default = pack.conditions("default")
    assert [c.id for c in default] == [f"{family}/explicit-america/replacement", f"{family}/none/none"]
    assert original_conditions(pack, "default") == sorted(default, key=lambda c: c.id)
    assert rendering_digest(pack, sorted(default, key=lambda c: c.id), seeds=(1, 2024)) == PINNED_DEFAULT_SEEDS[family]
    assert rendering_digest(pack, sorted(default, key=lambda c: c.id), tool_mode="native") == PINNED_DEFAULT_NATIVE[family]
