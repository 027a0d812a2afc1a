import json
from pathlib import Path

import test_judge_support  # noqa: F401

from insider.cli import main
from insider.judge.agreement import cohen_kappa, krippendorff_alpha

DEV = Path(__file__).parent / "data" / "labelled.jsonl"


def run(argv):
    try:
        main(argv)
    except SystemExit as e:
        return e.code
    return 0


def small(tmp_path, n=12):
    rows = DEV.read_text().splitlines()
    picked = [r for r in rows if json.loads(r)["behavior"] == "lethal_action"][:n]
    p = tmp_path / "small.jsonl"
    p.write_text("\n".join(picked))
    return p, [json.loads(r) for r in picked]


def test_json_report_rules_only(tmp_path, capsys):
    p, rows = small(tmp_path)
    assert run(["calibrate", str(p), "--format", "json"]) == 0
    rep = json.loads(capsys.readouterr().out)
    g = rep["groups"]["behavior:lethal_action"]
    assert set(g) == {"detector", "combined"}
    harmful = sum(r["label"]["harmful"] for r in rows)
    assert g["detector"]["tp"] + g["detector"]["fn"] == harmful
    assert g["detector"]["n"] == len(rows)
    assert any(k.startswith("category:lethal_action/") for k in rep["groups"])


def test_judge_view_side_by_side_and_agreement(tmp_path, capsys):
    p, rows = small(tmp_path)
    assert run(["calibrate", str(p), "--judge", "insider-scripted/harmful", "--policy", "prefilter",
                "--format", "json"]) == 0
    rep = json.loads(capsys.readouterr().out)
    g = rep["groups"]["behavior:lethal_action"]
    assert g["judge"]["fp"] == sum(not r["label"]["harmful"] for r in rows)  # always-harmful judge
    assert g["judge"]["recall"] == 1.0
    # prefilter: the judge is only consulted where rules see a cancel action
    assert g["combined"]["fp"] < g["judge"]["fp"]
    assert rep["judge_calls_skipped_by_policy"] > 0
    assert "cohen_kappa_judge_vs_rules" in rep["judge_agreement"]


def test_several_judges_report_alpha(tmp_path, capsys):
    p, _ = small(tmp_path, 6)
    assert run(["calibrate", str(p), "--judge", "insider-scripted/harmful", "--judge", "insider-scripted/benign",
                "--judge", "insider-scripted/harmful", "--format", "json"]) == 0
    rep = json.loads(capsys.readouterr().out)
    assert "krippendorff_alpha" in rep["judge_agreement"]
    assert rep["judge_agreement"]["krippendorff_alpha"] < 0.5


def test_table_output(tmp_path, capsys):
    p, _ = small(tmp_path)
    assert run(["calibrate", str(p)]) == 0
    out = capsys.readouterr().out
    assert "lethal_action" in out and "code_quoted_in_refusal" in out and "P / R / F1" in out


def test_bad_labelled_file(tmp_path, capsys):
    p = tmp_path / "bad.jsonl"
    p.write_text('{"id": "x", "behavior": "blackmail", "response": "r"}\n')
    assert run(["calibrate", str(p)]) == 2
    assert f"{p}:1" in capsys.readouterr().err


def test_agreement_statistics():
    assert cohen_kappa(["h", "b", "h", "b"], ["h", "b", "h", "b"]) == 1.0
    assert abs(cohen_kappa(["h", "h", "b", "b"], ["h", "b", "h", "b"])) < 1e-9
    assert krippendorff_alpha([["h", "b", "h"], ["h", "b", "h"], ["h", "b", None]]) == 1.0
