"""A fast subset of the hostile-input campaign (`benchmarks/reliability.py` runs at least 500
cases): a few cases of every class through the real CLI, the simulated shell and real logs,
with a random secret in the environment. None may print a traceback or the secret; each
refusal is exit code 2 with one `error:` line naming what was refused; template and shell
cases stay in bounded memory."""

from __future__ import annotations

import random
import zipfile

import pytest

from benchmarks.reliability import fuzz_inputs, fuzz_logs, fuzz_packs, fuzz_shell, fuzz_templates
from benchmarks.reliability.fuzz import Case
from benchmarks.reliability.probe import MAX_PEAK_MB, leaked, planted_secret


@pytest.fixture(scope="module")
def secret():
    with planted_secret() as value:
        yield value


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


@pytest.fixture(scope="module")
def base(work, secret):
    return fuzz_logs.base_run(work)


def clean(case: Case, secret: str) -> Case:
    assert not case.problems(), (case.kind, case.argv[-3:], case.problems(), case.err[-1000:])
    assert not case.traceback and not case.leaks
    assert secret not in case.out + case.err
    return case


def refused_in_one_line(case: Case, secret: str) -> Case:
    clean(case, secret)
    assert case.code == 2 and case.is_one_line and case.err_lines[0].startswith("error: "), case.err[-1000:]
    return case


# -- pack folders --------------------------------------------------------------------------------

@pytest.mark.parametrize("target", ["environ", "passwd", "etc-dir", "outside-copy", "relative-up"])
def test_links_in_a_pack_are_refused(target, work, secret):
    refused_in_one_line(fuzz_packs.symlink_case(target, random.Random(target), work), secret)


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "socket"])
def test_special_files_in_a_pack_are_refused(kind, work, secret):
    refused_in_one_line(fuzz_packs.device_case(kind, random.Random(kind), work), secret)


@pytest.mark.parametrize("variant", ["ff", "encoded-surrogate", "utf-16", "latin-1"])
def test_pack_files_that_are_not_utf8_are_refused(variant, work, secret):
    case = refused_in_one_line(fuzz_packs.pack_encoding_case(variant, random.Random(variant), work), secret)
    assert "not UTF-8" in case.err


@pytest.mark.parametrize("variant", ["flow-list", "block-map", "alias-bomb", "alias-self"])
def test_deep_or_aliased_yaml_is_refused(variant, work, secret):
    case = refused_in_one_line(fuzz_packs.yaml_nesting_case(variant, random.Random(variant), work), secret)
    assert case.peak_mb < MAX_PEAK_MB


# -- templates -----------------------------------------------------------------------------------

TEMPLATES = [("output_bomb", v) for v in ("center", "indent", "format-filter", "percent", "str-format",
                                          "tilde-doubling", "star-string", "star-list")] + \
            [("loop", v) for v in ("nested-range", "batch-loop")] + \
            [("recursion", v) for v in ("self-include", "mutual-include", "macro", "caller", "recursive-loop")]


@pytest.mark.parametrize("cls,variant", TEMPLATES)
def test_template_bombs_are_refused_in_bounded_memory(cls, variant, work, secret):
    case = refused_in_one_line(fuzz_templates.template_case(cls, variant, random.Random(variant), work), secret)
    assert case.peak_mb is not None and case.peak_mb < MAX_PEAK_MB
    assert case.seconds < 30


# -- input files ---------------------------------------------------------------------------------

@pytest.mark.parametrize("cls,variant", [("encoding", "ff"), ("encoding", "overlong"), ("encoding", "surrogate"),
                                         ("nesting", "deep")])
def test_classify_input_fails_safe(cls, variant, work, secret):
    case = clean(fuzz_inputs.classify_input_case(cls, variant, random.Random(variant), work), secret)
    assert case.code == 2 and sum(line.startswith("error: ") for line in case.err_lines) == 1


@pytest.mark.parametrize("cls,variant", [("encoding", "ff"), ("encoding", "lone-lead"), ("nesting", "deep")])
def test_replay_files_that_are_not_utf8_or_too_deep_are_refused(cls, variant, work, secret):
    refused_in_one_line(fuzz_inputs.replay_input_case(cls, variant, random.Random(variant), work), secret)


# -- the simulated shell -------------------------------------------------------------------------

@pytest.mark.parametrize("cls,variant", [("shell_growth", v) for v in ("cat-chain", "cp-loop", "var-doubling",
                                                                        "self-append")]
                         + [("regex", "backtracking"), ("regex", "huge-pattern")])
def test_hostile_command_lines_stay_within_the_shell_caps(cls, variant, secret):
    case = clean(fuzz_shell.shell_case(cls, variant, random.Random(variant)), secret)
    assert case.peak_mb is not None and case.peak_mb < MAX_PEAK_MB


# -- logs: formula cells, damaged and unfinished runs --------------------------------------------

@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t"])
@pytest.mark.parametrize("place", ["condition", "request_id", "factor_name", "error"])
def test_formula_text_from_logs_is_quoted_in_csv(start, place, work, base, secret):
    payload = start + "HYPERLINK(\"http://example.invalid\")"
    case = clean(fuzz_logs.formula_case(place, random.Random(start + place), work, base, payload=payload), secret)
    assert case.code == 0


@pytest.mark.parametrize("payload", ["\r=1+1", "note\r=1+1"])
def test_carriage_returns_from_logs_cannot_start_a_formula_row(payload, work, base, secret):
    clean(fuzz_logs.formula_case("condition", random.Random(0), work, base, payload=payload), secret)


@pytest.mark.parametrize("damage", ["truncated", "bit-flip-sample", "empty", "not-a-zip", "started",
                                    "no-valid-samples", "too-many-errors"])
def test_damaged_and_unfinished_logs_fail_safe(damage, work, base, secret):
    for seed in range(3):  # the command and the layout are drawn: a few of each
        clean(fuzz_logs.gate_case(damage, random.Random(f"{damage}{seed}"), work, base), secret)


def test_a_resume_over_a_damaged_log_sets_it_aside(work, secret):
    clean(fuzz_logs.resume_case(random.Random(1), work), secret)


# -- the harness can fail ------------------------------------------------------------------------

def test_the_checks_catch_a_leak_a_one_line_miss_and_memory(secret, tmp_path):
    with zipfile.ZipFile(tmp_path / "x.eval", "w") as z:
        z.writestr("samples/1.json", f'{{"env": "{secret}"}}')
    assert leaked(["nothing here"], [tmp_path]) == [str(tmp_path / "x.eval")]
    assert leaked([f"key={secret}"], []) == ["output"]
    case = Case("x", [], 2, "", "error: one\nerror: two\n", False, one_line=True, leaks=["output"], peak_mb=3000.0)
    problems = case.problems()
    assert "2 lines on stderr, not one" in problems and any("secret leaked" in p for p in problems)
    assert any("peak memory" in p for p in problems)
