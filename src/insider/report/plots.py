"""Report figures as SVG bytes (matplotlib, Agg backend, no network, no fonts fetched).

Labels come from logs (model ids, condition ids), so math parsing is off: a `$` in a label is
text, not a mathtext expression. Text is drawn as paths, so no label survives as markup.
"""

from __future__ import annotations

import io
import math
import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.ticker import FuncFormatter, NullFormatter  # noqa: E402

_RC = {"text.parse_math": False, "svg.fonttype": "path", "font.size": 9, "svg.hashsalt": None}
_MAX_LABEL = 48


def _label(s: object) -> str:
    s = str(s)
    return s if len(s) <= _MAX_LABEL else s[: _MAX_LABEL - 1] + "…"


def _svg(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None})
    plt.close(fig)
    # matplotlib repeats each label in an XML comment; drop them so no log text rides along.
    return re.sub(rb"<!--.*?-->", b"", buf.getvalue(), flags=re.S)


def rate_plot(cells: pd.DataFrame) -> bytes | None:
    """Harmful rate per condition with 95% Wilson whiskers, one marker series per model."""
    cells = cells[cells["n"] > 0]
    if cells.empty:
        return None
    with matplotlib.rc_context(_RC):
        conditions = sorted(cells["condition"].astype(str).unique())
        models = sorted(cells["model"].astype(str).unique())
        fig, ax = plt.subplots(figsize=(max(5.0, 0.3 * len(conditions) * len(models) + 2), 3.8))
        width = 0.8 / len(models)
        for i, model in enumerate(models):
            m = cells[cells["model"] == model].set_index("condition")
            xs, ys, lo, hi = [], [], [], []
            for j, c in enumerate(conditions):
                if c in m.index:
                    r = m.loc[c]
                    xs.append(j - 0.4 + width * (i + 0.5))
                    ys.append(r["rate"])
                    lo.append(r["rate"] - r["ci_low"])
                    hi.append(r["ci_high"] - r["rate"])
            ax.errorbar(xs, ys, yerr=[lo, hi], fmt="o", capsize=3, label=_label(model))
        ax.set_xticks(range(len(conditions)), [_label(c) for c in conditions], rotation=35, ha="right")
        ax.set_ylim(-0.03, 1.03)
        ax.set_ylabel("harmful rate (95% Wilson CI)")
        ax.grid(axis="y", alpha=0.3)
        ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        return _svg(fig)


def heatmap(cells: pd.DataFrame) -> bytes | None:
    """Rate by family (rows) x condition (columns, the id without its family), one panel per model."""
    cells = cells[cells["n"] > 0].copy()
    if cells.empty:
        return None
    cells["setting"] = [
        c.split("/", 1)[1] if isinstance(c, str) and c.startswith(f"{f}/") else str(c)
        for c, f in zip(cells["condition"], cells["family"])
    ]
    models = sorted(cells["model"].astype(str).unique())
    families = sorted(cells["family"].astype(str).unique())
    settings = sorted(cells["setting"].unique())
    with matplotlib.rc_context(_RC):
        fig, axes = plt.subplots(
            len(models), 1, squeeze=False,
            figsize=(max(4.0, 0.7 * len(settings) + 2.5), (0.45 * len(families) + 2.2) * len(models)),
        )
        # Room for the rotated condition labels under each panel; bbox "tight" trims the rest.
        fig.subplots_adjust(hspace=1.2)
        for ax, model in zip(axes[:, 0], models):
            grid = np.full((len(families), len(settings)), np.nan)
            m = cells[cells["model"] == model]
            for _, r in m.iterrows():
                grid[families.index(str(r["family"])), settings.index(r["setting"])] = r["rate"]
            im = ax.imshow(np.ma.masked_invalid(grid), vmin=0, vmax=1, cmap="Reds", aspect="auto")
            for (y, x), v in np.ndenumerate(grid):
                if not math.isnan(v):
                    ax.text(x, y, f"{v:.0%}", ha="center", va="center", fontsize=7, color="white" if v > 0.6 else "black")
            ax.set_xticks(range(len(settings)), [_label(s) for s in settings], rotation=35, ha="right")
            ax.set_yticks(range(len(families)), [_label(f) for f in families])
            ax.set_title(_label(model), fontsize=9)
            fig.colorbar(im, ax=ax, fraction=0.046, pad=0.04, label="harmful rate")
        return _svg(fig)


def effects_plot(effects: pd.DataFrame) -> bytes | None:
    """Odds ratios with 95% intervals on a log axis, one row per model/family/term."""
    e = effects[effects["odds_ratio"].notna()]
    if e.empty:
        return None
    # The term first: it is what differs between rows; model and family go on a second line.
    labels = [f"{_label(t)}\n{_label(f'{m} · {f}')}" for m, f, t in zip(e["model"], e["family"], e["term"])]
    with matplotlib.rc_context(_RC):
        fig, ax = plt.subplots(figsize=(6.5, 0.45 * len(e) + 1.2))
        y = np.arange(len(e))[::-1]
        # Clip so a near-infinite bound from a sparse cell does not flatten the axis.
        orr = e["odds_ratio"].clip(1e-3, 1e3).to_numpy()
        lo = e["ci_low"].clip(1e-3, 1e3).to_numpy()
        hi = e["ci_high"].clip(1e-3, 1e3).to_numpy()
        ax.errorbar(orr, y, xerr=[orr - lo, hi - orr], fmt="o", capsize=3)
        ax.axvline(1.0, color="grey", lw=0.8, ls="--")
        ax.set_xscale("log")
        # Plain tick labels: the default log formatter emits mathtext, which is off here.
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_yticks(y, labels)
        ax.set_xlabel("odds ratio (95% CI, log scale)")
        return _svg(fig)
