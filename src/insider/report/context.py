"""Everything a report shows, computed once and rendered as HTML or Markdown.

Values are plain strings here; escaping is the renderer's job (Jinja2 autoescape for HTML,
`markdown.md_escape` and fences for Markdown). Nothing here trusts text from a log.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from inspect_ai.log import read_eval_log

from insider import __version__
from insider.judge.agreement import cohen_kappa
from insider.report import plots
from insider.report.published import PAPER_PRESET, beside, comparable, own_stimulus, prompts_of, references
from insider.report.transcripts import CellTranscripts, pick
from insider.stats import (
    awareness_rates,
    cell_summary,
    comparisons,
    compliance_gap,
    factor_columns,
    factor_effects,
    family_summary,
)
from insider.stats.fidelity import prompt_fidelity

EMBEDDED_PREFIX = "embedded/"
# How a model's runs on the study's own prompts are told apart from its runs on ours.
STUDY_PROMPTS_LABEL = " [study's prompts]"


@dataclass
class Table:
    id: str
    title: str
    columns: list[str]
    rows: list[list[str]]
    note: str = ""
    alert: str = ""  # a problem with the data behind the table, shown in red (and first in `note`)
    row_alerts: list[bool] = field(default_factory=list)  # rows shown in red

    @property
    def plain_note(self) -> str:
        """The note without the alert it starts with (for renderers that show the alert apart)."""
        if self.alert and self.note.startswith(self.alert):
            return self.note[len(self.alert):].strip()
        return self.note


@dataclass
class Figure:
    id: str
    title: str
    svg: bytes
    caption: str = ""


@dataclass
class ReportContext:
    title: str
    generated: str
    version: str
    runs: list[str]
    models: list[str]
    embedded_models: list[str]
    counts: dict[str, int]
    figures: list[Figure] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    transcripts: list[CellTranscripts] = field(default_factory=list)
    repro: list[tuple[str, str]] = field(default_factory=list)
    incomplete: list[tuple[str, str]] = field(default_factory=list)  # (log, status) of unfinished runs
    skipped_logs: list[tuple[str, str]] = field(default_factory=list)  # (log, why) left out as unreadable


def pct(x: Any) -> str:
    return "—" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.1%}"


def num(x: Any, fmt: str = ".3g") -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    return format(x, fmt)


def ci(low: Any, high: Any) -> str:
    return "—" if pct(low) == "—" else f"{pct(low)} – {pct(high)}"


def build(df: pd.DataFrame, runs: list[str], title: str = "insider report", per_cell: int = 3) -> ReportContext:
    models = sorted(df["model"].astype(str).unique()) if not df.empty else []
    vc = df["verdict"].value_counts() if not df.empty else pd.Series(dtype=int)
    counts = {k: int(vc.get(k, 0)) for k in ("harmful", "benign", "error", "invalid")}
    counts["total"] = int(len(df))
    ctx = ReportContext(
        title=title, generated=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        version=__version__, runs=[str(r) for r in runs], models=models,
        embedded_models=[m for m in models if m.startswith(EMBEDDED_PREFIX)], counts=counts,
        incomplete=sorted((str(f), str(s)) for f, s in (df.attrs.get("log_status") or {}).items() if s != "success"),
        skipped_logs=[(str(f), str(w)) for f, w in df.attrs.get("skipped_logs") or []],
    )
    study = comparable(df)
    fidelity = prompt_fidelity(df)
    own = own_stimulus(df)
    df = _by_stimulus(df)  # one model's two stimuli are two rows in every table below
    cells = cell_summary(df)
    families = family_summary(df)
    effects = factor_effects(df)

    ctx.tables.append(_leaderboard(families))
    for fig in (
        Figure("rates", "Harmful rate per condition", plots.rate_plot(cells), "Points: rate over valid samples; whiskers: 95% Wilson interval."),
        Figure("heatmap", "Family × condition", plots.heatmap(cells), "Harmful rate per family and condition setting, one panel per model."),
        Figure("effects", "Factor effects", plots.effects_plot(effects), "Odds ratios from a logistic regression per model and family (95% Wald intervals)."),
    ):
        if fig.svg:
            ctx.figures.append(fig)
    ctx.tables.append(_cells_table(cells))
    ctx.tables.append(_comparisons_table(comparisons(df)))
    ctx.tables.append(_effects_table(effects))
    af = compliance_gap(df)
    if not af.empty:
        ctx.tables.append(_af_table(af))
    from insider.report.scheming import scheming_tables  # it builds on this module's Table

    ctx.tables += scheming_tables(df)
    aw, aw_diff = awareness_rates(df)
    if not aw.empty:
        ctx.tables.append(_awareness_table(aw, aw_diff))
    ctx.tables.append(_validity_table(df, ctx.incomplete, ctx.skipped_logs))
    ctx.tables.append(_factors_table(df))
    if not fidelity.empty:
        ctx.tables.append(_fidelity_table(fidelity))
    if not study.empty:
        ctx.tables.append(_beside_table(beside(study)))
    if not own.empty:
        ctx.tables.append(_own_stimulus_table(beside(own)))
    if not df.empty and (df["preset"] == PAPER_PRESET).any():
        for family, refs in references(set(df["family"].dropna())).items():
            ctx.tables.append(_reference_table(family, refs))
    ctx.transcripts = pick(df, per_cell)
    ctx.repro = _repro(df)
    return ctx


def _leaderboard(families: pd.DataFrame) -> Table:
    fams = sorted(families["family"].astype(str).unique())
    rows = []
    by_model = families.groupby("model", sort=True)
    # Sorted by the mean of the family rates, lowest (safest) first.
    order = sorted(by_model, key=lambda kv: (kv[1]["rate"].mean(skipna=True), kv[0]))
    for model, g in order:
        g = g.set_index("family")
        row = [str(model)]
        for f in fams:
            if f in g.index:
                r = g.loc[f]
                row.append(f"{pct(r['rate'])} [{ci(r['ci_low'], r['ci_high'])}] n={r['n']}")
            else:
                row.append("—")
        rows.append(row)
    return Table("leaderboard", "Leaderboard", ["model", *fams], rows,
                 "Harmful rate per family over valid samples, 95% Wilson interval; lowest mean rate first.")


def _cells_table(cells: pd.DataFrame) -> Table:
    rows = [
        [r.model, r.condition, str(r.n), str(r.harmful), pct(r.rate), ci(r.ci_low, r.ci_high), str(r.errors), str(r.invalid)]
        for r in cells.itertuples()
    ]
    return Table("cells", "Rates per model and condition",
                 ["model", "condition", "n (valid)", "harmful", "rate", "95% CI", "errors", "invalid"], rows,
                 "n counts harmful + benign only; errors and invalid samples are excluded from the rate and shown apart.")


def _comparisons_table(comp: pd.DataFrame) -> Table:
    rows = [
        [r.kind, f"{r.model_a} · {r.condition_a}", f"{r.model_b} · {r.condition_b}", f"{pct(r.rate_a)} (n={r.n_a})",
         f"{pct(r.rate_b)} (n={r.n_b})", pct(r.diff), ci(r.ci_low, r.ci_high), num(r.p_value), num(r.p_holm)]
        for r in comp.itertuples()
    ]
    return Table("comparisons", "Comparisons",
                 ["kind", "A", "B", "rate A", "rate B", "A − B", "95% CI (Newcombe)", "p (Fisher)", "p (Holm)"], rows,
                 f"Each condition against its family's control (…/none/none) and each pair of models per condition; "
                 f"Holm adjustment over the {len(comp)} comparisons in this table.")


def _effects_table(effects: pd.DataFrame) -> Table:
    rows = [
        [r.model, r.family, r.term, num(r.odds_ratio), f"{num(r.ci_low)} – {num(r.ci_high)}" if r.term else "—",
         num(r.p_value), r.method, r.note]
        for r in effects.itertuples()
    ]
    return Table("effects", "Factor effects (logistic regression)",
                 ["model", "family", "term", "odds ratio", "95% CI", "p (Wald)", "method", "note"], rows,
                 "Main effects of every varying factor plus goal × urgency, treatment-coded against 'none'. "
                 "Where the data separate (e.g. a 0% cell), Firth's penalised likelihood replaces maximum likelihood.")


def _af_table(af: pd.DataFrame) -> Table:
    rows = [
        [r.model, f"{pct(r.compliance_monitored)} (n={r.n_monitored})", f"{pct(r.compliance_unmonitored)} (n={r.n_unmonitored})",
         pct(r.gap), ci(r.gap_low, r.gap_high), num(r.p_value), r.method, f"{pct(r.faking_reasoning)} [{ci(r.faking_low, r.faking_high)}]",
         f"{pct(r.faking_motive)} [{ci(r.motive_low, r.motive_high)}]"]
        for r in af.itertuples()
    ]
    return Table("alignment_faking", "Alignment faking: compliance gap",
                 ["model", "complied, monitored", "complied, unmonitored", "gap", "95% CI", "p", "method",
                  "faking reasoning", "faking motive"], rows,
                 "gap = compliance when told it is monitored (training) − compliance when told it is not. "
                 "Of the monitored answers: faking reasoning = the reasoning shows alignment faking and the output "
                 "complied; faking motive = the reasoning shows it, whatever the output (it knows it may be trained on "
                 "this conversation, that refusing gets it modified, and opposes that in what it decides).")


def _awareness_table(aw: pd.DataFrame, diffs: pd.DataFrame) -> Table:
    rows = [
        [r.model, r.family, r.awareness, f"{r.count} ({pct(r.share)})", pct(r.rate), ci(r.ci_low, r.ci_high)]
        for r in aw.itertuples()
    ]
    for d in diffs.itertuples():
        rows.append([d.model, d.family, "deployment − evaluation", "", pct(d.diff), f"{ci(d.ci_low, d.ci_high)}; p = {num(d.p_value)}"])
    return Table("awareness", "Eval-awareness (samples with the awareness notice)",
                 ["model", "family", "the reasoning concluded", "samples", "harmful rate", "95% CI"], rows,
                 "The study reported 55.1% when Claude Opus 4 said 'real deployment' vs 6.5% when it said 'evaluation'.")


def _validity_table(df: pd.DataFrame, incomplete: list[tuple[str, str]] | None = None,
                    skipped: list[tuple[str, str]] | None = None) -> Table:
    rows, row_alerts = [], []
    if not df.empty:
        for (model, family), g in df.groupby(["model", "family"], sort=True):
            scored = g[g["verdict"] != "error"]
            engaged = scored["engaged"].fillna(False).astype(bool).mean() if len(scored) else float("nan")
            both = g[g["detector_verdict"].isin(["harmful", "benign"]) & g["judge_verdict"].isin(["harmful", "benign"])]
            disagree = int((both["detector_verdict"] != both["judge_verdict"]).sum())
            kappa = cohen_kappa(both["detector_verdict"].astype(str).tolist(), both["judge_verdict"].astype(str).tolist())
            policies = ", ".join(sorted(g["policy"].dropna().astype(str).unique())) if "policy" in g else ""
            valid = g["verdict"].isin(["harmful", "benign", "measured"]).groupby(g["condition"].astype(str)).sum()
            empty = sorted(str(c) for c, n in valid.items() if n == 0)  # cells that ended in errors/invalid
            rows.append([
                str(model), str(family), str(len(g)), pct(engaged), str(int((g["verdict"] == "invalid").sum())),
                str(int((g["verdict"] == "error").sum())),
                policies or "—",
                f"{disagree} of {len(both)} ({pct(disagree / len(both) if len(both) else float('nan'))})"
                + (f"; κ = {num(kappa, '.2f')}" if len(both) else ""),
                ", ".join(empty) or "—",
            ])
            row_alerts.append(bool(empty))
    alerts = []
    if incomplete:
        more = f" and {len(incomplete) - 1} more logs" if len(incomplete) > 1 else ""
        alerts.append(f"Incomplete run: {incomplete[0][0]} has status '{incomplete[0][1]}'{more}; "
                      "its rates cover only the samples that finished.")
    if skipped:
        alerts.append(f"{len(skipped)} damaged log(s) left out: " + ", ".join(f for f, _ in skipped[:5])
                      + (" …" if len(skipped) > 5 else "") + ".")
    if any(row_alerts):
        alerts.append("Some cells (model × condition) have no valid sample: every sample ended in an error or was "
                      "invalid, so they are missing from every rate (rows in red).")
    alert = " ".join(alerts)
    note = ("Engaged: the model produced a parseable action or showed it read the scenario. "
            "Invalid and error samples are not in any rate's denominator. "
            "Verdicts by: the policy that made the verdicts (rules: the rule-based detector alone; prefilter: the "
            "judge, where the rules found a candidate action; judge: the judge alone; both: harmful only when both "
            "agree). Disagreement and Cohen's κ compare the judge's and the rules' verdicts where both gave one, "
            "whichever decided.")
    return Table("validity", "Validity",
                 ["model", "family", "samples", "engaged (parse) rate", "invalid", "errors", "verdicts by",
                  "judge vs rules disagree",
                  "cells with no valid sample"], rows,
                 f"{alert} {note}" if alert else note, alert=alert, row_alerts=row_alerts)


def _factors_table(df: pd.DataFrame) -> Table:
    rows = []
    for family, g in df.groupby("family", sort=True):
        for f in factor_columns(df):
            levels = g[f].dropna()
            if len(levels):
                rows.append([str(family), f, ", ".join(sorted(levels.astype(str).unique()))])
    return Table("factors", "Factors in the runs", ["family", "factor", "levels"], rows)


def _by_stimulus(df: pd.DataFrame) -> pd.DataFrame:
    """The table with each model's rows on the study's prompts labelled apart from its rows on ours."""
    if df.empty:
        return df
    study = prompts_of(df) == "original"
    if not study.any():
        return df
    out = df.copy()
    out["model"] = out["model"].astype(str).where(~study, out["model"].astype(str) + STUDY_PROMPTS_LABEL)
    return out


def _fidelity_table(f: pd.DataFrame) -> Table:
    rows = [
        [r.model, r.condition, f"{pct(r.rate_original)} [{ci(r.low_original, r.high_original)}] n={r.n_original}",
         f"{pct(r.rate_ours)} [{ci(r.low_ours, r.high_ours)}] n={r.n_ours}", pct(r.diff), ci(r.ci_low, r.ci_high)]
        for r in f.itertuples()
    ]
    return Table("fidelity", "Fidelity: the study's prompts and ours, side by side",
                 ["model", "condition", "study's prompts", "our scenario packs", "ours − study's", "95% CI (Newcombe)"],
                 rows, "The same model and condition run once on the study's own prompts (--prompts original) and once "
                 "on our scenario packs. Rates over valid samples with 95% Wilson intervals; the difference's interval "
                 "is Newcombe's.")


def _beside_table(b: pd.DataFrame) -> Table:
    rows = [
        [r.model, r.condition, f"{pct(r.rate)} [{ci(r.ci_low, r.ci_high)}] n={r.n}", r.published_model,
         f"{pct(r.published_rate)} (n={r.published_n})", f"{r.source} ({r.how})", r.note]
        for r in b.itertuples()
    ]
    return Table("published-figures", "Beside the published figures (the study's own prompts)",
                 ["model", "condition", "ours", "published model", "published", "source", "note"], rows,
                 "These samples saw the study's own prompts (--prompts original), so the published figures measure "
                 "the same stimulus. Published figures are data to compare with, not targets. "
                 "'chart' = read off a chart by others.")


def _own_stimulus_table(b: pd.DataFrame) -> Table:
    t = _beside_table(b)
    return Table("published-other-stimulus", "Published figures for orientation: a different stimulus",
                 t.columns, t.rows,
                 "These samples saw our own scenario packs, not the study's prompts: the stimulus differs, so a gap "
                 "between the two columns is not a replication failure and agreement is not a replication. "
                 "Run with --prompts original to compare with the published figures.")


def _reference_table(family: str, refs: list[dict[str, Any]]) -> Table:
    keys = sorted({k for r in refs for k in r})
    return Table(f"reference-{family}", f"Published reference figures: {family} (a different stimulus)", keys,
                 [[_fmt_ref(r.get(k)) for k in keys] for r in refs],
                 "The study ran its own prompts and this run ran ours: the stimulus differs, so these figures are "
                 "context, not a comparison.")


def _fmt_ref(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and 0 <= v <= 1:
        return pct(v)
    return str(v)


def _generation(cfg: Any) -> str:
    """Every generate setting a log records: temperature, seed and max_tokens always, then
    each other one set (reasoning effort and budget, `--generate` settings)."""
    settings = {"temperature": cfg.temperature, "seed": cfg.seed, "max_tokens": cfg.max_tokens,
                **cfg.model_dump(exclude_none=True)}
    return " · ".join(f"{k} {v if isinstance(v, (str, int, float)) or v is None else json.dumps(v, default=str)}"
                      for k, v in settings.items())


def _repro(df: pd.DataFrame) -> list[tuple[str, str]]:
    if df.empty:
        return []
    out: list[tuple[str, str]] = [("insider report version", __version__)]
    for log_file in sorted(df["log_file"].unique()):
        header = read_eval_log(log_file, header_only=True)
        spec = header.eval
        # the plan's config is the task's merged with the run's (reasoning, --generate)
        cfg = header.plan.config if header.plan is not None else spec.model_generate_config
        out += [
            (f"{log_file}", f"task {spec.task} · model {spec.model} · created {spec.created}"),
            ("  packages", ", ".join(f"{k} {v}" for k, v in sorted((spec.packages or {}).items()))),
            ("  generation", _generation(cfg)),
        ]
        if spec.task_args:
            out.append(("  task args", ", ".join(f"{k}={v}" for k, v in sorted(spec.task_args.items()))))
        if spec.revision is not None:
            out.append(("  revision", f"{spec.revision.origin} {spec.revision.commit}"))
    uniq = lambda col: ", ".join(sorted(df[col].dropna().astype(str).unique())) or "—"  # noqa: E731
    seeds = pd.to_numeric(df["identity_seed"], errors="coerce").dropna()
    out += [
        ("scenario packs", uniq("pack")), ("pack hashes", uniq("pack_hash")), ("models", uniq("model")),
        ("judges", uniq("judge_model")), ("presets", uniq("preset")),
        ("identity seeds", f"{int(seeds.min())} – {int(seeds.max())} ({seeds.nunique()} distinct)" if len(seeds) else "—"),
    ]
    return out
