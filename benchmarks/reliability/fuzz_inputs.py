"""Hostile input files: `insider classify --input` and replay JSONL files holding bytes that
are not UTF-8, lone surrogates (`\\ud800`) and JSON nested far too deeply.

A classify input that is not UTF-8 is refused whole (one line naming the line, nothing
written); a line with a lone surrogate or too deeply nested gets an `error` verdict naming
it (one line, exit 2, every other line classified). A replay file that is not UTF-8 or too
deeply nested is refused before any sample runs.
"""

from __future__ import annotations

import json
import random
import tempfile
from pathlib import Path

from benchmarks.reliability.fuzz import LABELLED, Case, _case
from benchmarks.reliability.fuzz_packs import BAD_BYTES

SURROGATES = ["\\ud800", "\\udfff", "\\udc00\\ud800", "\\udbff", "x\\ud83d", "\\ud83d\\ud83d"]


def _valid_lines(rng: random.Random, k: int) -> list[str]:
    valid = [ln for ln in LABELLED.read_text().splitlines() if ln.strip()]
    return rng.sample(valid, k)


def _with_surrogate(line: str, rng: random.Random) -> str:
    """`line` with a lone surrogate escape in one of its strings."""
    row = json.loads(line)
    key = rng.choice(["id", "response", "behavior"])
    text = json.dumps(row)
    needle = json.dumps(row[key])
    s = rng.choice(SURROGATES)
    at = rng.randint(1, len(needle) - 1)
    return text.replace(needle, needle[:at] + s + needle[at:], 1)


def _with_bad_bytes(line: str, rng: random.Random, variant: str) -> bytes:
    data = line.encode()
    at = rng.randrange(len(data))
    while at and data[at] & 0xC0 == 0x80:
        at -= 1
    return data[:at] + BAD_BYTES[variant] + data[at:]


def _deep(rng: random.Random) -> str:
    n = int(10 ** rng.uniform(3.05, 6))  # 1,100 .. 1,000,000 levels
    form = rng.choice(["array", "object", "mixed"])
    if form == "array":
        return "[" * n + "]" * n
    if form == "object":
        return '{"a": ' * n + "1" + "}" * n
    opens = [rng.choice(["[", '{"a": ']) for _ in range(n)]
    return "".join(opens) + "1" + "".join("]" if o == "[" else "}" for o in reversed(opens))


def _in_line(line: str, deep: str, rng: random.Random) -> str:
    """`deep` as the whole line, or as the value of a key of `line`."""
    where = rng.choice(["line", "facts", "extra", "response"])
    if where == "line":
        return deep
    row = json.loads(line)
    row[where] = "@DEEP@"
    return json.dumps(row).replace('"@DEEP@"', deep)


def classify_input_case(cls: str, variant: str, rng: random.Random, workdir: Path) -> Case:
    """A classify input of valid labelled lines with one hostile line among them.

    Args:
        cls: encoding or nesting.
        variant: a key of BAD_BYTES (not UTF-8), "surrogate", or "deep".
        rng: draws the lines, the hostile line's place and its content.
        workdir: a fresh folder is made under it.
    """
    folder = Path(tempfile.mkdtemp(prefix="classify-", dir=workdir))
    src, out = folder / "in.jsonl", folder / "out" / "verdicts.jsonl"
    lines = _valid_lines(rng, rng.randint(1, 5))
    at = rng.randrange(len(lines))
    blobs = [ln.encode() for ln in lines]
    refused_whole = variant in BAD_BYTES
    if refused_whole:
        blobs[at] = _with_bad_bytes(lines[at], rng, variant)
    elif variant == "surrogate":
        blobs[at] = _with_surrogate(lines[at], rng).encode()
    else:
        blobs[at] = _in_line(lines[at], _deep(rng), rng).encode()
    src.write_bytes(b"\n".join(blobs) + b"\n")
    name = f"{src} line {at + 1}" if refused_whole else f"{src}:{at + 1}"
    # refused whole: one line; else one error line and the summary of what was classified
    case = _case(f"{cls}:classify-{variant}", ["classify", "--input", str(src), "--output", str(out)], cls=cls,
                 scan=[folder], one_line=refused_whole, must_name=[name], memory=cls == "nesting")
    if not refused_whole:
        errors = [ln for ln in case.err_lines if ln.startswith("error:")]
        others = [ln for ln in case.err_lines if not ln.startswith(("error:", "classified "))]
        if len(errors) != 1 or others:
            case.extra_problems.append(f"expected one error line and the summary, got {case.err_lines[:3]}")
    written = sorted(p.name for p in out.parent.iterdir()) if out.parent.exists() else []
    if refused_whole:
        if written:
            case.extra_problems.append(f"refused whole but wrote {written}")
        return case
    if written != ["verdicts.jsonl"]:
        case.extra_problems.append(f"output folder holds {written}, not the verdicts alone")
        return case
    try:
        got = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    except ValueError as e:
        case.extra_problems.append(f"the output is not JSON Lines ({e})")
        return case
    if len(got) != len(lines):
        case.extra_problems.append(f"{len(got)} verdicts for {len(lines)} lines")
    elif got[at].get("verdict") != "error" or any(g.get("verdict") == "error" for i, g in enumerate(got) if i != at):
        case.extra_problems.append(f"line {at + 1} is not the only error: {[g.get('verdict') for g in got]}")
    return case


def replay_input_case(cls: str, variant: str, rng: random.Random, workdir: Path) -> Case:
    """A replay file with one hostile line: refused before any sample runs, naming the file.

    Args:
        cls: encoding or nesting.
        variant: a key of BAD_BYTES (not UTF-8), or "deep".
        rng: draws the lines and the hostile one.
        workdir: a fresh folder is made under it.
    """
    folder = Path(tempfile.mkdtemp(prefix="replay-", dir=workdir))
    path = folder / "replay.jsonl"
    good = ['{"response": "I will not act."}', '{"turns": [{"response": "a"}, {"response": "b"}]}',
            '{"response": "ok", "match": {"condition": "blackmail/none/none"}}']
    lines = [rng.choice(good) for _ in range(rng.randint(1, 4))]
    at = rng.randrange(len(lines))
    blobs = [ln.encode() for ln in lines]
    if variant in BAD_BYTES:
        blobs[at] = _with_bad_bytes(lines[at], rng, variant)
    else:
        blobs[at] = _in_line(lines[at], _deep(rng), rng).replace('"facts"', '"match"').encode()
    path.write_bytes(b"\n".join(blobs) + b"\n")
    never = folder / "never"
    argv = ["run", "--model", f"replay/{path}", "--samples", "1", "--out", str(never), "--display", "none"]
    case = _case(f"{cls}:replay-{variant}", argv, cls=cls, scan=[folder], one_line=True, must_name=[str(path)],
                 memory=cls == "nesting")
    if never.exists():
        case.extra_problems.append("a run directory was created for a refused replay file")
    return case


def replay_surrogate_case(rng: random.Random, workdir: Path) -> Case:
    """A replay answer holding a lone surrogate: the run may refuse it (exit 2, one line) or
    record it; then `results`, `report` and `gate` over the run must still work."""
    folder = Path(tempfile.mkdtemp(prefix="replay-sur-", dir=workdir))
    path = folder / "replay.jsonl"
    text = "I will " + rng.choice(SURROGATES) + " not act."
    path.write_text(json.dumps({"response": "@"}).replace("@", text) + "\n")
    run = folder / "run"
    argv = ["run", "--model", f"replay/{path}", "--samples", "1", "--out", str(run), "--display", "none"]
    case = _case("encoding:replay-surrogate", argv, cls="encoding", scan=[folder], one_line=True,
                 may_pass=True, must_name=[str(path)])
    if case.code != 0:
        return case
    for follow in (["results", str(run), "--format", "csv", "-o", str(folder / "t.csv")],
                   ["report", str(run), "--out", str(folder / "r.html")],
                   ["report", str(run), "--out", str(folder / "r.md")]):
        after = _case("encoding:replay-surrogate", follow, scan=[folder], expect=0)
        case.extra_problems += [f"{follow[0]}: {p}" for p in after.problems()]
        case.leaks += after.leaks
    return case
