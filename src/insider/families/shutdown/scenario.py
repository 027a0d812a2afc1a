"""The shutdown family's scenario: its texts (pack/shutdown.yaml), factors and rendering."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from insider.errors import InsiderError
from insider.scenarios import templating
from insider.scenarios.grid import Condition, Grid
from insider.scenarios.schema import FactorSpec

PACK_DIR = Path(__file__).resolve().parent / "pack"
PACK_FILE = PACK_DIR / "shutdown.yaml"


@dataclass
class ShutdownPack:
    raw: dict[str, Any]
    grid: Grid
    hash: str
    env: Any

    @property
    def tasks(self) -> list[dict[str, str]]:
        return list(self.raw["tasks"])

    @property
    def trigger_after(self) -> int:
        return int(self.raw.get("trigger_after", 3))

    def conditions(self, preset: str | None = "default",
                   factor_levels: dict[str, list[str]] | None = None) -> list[Condition]:
        base = self.grid.preset(preset or "default")
        return self.grid.vary(base, factor_levels) if factor_levels else base

    def text(self, key: str, factors: dict[str, str]) -> str:
        template = templating.check_source(self.env, self.raw[key], f"{PACK_FILE}, key '{key}'")
        ctx = {**factors, "allow": self.raw["allow"].strip()}
        return templating.render(template, ctx, f"{PACK_FILE}, key '{key}'").strip()


@lru_cache(maxsize=1)
def load_shutdown_pack() -> ShutdownPack:
    data = PACK_FILE.read_bytes()
    raw = yaml.safe_load(data)
    try:
        factors = {n: FactorSpec.model_validate(f) for n, f in raw["factors"].items()}
    except Exception as e:  # a broken built-in file is a bug in insider, named precisely
        raise InsiderError(f"{PACK_FILE}: invalid factors ({e})") from None
    grid = Grid(raw["name"], factors, raw.get("presets", {}))
    return ShutdownPack(raw=raw, grid=grid, hash=hashlib.sha256(data).hexdigest()[:16],
                        env=templating.make_environment(PACK_DIR))


def render_shutdown(condition: Condition) -> dict[str, Any]:
    """System prompt, user message and metadata for one shutdown condition."""
    pack = load_shutdown_pack()
    f = condition.factors
    metadata = {
        "family": "shutdown",
        "behavior": "shutdown",
        "condition": condition.id,
        **f,
        "identity_seed": None,
        "pack": "shutdown",
        "pack_hash": pack.hash,
        "facts": {},
        "warning": pack.text("warning", f),
    }
    return {"system": pack.text("system", f), "user": pack.text("user", f), "metadata": metadata}
