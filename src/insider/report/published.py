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
ORIGINAL = "original"
# The study's plain prompt, the setting an unqualified published figure is for.
STUDY_SWITCHES = {"prohibitions": "off", "awareness_notice": "off", "scratchpad": "on"}
_SWITCH_WORDS = {"on", "off", "true", "false", "yes", "no", "1", "0"}
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


def prompts_of(df: pd.DataFrame) -> pd.Series:
    """Each row's prompt source: "original" (the study's prompts) or "ours" (older logs: ours)."""
    if "prompts" not in df:
        return pd.Series("ours", index=df.index)
    return df["prompts"].fillna("ours").astype(str)


def comparable(df: pd.DataFrame) -> pd.DataFrame:
    """The rows a published figure can sit beside: those whose prompts were the study's."""
    return df[prompts_of(df) == ORIGINAL] if not df.empty else df


def own_stimulus(df: pd.DataFrame) -> pd.DataFrame:
    """Paper-preset rows on our own scenario packs: the study's design, a different stimulus."""
    if df.empty or "preset" not in df:
        return df.iloc[0:0]
    return df[(prompts_of(df) != ORIGINAL) & (df["preset"] == PAPER_PRESET)]


def beside(df: pd.DataFrame) -> pd.DataFrame:
    """Our rate next to the published one, for rows whose model and condition match a figure.

    Args:
        df: the rows to match (`comparable(df)` for a comparison, `own_stimulus(df)` for
            orientation beside runs of another stimulus).
    """
    data = published()
    if df.empty:
        return pd.DataFrame(columns=BESIDE_COLUMNS)
    rows = []
    for entry in data["agentic"]:
        sub = _matching(df, entry)
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


def _matching(df: pd.DataFrame, entry: dict[str, Any]) -> pd.DataFrame:
    """The rows of the published figure's cell: its family, goal and urgency (by factor when
    the table has them, else by condition id) and the plain study prompt (no prohibitions, no
    awareness notice, scratchpad on) unless the figure names other switch settings."""
    family, _, rest = entry["condition"].partition("/")
    goal, _, urgency = rest.partition("/")
    goal_type, _, goal_value = goal.partition("-")
    want: dict[str, Any] = {**STUDY_SWITCHES, **(entry.get("factors") or {})}
    if "goal_type" in df and "urgency" in df:
        sub = df[df["family"] == family] if "family" in df else df
        want.update(goal_type=goal_type, goal_value=goal_value or "none", urgency=urgency)
    else:
        sub = df[df["condition"] == entry["condition"]]
    for f, v in want.items():
        if f in sub:
            sub = sub.loc[sub[f].map(lambda x, v=v: _same(x, v)).astype(bool)]
        elif f in (entry.get("factors") or {}):
            sub = sub.iloc[0:0]  # the figure needs a setting these rows do not record
    return sub


def _same(value: Any, wanted: Any) -> bool:
    if str(wanted).strip().lower() in _SWITCH_WORDS:
        return _on(value) == _on(wanted)
    return str(value) == str(wanted)


def _on(v: Any) -> bool:
    """Factor switches are spelled on/off in packs and true/false in the published data."""
    return str(v).strip().lower() in ("true", "on", "yes", "1")


def references(families: set[str]) -> dict[str, list[dict[str, Any]]]:
    """Published figures kept under a family's name (a list of entries), for the families a
    run covers."""
    data = published()
    return {family: data[family] for family in sorted(families) if isinstance(data.get(family), list)}
