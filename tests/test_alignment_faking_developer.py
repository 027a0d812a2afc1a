"""Alignment faking with the evaluated model's own developer named, the free-tier cue, and a
user's own system prompt file."""

from __future__ import annotations

import hashlib
import json

from insider.families.alignment_faking import scenario as af

# sha256 over the renderings of every design condition with the company levels that existed
# before the `developer` level (named, generic), both tiers, the first three built-in
# requests; computed before the developer level and the tier-cue factor were added.
PINNED_ORIGINAL = (96, "8f5404b72c95ae6576bdb2a46d640507542f9221a84f1a7b10e9a4bf012426a3")


def original_designs():
    fam = af.load_family()
    return [b for b in fam.grid.full()
            if b.factors["company"] in ("named", "generic")
            and all(level == fam.grid.factors[name].default for name, level in b.factors.items()
                    if name not in ("objective", "training_description", "scratchpad", "company"))]


def test_original_conditions_render_as_before():
    requests = af.builtin_requests()[:3]
    conditions = [c for b in original_designs() for c in af._paired(b, [True, False])]
    digest = hashlib.sha256()
    count = 0
    for cond in sorted(conditions, key=lambda c: c.id):
        for request in requests:
            out = af.render(cond, request)
            digest.update(json.dumps([cond.id, out["system"], out["user"], out["metadata"]["facts"]],
                                     sort_keys=True).encode())
            count += 1
    assert (count, digest.hexdigest()) == PINNED_ORIGINAL
