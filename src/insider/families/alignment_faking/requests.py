"""Requests for the alignment-faking family: the built-in set or a user's CSV/JSONL file."""

from __future__ import annotations

import csv
import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from insider.errors import InsiderError

TEXT_COLUMNS = ("request", "prompt", "goal", "text")  # first present wins; AdvBench uses `goal`
DEFAULT_REQUESTS = 20  # enough for a quick look; pass samples="all" for the whole set


@dataclass(frozen=True)
class Request:
    id: str
    text: str
    category: str = ""


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
