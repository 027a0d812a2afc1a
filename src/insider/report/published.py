"""Published figures (data/published_results.yaml) and how runs are matched to them."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib.resources import files
from typing import Any

import pandas as pd
import yaml

from insider.stats.estimators import wilson

PAPER_PRESET = "paper"
BESIDE_COLUMNS = [
    "model", "condition", "rate", "ci_low", "ci_high", "n", "published_model", "published_rate",
    "published_n", "source", "how", "note",
]


@lru_cache(maxsize=1)
def published() -> dict[str, Any]:
    text = files("insider").joinpath("data/published_results.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def match_model(model_id: str) -> str | None:
    """The published model key for an Inspect model id such as `anthropic/claude-opus-4-20250514`."""
    last = str(model_id).rsplit("/", 1)[-1].lower()
    for key, entry in published()["models"].items():
        if any(re.search(p, last, flags=re.IGNORECASE) for p in entry["match"]):
            return key
    return None


def beside(df: pd.DataFrame) -> pd.DataFrame:
    """Our rate next to the published one, for paper-preset rows whose model and condition match."""
    data = published()
    if df.empty or "preset" not in df:
        return pd.DataFrame(columns=BESIDE_COLUMNS)
    paper = df[df["preset"] == PAPER_PRESET]
    rows = []
    for entry in data["agentic"]:
        sub = paper[paper["condition"] == entry["condition"]]
        for f, v in (entry.get("factors") or {}).items():
            sub = sub.loc[(sub[f].map(_on) == _on(v)).astype(bool)] if f in sub else sub.iloc[0:0]
        if not entry.get("factors") and "prohibitions" in sub:
            # The unqualified figure is for the plain condition: leave out runs with prohibitions on.
            sub = sub.loc[~sub["prohibitions"].map(_on).astype(bool)]
        for model in sorted(sub["model"].unique()):
            if match_model(model) != entry["model"]:
                continue
            ours = sub[sub["model"] == model]
            k = int((ours["verdict"] == "harmful").sum())
            n = k + int((ours["verdict"] == "benign").sum())
            r = wilson(k, n)
            rows.append({
                "model": model, "condition": entry["condition"], "rate": r.rate, "ci_low": r.low,
                "ci_high": r.high, "n": n, "published_model": data["models"][entry["model"]]["name"],
                "published_rate": entry["rate"], "published_n": entry.get("n"),
                "source": data["sources"][entry["source"]]["title"], "how": entry["how"], "note": entry.get("note", ""),
            })
    return pd.DataFrame(rows, columns=BESIDE_COLUMNS)


def _on(v: Any) -> bool:
    """Factor switches are spelled on/off in packs and true/false in the published data."""
    return str(v).strip().lower() in ("true", "on", "yes", "1")


def references(families: set[str]) -> dict[str, list[dict[str, Any]]]:
    """Published figures kept under a family's name (a list of entries), for the families a
    run covers."""
    data = published()
    return {family: data[family] for family in sorted(families) if isinstance(data.get(family), list)}
