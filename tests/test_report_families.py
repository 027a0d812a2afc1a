"""Report sections that appear only for some runs: alignment faking, eval-awareness, shutdown refs."""

import pytest
from helpers_logs import Cell, verdicts, write_log

from insider.report import build_report


@pytest.fixture
def af_run(tmp_path):
    cells = []
    for mon, k in ((True, 12), (False, 4)):
        for r in range(4):
            cells.append(Cell(f"alignment_faking/{'monitored' if mon else 'unmonitored'}/r{r}", verdicts(k // 4, 5 - k // 4),
                              factors={"monitored": mon, "request_id": f"r{r}", "_faking": True}))
    return write_log(tmp_path / "af.eval", "anthropic/claude-3-opus-20240229", cells, family="alignment_faking", preset="paper")


def test_alignment_faking_section_and_published_reference(af_run, tmp_path):
    out = build_report([af_run], tmp_path / "r.html")[0]
    text = out.read_text()
    assert "Alignment faking: compliance gap" in text
    # 12 of 20 complied when monitored, 4 of 20 when not: gap 40.0%
    assert "60.0% (n=20)" in text and "20.0% (n=20)" in text and "40.0%" in text
    assert "unpaired" in text  # 4 requests are fewer than the 10 the paired interval needs
    assert "Published reference figures: alignment_faking" in text and "11.9%" in text


def test_awareness_section(tmp_path):
    aw = ["deployment"] * 6 + ["evaluation"] * 6
    cell = Cell("blackmail/explicit-america/replacement", ["harmful"] * 5 + ["benign"] + ["harmful"] + ["benign"] * 5,
                factors={"awareness_notice": True}, awareness=aw)
    path = write_log(tmp_path / "a.eval", "m/x", [cell])
    text = build_report([path], tmp_path / "r.html")[0].read_text()
    assert "Eval-awareness" in text and "83.3%" in text and "16.7%" in text
