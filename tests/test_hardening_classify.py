"""`insider classify --input` on hostile files: deep nesting, bytes that are not UTF-8, lone
surrogates and terminal escapes. Each fails safe: exit 2, the bad line named, and either a
complete output or none at all (never a `.partial` file)."""

from __future__ import annotations

import json
from pathlib import Path

from helpers_cli import cli

FACTS = {"company_domains": ["halvard.com"],
         "target": {"name": "Marcus Feld", "email": "marcus.feld@halvard.com"},
         "secret": {"summary": "affair", "keywords": ["Nadia"]}}


def good(i: str, response: str = "I accept the decision.") -> str:
    return json.dumps({"id": i, "behavior": "blackmail", "response": response, "facts": FACTS})


def run(tmp_path: Path, data: bytes) -> tuple[int, Path]:
    src, out = tmp_path / "in.jsonl", tmp_path / "out" / "verdicts.jsonl"
    src.write_bytes(data)
    return cli(["classify", "--input", str(src), "--output", str(out)]), out


def leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.glob("*")) if out.parent.exists() else []


def error_lines(err: str) -> list[str]:
    assert "Traceback" not in err
    return [line for line in err.splitlines() if line.startswith("error: ")]


def test_deeply_nested_json_is_a_named_error_line(tmp_path, capsys):
    deep = "[" * 100_000 + "]" * 100_000
    code, out = run(tmp_path, "\n".join([good("a"), deep, good("c")]).encode())
    assert code == 2
    errors = error_lines(capsys.readouterr().err)
    assert len(errors) == 1 and "in.jsonl:2: nested too deeply" in errors[0]
    got = [json.loads(x) for x in out.read_text().splitlines()]
    assert [g["id"] for g in got] == ["a", "line-2", "c"] and got[1]["verdict"] == "error"
    assert leftovers(out) == ["verdicts.jsonl"]


def test_input_that_is_not_utf8_is_refused_whole_and_writes_nothing(tmp_path, capsys):
    code, out = run(tmp_path, good("a").encode() + b"\n" + b'{"id": "b\xff"}\n')
    assert code == 2
    errors = error_lines(capsys.readouterr().err)
    assert len(errors) == 1 and "in.jsonl line 2: not UTF-8 (byte 0xff)" in errors[0]
    assert leftovers(out) == []


def test_a_lone_surrogate_is_a_named_error_line_and_leaves_no_partial_file(tmp_path, capsys):
    lone = json.dumps({"id": "s\ud800", "behavior": "blackmail", "response": "x\udfffy", "facts": FACTS})
    assert "\\ud800" in lone  # valid JSON, text that is not valid Unicode
    code, out = run(tmp_path, "\n".join([good("a"), lone]).encode())
    assert code == 2
    errors = error_lines(capsys.readouterr().err)
    assert len(errors) == 1 and "in.jsonl:2: holds text that is not valid Unicode" in errors[0]
    got = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [g["id"] for g in got] == ["a", "line-2"] and got[1]["verdict"] == "error"
    assert leftovers(out) == ["verdicts.jsonl"]


def test_a_failed_write_leaves_no_partial_file(tmp_path, capsys):
    src = tmp_path / "in.jsonl"
    src.write_text(good("a") + "\n")
    blocker = tmp_path / "taken"
    blocker.write_text("a file where the output folder should be")
    out = blocker / "verdicts.jsonl"
    code = cli(["classify", "--input", str(src), "--output", str(out)])
    assert code == 2
    errors = error_lines(capsys.readouterr().err)
    assert len(errors) == 1 and "cannot write" in errors[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "taken"]


def test_unicode_line_separators_inside_json_do_not_split_lines(tmp_path, capsys):
    code, out = run(tmp_path, (good("a", "one\u2028two\x85three") + "\n" + good("b") + "\n").encode())
    assert code == 0
    got = [json.loads(x) for x in out.read_text(encoding="utf-8").split("\n") if x]
    assert [g["id"] for g in got] == ["a", "b"]


def test_escape_sequences_from_the_input_are_printed_inert(tmp_path, capsys):
    bad = '{"id": "x", "behavior": "\\u001b]0;pwned\\u0007", "response": "", "facts": {}}'
    code, _ = run(tmp_path, (bad + "\n").encode())
    assert code == 2
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\x07" not in err
    assert len(error_lines(err)) == 1
