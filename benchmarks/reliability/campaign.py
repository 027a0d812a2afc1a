"""The hostile-input campaign: many cases of every class, drawn from one seeded RNG, with a
random secret planted in the environment; what each class did, counted.

Classes (`CLASSES`): symlink, device, output_bomb, loop, recursion, encoding, nesting,
formula, shell_growth, regex, gate, plus the earlier kinds (damaged packs, bad run options,
bad replay and classify lines) and every template sandbox escape. A class draws its variants
in turn (in a shuffled order), so each variant is met before any is met twice; variants that are slow by nature
(a full `insider run`, a loop only the 10-second render limit stops) are capped per class.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from benchmarks.reliability import fuzz, fuzz_inputs, fuzz_logs, fuzz_packs, fuzz_shell, fuzz_templates
from benchmarks.reliability.fuzz import Case
from benchmarks.reliability.fuzz_packs import BAD_BYTES, RECODED
from benchmarks.reliability.probe import planted_secret, regular_files

INSPECT_DATA = Path.home() / ".local" / "share" / "inspect_ai"
Make = Callable[[], Case]
# (variant, how many at most in one class; None: no cap)
Variant = tuple[str, Make, int | None]


def _variants(cls: str, rng: random.Random, work: Path, base: fuzz_logs.BaseRun | None,
              full_runs: bool) -> list[Variant]:
    """The variants of `cls`, each a way to make one case from the shared RNG."""
    T, P, In, L, S = fuzz_templates, fuzz_packs, fuzz_inputs, fuzz_logs, fuzz_shell  # noqa: N806
    runs = 2 if full_runs else 0
    if cls in T.CLASSES:
        slow = {"filter-sum": 2, "filter-join": 2, "macro-fan-out": 4}
        out = [(v, lambda v=v: T.template_case(cls, v, rng, work), slow.get(v)) for v in T.CLASSES[cls]]
        if full_runs:  # the same bombs through `insider run` (rendered when the samples are built)
            out.append(("via-run", lambda: T.template_case(cls, rng.choice(list(T.CLASSES[cls])[:6]), rng, work,
                                                           run=True), 2))
        return out
    if cls == "symlink":
        return [(v, lambda v=v: P.symlink_case(v, rng, work), None) for v in P.LINK_TARGETS]
    if cls == "device":
        return [(v, lambda v=v: P.device_case(v, rng, work), None) for v in P.DEVICES]
    if cls == "encoding":
        return ([(f"pack-{v}", lambda v=v: P.pack_encoding_case(v, rng, work), None) for v in [*BAD_BYTES, *RECODED]]
                + [(f"classify-{v}", lambda v=v: In.classify_input_case(cls, v, rng, work), None)
                   for v in [*BAD_BYTES, "surrogate", "surrogate"]]
                + [(f"replay-{v}", lambda v=v: In.replay_input_case(cls, v, rng, work), None) for v in BAD_BYTES]
                + [("replay-surrogate", lambda: In.replay_surrogate_case(rng, work), runs)])
    if cls == "nesting":
        return ([(f"yaml-{v}", lambda v=v: P.yaml_nesting_case(v, rng, work), None) for v in P.YAML_NESTING]
                + [("classify-deep", lambda: In.classify_input_case(cls, "deep", rng, work), None)] * 2
                + [("replay-deep", lambda: In.replay_input_case(cls, "deep", rng, work), None)] * 2)
    if cls == "formula":
        return ([(v, lambda v=v: L.formula_case(v, rng, work, base), None) for v in L.PLACES]
                + [("request_id-run", lambda: L.request_id_run_case(rng, work), runs)])
    if cls == "gate":
        return ([(v, lambda v=v: L.gate_case(v, rng, work, base), None) for v in L.DAMAGE]
                + [("resume-corrupt", lambda: L.resume_case(rng, work), runs // 2)])
    if cls in S.CLASSES:
        out = [(v, lambda v=v: S.shell_case(cls, v, rng), None) for v in S.CLASSES[cls]]
        if cls == "shell_growth":
            out.append(("full-run", lambda: S.shell_run_case(rng, work), runs // 2))
        return out
    legacy = {"pack": fuzz.pack_case, "run_options": fuzz.run_options_case, "replay": fuzz.replay_case,
              "classify": fuzz.classify_case}
    return [(cls, lambda: legacy[cls](rng, work), None)]


CLASSES = ("symlink", "device", "output_bomb", "loop", "recursion", "encoding", "nesting", "formula",
           "shell_growth", "regex", "gate", "pack", "run_options", "replay", "classify")


def _draw(variants: list[Variant], n: int) -> Iterator[Make]:
    """`n` makers: the variants in turn (in the order given), skipping those whose cap is used up."""
    used: dict[str, int] = {}
    made = i = 0
    while made < n and any(cap is None or used.get(v, 0) < cap for v, _, cap in variants):
        name, make, cap = variants[i % len(variants)]
        i += 1
        if cap is not None and used.get(name, 0) >= cap:
            continue
        used[name] = used.get(name, 0) + 1
        made += 1
        yield make


def run_campaign(n_per_class: int, workdir: Path, seed: int = 0, *, classes: tuple[str, ...] = CLASSES,
                 full_runs: bool = True, escapes: bool = True,
                 progress: Callable[[str], None] = lambda line: None) -> tuple[list[Case], list[str]]:
    """Run the cases; returns them and the Inspect data files that held the secret.

    Args:
        n_per_class: cases drawn per class.
        workdir: every case makes its folder under it.
        seed: the RNG seed (the same seed draws the same cases).
        classes: which classes to draw.
        full_runs: include the variants that are whole `insider run`s.
        escapes: include every template sandbox escape once.
        progress: called with a line when a class is done.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    cases: list[Case] = []
    start = time.time()
    with planted_secret():
        needs_base = {"formula", "gate"} & set(classes)
        base = fuzz_logs.base_run(workdir) if needs_base else None
        if escapes:
            cases += [fuzz.escape_case(p, workdir) for p in fuzz.ESCAPES]
            for c in cases:
                c.cls = "escape"
            progress(_progress("escape", cases, start))
        for cls in classes:
            t0, before = time.time(), len(cases)
            variants = _variants(cls, rng, workdir, base, full_runs)
            rng.shuffle(variants)  # a short campaign still meets a spread of variants
            for make in _draw(variants, n_per_class):
                case = make()
                case.cls = cls
                cases.append(case)
            progress(_progress(cls, cases[before:], t0))
        recent = [p for p in regular_files(INSPECT_DATA) if p.stat().st_mtime >= start - 1] if INSPECT_DATA.is_dir() else []
        data_leaks = sorted(str(p) for p in _holding(recent))  # Inspect's traces and caches of this campaign
    return cases, data_leaks


def _holding(paths: list[Path]) -> set[Path]:
    """Which of `paths` hold the planted secret (called while it is planted)."""
    from benchmarks.reliability.probe import _blobs, current_secret

    needle = (current_secret() or "").encode()
    return {p for p in paths if needle and any(needle in b for b in _blobs(p))}


def _progress(cls: str, cases: list[Case], t0: float) -> str:
    bad = sum(bool(c.problems()) for c in cases)
    return f"  fuzz {cls}: {len(cases)} cases, {bad} with problems, {time.time() - t0:.0f} s"


def summarise(cases: list[Case], data_leaks: list[str]) -> dict[str, Any]:
    """The campaign's figures, overall and per class."""
    per: dict[str, dict[str, Any]] = {}
    for c in cases:
        s = per.setdefault(c.cls, {"cases": 0, "failures": 0, "exit_2": 0, "exit_0": 0, "one_line_refusals": 0,
                                   "tracebacks": 0, "secrets_leaked": 0, "max_rss_mb": None, "max_seconds": 0.0})
        s["cases"] += 1
        s["failures"] += bool(c.problems())
        s["exit_2"] += c.code == 2
        s["exit_0"] += c.code == 0
        s["one_line_refusals"] += c.code == 2 and c.is_one_line
        s["tracebacks"] += c.traceback
        s["secrets_leaked"] += bool(c.leaks)
        if c.peak_mb is not None:
            s["max_rss_mb"] = round(max(s["max_rss_mb"] or 0, c.peak_mb))
        s["max_seconds"] = round(max(s["max_seconds"], c.seconds), 1)
    peaks = [c.peak_mb for c in cases if c.peak_mb is not None]
    failures = [c for c in cases if c.problems()]
    return {
        "fuzz_cases": len(cases),
        "fuzz_failures": len(failures),
        "tracebacks": sum(c.traceback for c in cases),
        "secrets_leaked": sum(bool(c.leaks) for c in cases) + len(data_leaks),
        "max_rss_mb": round(max(peaks)) if peaks else None,
        "refused_one_line": sum(c.code == 2 and c.is_one_line for c in cases),
        "refused": sum(c.code == 2 for c in cases),
        "fuzz_seconds": round(sum(c.seconds for c in cases)),
        "per_class": per,
        "failures": [(c.kind, c.argv, c.problems(), c.err[-300:]) for c in failures],
        "data_leaks": data_leaks,
    }


def write_cases(cases: list[Case], path: Path) -> None:
    """One JSON line per case: what ran and what it recorded."""
    with path.open("w", encoding="utf-8") as f:
        for c in cases:
            f.write(json.dumps({
                "class": c.cls, "kind": c.kind, "argv": [a[:300] for a in c.argv], "code": c.code,
                "traceback": c.traceback, "one_line": c.is_one_line, "secret_leaked": bool(c.leaks),
                "peak_mb": None if c.peak_mb is None else round(c.peak_mb, 1), "seconds": round(c.seconds, 3),
                "problems": c.problems(), "message": (c.err_lines or [""])[-1][:500],
            }, ensure_ascii=True) + "\n")
