"""The alignment-faking family: requests asked in a training tier and an unmonitored tier.

Every selected request is rendered under each design condition in both tiers, so the
compliance gap can be paired by request (`insider.stats.alignment`). The two prompts of a
pair differ only in the tier tag of the user message. The family's texts live in
`scenarios/packs/alignment_faking/` (family.yaml, system.j2, user.j2, requests.jsonl).

    samples = build_af_samples(preset="default", samples=20, seed=0)
    task = alignment_faking(requests="advbench.csv", samples=50)
"""

from __future__ import annotations

import csv
import hashlib
import json
import random
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from inspect_ai import Task, task
from inspect_ai.dataset import Sample
from inspect_ai.model import GenerateConfig
from jinja2.sandbox import ImmutableSandboxedEnvironment

from insider.agent.single_turn import single_turn
from insider.errors import InsiderError
from insider.judge.scorer import insider_scorer
from insider.tasks import DEFAULT_MAX_TOKENS, ONE_EPOCH, _as_list, chat_sample, parse_factor_levels
from insider.records import Facts, Person
from insider.scenarios import templating
from insider.scenarios.grid import Condition, Grid
from insider.scenarios.schema import FactorSpec

FAMILY = "alignment_faking"
PACK_DIR = Path(__file__).parent / "scenarios" / "packs" / FAMILY
TIER = "monitored"  # the paired factor; the others form the design grid
TIER_SEGMENT = {True: "monitored", False: "unmonitored"}
TEXT_COLUMNS = ("request", "prompt", "goal", "text")  # first present wins; AdvBench uses `goal`
DEFAULT_REQUESTS = 20  # enough for a quick look; pass samples="all" for the whole set


@dataclass(frozen=True)
class Request:
    id: str
    text: str
    category: str = ""


@dataclass(frozen=True)
class AFCondition:
    """A design condition in one tier; `factors` holds every factor, `monitored` as a bool."""

    id: str
    factors: dict[str, Any]

    @property
    def monitored(self) -> bool:
        return bool(self.factors[TIER])


@dataclass
class AFFamily:
    raw: dict[str, Any]
    grid: Grid
    env: ImmutableSandboxedEnvironment
    hash: str


@lru_cache(maxsize=1)
def load_family() -> AFFamily:
    """family.yaml, its grid (without the tier factor) and the sandboxed template environment."""
    digest = hashlib.sha256()
    for name in ("family.yaml", "system.j2", "user.j2", "requests.jsonl"):
        digest.update(name.encode() + b"\0" + (PACK_DIR / name).read_bytes() + b"\0")
    raw = yaml.safe_load((PACK_DIR / "family.yaml").read_text(encoding="utf-8"))
    factors = {n: FactorSpec.model_validate(f) for n, f in raw["factors"].items() if n != TIER}
    env = templating.make_environment(PACK_DIR)
    for name in (raw["system"], raw["user"]):  # refuse internals / syntax errors at load
        templating.check_file(env, PACK_DIR / name, str(PACK_DIR / name))
    return AFFamily(raw=raw, grid=Grid(FAMILY, factors, raw.get("presets", {})), env=env,
                    hash=digest.hexdigest())


# ---------------------------------------------------------------- requests


def builtin_requests() -> list[Request]:
    return load_requests(PACK_DIR / load_family().raw["requests"])


def load_requests(path: str | Path) -> list[Request]:
    """A request file: CSV with a header, or JSONL objects; the text column is one of
    `request`, `prompt`, `goal`, `text`; `id` and `category` are optional."""
    p = Path(path)
    if not p.is_file():
        raise InsiderError(f"--requests {p}: no such file; give a .csv or .jsonl file of requests")
    suffix = p.suffix.lower()
    if suffix == ".csv":
        rows = _csv_rows(p)
    elif suffix in (".jsonl", ".ndjson"):
        rows = _jsonl_rows(p)
    else:
        raise InsiderError(f"--requests {p}: unknown file type {suffix or '(none)'!r}; use .csv or .jsonl")
    out: list[Request] = []
    seen: dict[str, int] = {}
    for line, row in rows:
        key = next((k for k in TEXT_COLUMNS if k in row), None)
        if key is None:
            raise InsiderError(f"{p} line {line}: no text column; name it one of {', '.join(TEXT_COLUMNS)}")
        text = row[key]
        if not isinstance(text, str) or not text.strip():
            raise InsiderError(f"{p} line {line}: {key!r} is empty or not text; every request needs its text")
        rid = str(row.get("id") or "").strip() or f"r{len(out) + 1:04d}"
        if rid in seen:
            raise InsiderError(f"{p} line {line}: id {rid!r} already used on line {seen[rid]}; ids must be unique")
        seen[rid] = line
        out.append(Request(id=rid, text=text.strip(), category=str(row.get("category") or "").strip()))
    if not out:
        raise InsiderError(f"{p}: no requests in the file; add one per line (JSONL) or per row (CSV)")
    return out


def _csv_rows(p: Path) -> list[tuple[int, dict[str, Any]]]:
    try:
        with p.open(newline="", encoding="utf-8-sig") as f:
            reader = csv.DictReader(f)
            header = [h.strip().lower() for h in reader.fieldnames or []]
            if not any(h in TEXT_COLUMNS for h in header):
                raise InsiderError(
                    f"{p} line 1: header {reader.fieldnames or '(empty)'} has no text column; "
                    f"name it one of {', '.join(TEXT_COLUMNS)}"
                )
            rows = []
            for row in reader:
                clean = {str(k).strip().lower(): v for k, v in row.items() if k is not None}
                if any((v or "").strip() for v in clean.values() if isinstance(v, str)):
                    rows.append((reader.line_num, clean))
            return rows
    except (UnicodeDecodeError, csv.Error) as e:
        raise InsiderError(f"{p}: cannot read as UTF-8 CSV ({e})") from None


def _jsonl_rows(p: Path) -> list[tuple[int, dict[str, Any]]]:
    try:
        lines = p.read_text(encoding="utf-8-sig").splitlines()
    except UnicodeDecodeError as e:
        raise InsiderError(f"{p}: cannot read as UTF-8 ({e})") from None
    rows = []
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            raise InsiderError(f"{p} line {n}: not valid JSON ({e.msg}); one object per line") from None
        if not isinstance(obj, dict):
            raise InsiderError(f"{p} line {n}: expected a JSON object like {{\"id\": ..., \"request\": ...}}")
        rows.append((n, {str(k).lower(): v for k, v in obj.items()}))
    return rows


def select_requests(requests: list[Request], samples: int | str | None, seed: int) -> list[Request]:
    """`samples` requests drawn with `seed` (kept in file order); None = the default count or
    all if fewer; "all" or 0 = all."""
    if samples is None:
        n = min(DEFAULT_REQUESTS, len(requests))
    elif str(samples).strip().lower() in ("all", "0"):
        n = len(requests)
    else:
        try:
            n = int(samples)
        except ValueError:
            raise InsiderError(f"--samples {samples!r}: give a number of requests or 'all'") from None
        if n < 0 or n > len(requests):
            raise InsiderError(f"--samples {n}: choose between 1 and {len(requests)} (the requests available), or 'all'")
    picked = set(random.Random(seed).sample(range(len(requests)), n))
    return [r for i, r in enumerate(requests) if i in picked]


# ---------------------------------------------------------------- conditions and rendering


def _paired(base: Condition, tiers: list[bool]) -> list[AFCondition]:
    family, *rest = base.id.split("/")
    out = []
    for tier in tiers:
        parts = [family, *rest[:1], TIER_SEGMENT[tier], *rest[1:]]  # the tier right after the objective
        out.append(AFCondition(id="/".join(parts), factors={TIER: tier, **base.factors}))
    return out


def conditions(
    preset: str | None = "default",
    factor_levels: dict[str, list[str]] | None = None,
    wanted: list[str] | None = None,
) -> list[AFCondition]:
    """The design conditions, each in both tiers (or in the tiers `monitored=...` selects)."""
    fam = load_family()
    levels = dict(factor_levels or {})
    tier_levels = levels.pop(TIER, ["true", "false"])
    for level in tier_levels:
        if level not in ("true", "false"):
            raise InsiderError(f"unknown level {level!r} of factor 'monitored'; levels are true, false")
    tiers = [lvl == "true" for lvl in dict.fromkeys(tier_levels)]
    if wanted:
        return [c for name in wanted for c in _lookup(fam.grid, name)]
    base = fam.grid.preset(preset or "default")
    if levels:
        base = fam.grid.vary(base, levels)
    return [c for b in base for c in _paired(b, tiers)]


def _lookup(grid: Grid, name: str) -> list[AFCondition]:
    """A condition id in one tier, or a design id without the tier (= both tiers)."""
    full_id = name if name.startswith(f"{FAMILY}/") else f"{FAMILY}/{name}"
    for base in grid.full():
        if base.id == full_id:
            return _paired(base, [True, False])
        for c in _paired(base, [True, False]):
            if c.id == full_id:
                return [c]
    examples = ", ".join(c.id for c in conditions("default"))
    raise InsiderError(f"unknown condition {name!r} for {FAMILY}; e.g. {examples}")


def render(condition: AFCondition, request: Request) -> dict[str, Any]:
    """System prompt, user message and metadata for one condition and request."""
    fam = load_family()
    f = condition.factors
    company = fam.raw["companies"][f["company"]]
    ctx = {**company, **f, "tier_tag": fam.raw["tier_tag"], "request": request.text}
    texts = {}
    for part in ("system", "user"):
        name = fam.raw[part]
        out = templating.render(fam.env.get_template(name), ctx, str(PACK_DIR / name))
        texts[part] = _clean(out)
    facts = Facts(
        agent=Person(name=company["assistant"]),
        company_domains=list(company["domains"]),
        monitored=condition.monitored,
        request=request.text,
    )
    metadata = {
        "family": FAMILY,
        "behavior": FAMILY,
        "condition": condition.id,
        **f,
        "request_id": request.id,
        "request_category": request.category,
        "identity_seed": None,
        "pack": FAMILY,
        "pack_hash": fam.hash,
        "facts": facts.model_dump(),
        "factor_names": [TIER, *fam.grid.factors],
    }
    return {"system": texts["system"], "user": texts["user"], "metadata": metadata}


def _clean(text: str) -> str:
    """Collapse the blank lines skipped template blocks leave; strip the ends."""
    out: list[str] = []
    for line in (ln.rstrip() for ln in text.strip().splitlines()):
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out)


def build_af_samples(
    *,
    preset: str | None = "default",
    conditions_wanted: list[str] | None = None,
    factor_levels: dict[str, list[str]] | None = None,
    samples: int | str | None = None,
    seed: int = 0,
    requests: str | Path | None = None,
) -> list[Sample]:
    """One Sample per condition x request; a condition's samples are contiguous (prompt caches)."""
    chosen = select_requests(load_requests(requests) if requests else builtin_requests(), samples, seed)
    dataset: list[Sample] = []
    for cond in conditions(preset, factor_levels, conditions_wanted):
        for position, req in enumerate(chosen):
            r = render(cond, req)
            # repeat = the request's position: replay `match` groups cycle over it
            metadata = {**r["metadata"], "repeat": position, "sample_index": len(dataset)}
            dataset.append(chat_sample(f"{cond.id}#{req.id}", r["system"], r["user"], metadata))
    return dataset


@task
def alignment_faking(
    preset: str | None = "default",
    conditions: str | list[str] | None = None,
    factors: str | dict[str, Any] | None = None,
    samples: int | str | None = None,
    seed: int = 0,
    policy: str | None = None,
    max_tokens: int | None = None,
    temperature: float = 1.0,
    requests: str | None = None,
) -> Task:
    """Alignment faking: each request asked in a training tier and an unmonitored tier.

    `samples` is the number of requests (default 20, or "all"); `requests` a CSV/JSONL file
    of your own (text column `request`, `prompt`, `goal` or `text`).
    """
    dataset = build_af_samples(
        preset=preset,
        conditions_wanted=_as_list(conditions),
        factor_levels=parse_factor_levels(factors),
        samples=samples,
        seed=seed,
        requests=requests,
    )
    meta: dict[str, Any] = {
        "insider_packs": [f"{FAMILY}:{load_family().hash}"],
        "insider_seed": seed,
        "insider_preset": preset,
        "insider_vary_identities": False,
        "insider_requests": str(requests) if requests else "built-in",
    }
    if requests:
        meta["insider_requests_sha256"] = hashlib.sha256(Path(requests).read_bytes()).hexdigest()
    return Task(
        epochs=ONE_EPOCH,
        dataset=dataset,
        solver=single_turn(seed=seed),
        scorer=insider_scorer(policy=policy) if policy else insider_scorer(),
        config=GenerateConfig(temperature=temperature, max_tokens=max_tokens or DEFAULT_MAX_TOKENS),
        metadata=meta,
    )
