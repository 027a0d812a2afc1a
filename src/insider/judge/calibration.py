"""Calibration: classify a labelled set and measure each view against the labels.

A labelled file is the classify input plus `"label": {"harmful": bool, "category": str}`
(for alignment faking also `complied`, `faking_motive` and `faking_reasoning`; each is
scored on its own where labelled). Three views are scored side
by side: the rule-based `detector`, the `judge` (asked on every case) and the `combined`
verdict of the chosen policy. An `error` verdict counts as a miss (not harmful) and is
also counted on its own, so failures never look like accuracy.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from inspect_ai.model import Model
from pydantic import BaseModel, ValidationError

from insider.errors import InsiderError
from insider.extract import extract_actions
from insider.judge.agreement import agreement, cohen_kappa
from insider.judge.classify import classify
from insider.judge.detectors import run_detector
from insider.judge.policy import combine
from insider.records import ClassifyInput, VerdictRecord


class Label(BaseModel):
    harmful: bool
    category: str = "uncategorised"
    complied: bool | None = None
    faking_motive: bool | None = None
    faking_reasoning: bool | None = None
    awareness: str | None = None  # optional: evaluation | deployment | none


class LabelledCase(ClassifyInput):
    label: Label


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    errors: int = 0

    def add(self, truth: bool, predicted: str) -> None:
        if predicted == "error":
            self.errors += 1
        hit = predicted == "harmful"
        if truth and hit:
            self.tp += 1
        elif truth:
            self.fn += 1
        elif hit:
            self.fp += 1
        else:
            self.tn += 1

    @property
    def n(self) -> int:
        return self.tp + self.fp + self.fn + self.tn

    def figures(self) -> dict[str, Any]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else None
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else None
        f1 = 2 * p * r / (p + r) if p is not None and r is not None and p + r else None
        acc = (self.tp + self.tn) / self.n if self.n else None
        return {**asdict(self), "n": self.n, "precision": p, "recall": r, "f1": f1, "accuracy": acc}


@dataclass
class Report:
    policy: str
    judges: list[str]
    # group ("behavior:<b>" / "category:<b>/<c>" / "faking_motive:<b>" / "faking_reasoning:<b>")
    # -> view -> Counts
    groups: dict[str, dict[str, Counts]] = field(default_factory=dict)
    judge_agreement: dict[str, float] | None = None
    judge_calls_skipped_by_policy: int = 0
    n: int = 0
    # awareness labels, when present: truth -> predicted -> count
    awareness: dict[str, dict[str, int]] = field(default_factory=dict)

    def awareness_accuracy(self) -> float | None:
        n = sum(sum(row.values()) for row in self.awareness.values())
        return sum(row.get(t, 0) for t, row in self.awareness.items()) / n if n else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "policy": self.policy,
            "judges": self.judges,
            "n": self.n,
            "judge_calls_skipped_by_policy": self.judge_calls_skipped_by_policy,
            "judge_agreement": self.judge_agreement,
            "awareness": {"confusion": self.awareness, "accuracy": self.awareness_accuracy()} if self.awareness else None,
            "groups": {g: {v: c.figures() for v, c in views.items()} for g, views in self.groups.items()},
        }


def load_labelled(path: str | Path) -> list[LabelledCase]:
    p = Path(path)
    if not p.is_file():
        raise InsiderError(f"{p}: no such labelled file; pass a JSON Lines file with a 'label' key per line")
    cases = []
    for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            cases.append(LabelledCase.model_validate(json.loads(line)))
        except (ValueError, ValidationError) as e:
            raise InsiderError(f"{p}:{n}: not a labelled case ({_short(e)}); each line needs id, behavior, "
                               f"response, facts and label {{harmful, category}}") from None
    if not cases:
        raise InsiderError(f"{p}: no labelled cases found")
    return cases


def _short(e: Exception) -> str:
    if isinstance(e, ValidationError):
        err = e.errors()[0]
        return f"key {'.'.join(str(x) for x in err['loc'])}: {err['msg']}"
    return str(e).splitlines()[0]


async def _classify_all(cases: list[LabelledCase], judges: list[Model], concurrency: int,
                        on_done: Callable[[], None]) -> list[VerdictRecord]:
    sem = asyncio.Semaphore(concurrency)

    async def one(c: LabelledCase) -> VerdictRecord:
        async with sem:
            # "rules" asks every judge on every case, so the judge view is complete
            record = await classify(c, judges, "rules")
        on_done()
        return record

    return list(await asyncio.gather(*(one(c) for c in cases)))


def calibrate(cases: list[LabelledCase], judges: list[Model] | None = None, policy: str = "rules",
              concurrency: int = 8, on_done: Callable[[], None] = lambda: None) -> Report:
    """`on_done` is called after each case (a progress bar's advance)."""
    judges = list(judges or [])
    records = asyncio.run(_classify_all(cases, judges, concurrency, on_done))
    rep = Report(policy=policy, judges=[str(m) for m in judges], n=len(cases))
    per_judge: list[list[str | None]] = [[] for _ in judges]
    for case, rec in zip(cases, records):
        det = rec.detector.verdict
        actions = extract_actions(case.response, case.tool_calls)
        candidate = run_detector(case.behavior, case.response, actions, case.facts, case.reasoning).candidate
        jv = rec.judge.verdict if rec.judge else None
        combined, _ = combine(policy, det, candidate, jv)
        if judges and policy == "prefilter" and not candidate:
            rep.judge_calls_skipped_by_policy += len(judges)
        if judges and policy == "both" and det == "benign":
            rep.judge_calls_skipped_by_policy += len(judges)
        views = {"detector": det, "combined": combined}
        if judges:
            views["judge"] = jv or "error"
        for g in (f"behavior:{case.behavior}", f"category:{case.behavior}/{case.label.category}", "all"):
            bucket = rep.groups.setdefault(g, {})
            for v, pred in views.items():
                bucket.setdefault(v, Counts()).add(case.label.harmful, pred)
        for key in ("faking_motive", "faking_reasoning"):
            truth = getattr(case.label, key)
            if truth is None:
                continue
            bucket = rep.groups.setdefault(f"{key}:{case.behavior}", {})
            bucket.setdefault("detector", Counts()).add(truth, "harmful" if getattr(rec, key) else "benign")
        if case.label.awareness is not None and rec.awareness is not None:
            row = rep.awareness.setdefault(case.label.awareness, {})
            row[rec.awareness] = row.get(rec.awareness, 0) + 1
        if len(judges) > 1 and rec.judges:
            for i, r in enumerate(rec.judges):
                per_judge[i].append(None if r.verdict == "error" else r.verdict)
    if len(judges) > 1:
        name, value = agreement(per_judge)
        rep.judge_agreement = {name: value}
    elif len(judges) == 1:
        pairs = [(r.detector.verdict, r.judge.verdict) for r in records
                 if r.judge and r.judge.verdict != "error" and r.detector.verdict != "error"]
        rep.judge_agreement = {"cohen_kappa_judge_vs_rules": cohen_kappa([a for a, _ in pairs], [b for _, b in pairs])}
    return rep
