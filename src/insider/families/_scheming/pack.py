"""Scenario texts of the scheming families: one YAML file per family plus shared texts.

A family's file (`<family>/pack/<family>.yaml`) holds its factors, presets, prompts and the
files of its sandbox, all Jinja templates rendered with the condition's factors, the topic's
goal pair (`_scheming/pack/common.yaml`) and the goal nudge. Nothing here touches the host:
the rendered files are strings that the sandbox puts in its in-memory shell.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml

from insider.errors import InsiderError
from insider.scenarios import templating
from insider.scenarios.grid import Condition, Grid
from insider.scenarios.schema import FactorSpec

COMMON_FILE = Path(__file__).resolve().parent / "pack" / "common.yaml"
FAMILIES_DIR = Path(__file__).resolve().parents[1]


@lru_cache(maxsize=1)
def common() -> dict[str, Any]:
    """The shared texts: topics (goal pairs), nudges, interview wordings."""
    return yaml.safe_load(COMMON_FILE.read_text(encoding="utf-8"))


@dataclass
class SchemingPack:
    """One family's texts, its grid and the digest recorded with every run."""

    name: str
    path: Path
    raw: dict[str, Any]
    grid: Grid
    hash: str
    env: Any

    def conditions(self, preset: str | None = "default",
                   factor_levels: dict[str, list[str]] | None = None) -> list[Condition]:
        base = self.grid.preset(preset or "default")
        return self.grid.vary(base, factor_levels) if factor_levels else base

    def condition(self, condition_id: str) -> Condition:
        full_id = condition_id if condition_id.startswith(f"{self.name}/") else f"{self.name}/{condition_id}"
        for c in self.grid.full():
            if c.id == full_id:
                return c
        raise InsiderError(f"unknown condition {condition_id!r} for {self.name}; "
                           f"see `insider scenarios show {self.name} --preset full`")

    def context(self, factors: dict[str, Any]) -> dict[str, Any]:
        """What every template of this family sees: factors, the topic's goal pair, the nudge."""
        shared = common()
        topic_name = factors.get("topic") or self.raw.get("topic") or next(iter(shared["topics"]))
        topic = shared["topics"][topic_name]
        nudge = shared["nudge"].get(factors.get("goal_nudge", "none"), "")
        return {**topic, **factors, "topic": topic_name, "nudge": nudge.strip(), "company_name": topic["company"],
                "extra": self.raw.get("extra") or {}}

    def text(self, source: str, factors: dict[str, Any], where: str) -> str:
        """One template rendered for these factors."""
        where = f"{self.path}, {where}"
        template = templating.check_source(self.env, source, where)
        return templating.render(template, self.context(factors), where).strip()

    def key(self, key: str, factors: dict[str, Any]) -> str:
        return self.text(self.raw[key], factors, f"key '{key}'")

    def files(self, factors: dict[str, Any]) -> dict[str, str]:
        """The sandbox's files for these factors: path -> content (paths are templates too)."""
        out: dict[str, str] = {}
        for path, source in (self.raw.get("files") or {}).items():
            name = self.text(str(path), factors, f"file path {path!r}")
            out[name] = self.text(str(source), factors, f"file {path!r}") + "\n"
        return out


@cache
def load_pack(name: str) -> SchemingPack:
    """The pack of the scheming family `name` (its folder's `pack/<name>.yaml`)."""
    path = FAMILIES_DIR / name / "pack" / f"{name}.yaml"
    data = path.read_bytes()
    raw = yaml.safe_load(data)
    try:
        factors = {n: FactorSpec.model_validate(f) for n, f in raw["factors"].items()}
    except Exception as e:  # a broken built-in file is a bug in insider, named precisely
        raise InsiderError(f"{path}: invalid factors ({e})") from None
    digest = hashlib.sha256(data + COMMON_FILE.read_bytes()).hexdigest()[:16]
    return SchemingPack(name=name, path=path, raw=raw, grid=Grid(raw["name"], factors, raw.get("presets", {})),
                        hash=digest, env=templating.make_environment(path.parent))
