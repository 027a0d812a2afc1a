"""`insider classify`: responses in, verdicts out (docs/contracts/verdicts-jsonl.md).

One output line per non-blank input line, in input order. A line that is not valid JSON
or not a valid record (nested too deeply, or holding text that is not valid Unicode such as
a lone surrogate) is reported on stderr with its line number, and gets an `error` verdict
line (with its `id` when one can be read, else `line-<n>`) so the output stays aligned with
the input; the other lines are still classified, and the command then exits with code 2.
Blank lines are skipped. Exit code 0 when every line was read.

A file that is not UTF-8 is refused whole, before anything is classified. The output is
written only once every verdict line is ready, through `OUTPUT.partial`, which is removed
if the write fails: a failed command leaves no output that looks complete.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from pydantic import ValidationError

from insider.cli.terminal import one_line
from insider.errors import InsiderError
from insider.family import behaviour
from insider.judge.classify import classify
from insider.judge.policy import DEFAULT_POLICY, JUDGED_DEFAULT_POLICY, POLICIES, default_policy
from insider.records import ClassifyInput


def load_judges(names: tuple[str, ...]) -> list:
    """Inspect models for `--judge` values ('none' means no judge)."""
    from inspect_ai.model import get_model

    from insider.judge.llm import JUDGE_CONFIG

    out = []
    for n in names:
        if n.strip().lower() == "none":
            continue
        try:
            out.append(get_model(n, config=JUDGE_CONFIG))
        except Exception as e:
            raise InsiderError(f"--judge {n}: cannot load this model ({type(e).__name__}: {e}); "
                               f"use an Inspect model name such as openai/gpt-4o or 'none'") from None
    return out


def _bad_line(n: int, raw: str, why: str) -> dict[str, Any]:
    rid, behavior = f"line-{n}", None
    try:
        obj = json.loads(raw)
        if isinstance(obj, dict):
            rid = str(obj.get("id") or rid)
            behavior = obj.get("behavior")
    except (ValueError, RecursionError):
        pass
    if not _encodable(rid):
        rid = f"line-{n}"
    if not (isinstance(behavior, str) and _encodable(behavior)):
        behavior = None
    return {"id": rid, "behavior": behavior, "verdict": "error", "actions": [],
            "detector": {"verdict": "error", "reasons": []}, "judge": None, "error": f"line {n}: {why}"}


def _why(e: Exception) -> str:
    if isinstance(e, ValidationError):
        err = e.errors()[0]
        loc = ".".join(str(x) for x in err["loc"]) or "(line)"
        return one_line(f"key {loc}: {err['msg']}", 300)
    if isinstance(e, RecursionError):
        return "nested too deeply to read"
    if isinstance(e, UnicodeError):
        return "holds text that is not valid Unicode (a lone surrogate such as \\ud800)"
    return one_line(f"not valid JSON ({(str(e).splitlines() or [''])[0]})", 300)


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _parse(raw: str) -> ClassifyInput:
    """One input line as a record; lone surrogates (valid JSON escapes, invalid text) refused."""
    obj = json.loads(raw)
    json.dumps(obj, ensure_ascii=False).encode("utf-8")  # UnicodeEncodeError on a lone surrogate
    return ClassifyInput.model_validate(obj)


async def classify_lines(lines: list[tuple[int, str]], judges: list, policy: str, concurrency: int,
                         source: str, on_done: Callable[[], None] = lambda: None) -> tuple[list[dict[str, Any]], list[str]]:
    sem = asyncio.Semaphore(concurrency)
    problems: list[tuple[int, str]] = []

    async def one(n: int, raw: str) -> dict[str, Any]:
        try:
            rec = _parse(raw)
            spec = behaviour(rec.behavior)
        except InsiderError as e:
            problems.append((n, f"{one_line(source, 300)}:{n}: {one_line(e, 300)}"))
            return _bad_line(n, raw, one_line(e, 300))
        except (ValueError, ValidationError, RecursionError) as e:  # UnicodeError is a ValueError
            why = _why(e)
            problems.append((n, f"{one_line(source, 300)}:{n}: {why}; fix the line to match the verdicts-jsonl contract"))
            return _bad_line(n, raw, why)
        async with sem:
            v = await classify(rec, judges, policy)
        on_done()
        return v.to_contract(spec.verdict_keys)

    results = await asyncio.gather(*(one(n, raw) for n, raw in lines))
    return list(results), [msg for _, msg in sorted(problems)]


@click.command("classify")
@click.option("--input", "input_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="JSON Lines of responses (docs/contracts/verdicts-jsonl.md).")
@click.option("--output", "output_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write one verdict per input line, same order.")
@click.option("--judge", "judge_names", multiple=True, default=("none",), show_default=True,
              help="Inspect model used as LLM judge; repeat for several (majority verdict); 'none' for rules only.")
@click.option("--policy", type=click.Choice(POLICIES), default=None,
              help=f"How rules and judge combine (default: {JUDGED_DEFAULT_POLICY} with --judge, "
                   f"{DEFAULT_POLICY} without).")
@click.option("--concurrency", type=int, default=8, show_default=True, help="Responses classified at once.")
def command(input_path: Path, output_path: Path, judge_names: tuple[str, ...], policy: str | None,
            concurrency: int) -> None:
    """Classify model responses: one verdict line per input line."""
    if not input_path.is_file():
        raise InsiderError(f"--input {input_path}: no such file; pass a JSON Lines file of responses")
    judges = load_judges(judge_names)
    policy = default_policy(bool(judges), policy)
    if policy != "rules" and not judges:
        raise InsiderError(f"--policy {policy} needs a judge model; pass --judge MODEL or use --policy rules")
    text = _read_input(input_path)
    # Lines end at "\n" only: JSON text may hold U+2028 and other characters splitlines() splits at.
    lines = [(n, raw.rstrip("\r")) for n, raw in enumerate(text.split("\n"), 1) if raw.strip()]
    from insider.cli.progress import progress_bar

    with progress_bar("classifying", len(lines), enabled=bool(judges)) as advance:
        results, problems = asyncio.run(
            classify_lines(lines, judges, policy, concurrency, str(input_path), on_done=advance))
    # Every line is serialised before the file is opened, so nothing is written unless all are.
    body = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in results).encode("utf-8")
    _write_output(output_path, body)
    for p in problems:
        click.echo(f"error: {p}", err=True)
    counts: dict[str, int] = {}
    for r in results:
        counts[r["verdict"]] = counts.get(r["verdict"], 0) + 1
    summary = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
    click.echo(one_line(f"classified {len(results)} lines -> {output_path} ({summary})"), err=True)
    if problems:
        raise SystemExit(2)


def _read_input(path: Path) -> str:
    """The input file as text, refused whole (naming the line) when it is not UTF-8."""
    try:
        data = path.read_bytes()
    except OSError as e:
        raise InsiderError(f"--input {one_line(path, 300)}: cannot read ({e.strerror})") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise InsiderError(f"--input {one_line(path, 300)} line {line}: not UTF-8 (byte 0x{data[e.start]:02x}); "
                           "save the file as UTF-8 (JSON Lines are UTF-8)") from None


def _write_output(path: Path, body: bytes) -> None:
    """Write through `path.partial` and rename; on any failure remove the partial file."""
    partial = path.with_name(path.name + ".partial")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(body)
        partial.replace(path)  # an interrupted write never leaves a file that looks complete
    except BaseException as e:
        try:
            partial.unlink(missing_ok=True)
        except OSError:
            pass  # there was never one (e.g. the folder could not be made)
        if isinstance(e, OSError):
            raise InsiderError(f"--output {one_line(path, 300)}: cannot write ({e.strerror})") from None
        raise
