"""Hostile input through the real CLI: every bad pack, template, run option, replay or
classify file is refused with exit code 2 and a message naming the file, line or key —
never a traceback, never an output that looks complete. Sandbox escapes are refused."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.reliability import fuzz

FAST = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _ok(case: fuzz.Case) -> None:
    assert not case.problems(), (case.argv, case.problems(), case.err[-1500:])


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    return tmp_path_factory.mktemp("hostile")


@FAST
@given(rng=st.randoms(use_true_random=False))
def test_damaged_packs_are_refused_by_name(rng: random.Random, work):
    _ok(fuzz.pack_case(rng, work))


@FAST
@given(rng=st.randoms(use_true_random=False))
def test_bad_run_options_are_refused_before_any_sample(rng: random.Random, work):
    case = fuzz.run_options_case(rng, work)
    _ok(case)
    assert case.code == 2


@FAST
@given(rng=st.randoms(use_true_random=False))
def test_bad_replay_lines_are_refused_by_file_and_line(rng: random.Random, work):
    case = fuzz.replay_case(rng, work)
    _ok(case)
    assert case.code == 2


@FAST
@given(rng=st.randoms(use_true_random=False))
def test_bad_classify_lines_are_named_and_marked_error(rng: random.Random, work):
    _ok(fuzz.classify_case(rng, work))


@pytest.mark.parametrize("payload", fuzz.ESCAPES)
def test_template_sandbox_escapes_are_refused(payload, work):
    case = fuzz.escape_case(payload, work)
    _ok(case)
    assert case.code == 2 and "role.j2" in case.err


def test_the_checker_itself_catches_a_traceback():
    # the harness must be able to fail: a crashing command is reported, not hidden
    case = fuzz.Case("x", [], -1, "", "Traceback (most recent call last):\nBoom", True)
    assert "traceback" in case.problems() and "exit code -1, not 2" in case.problems()
