"""`--out s3://bucket/prefix`: a run, its parts and its models in an S3-compatible store.

The store is moto's S3 server, started here on 127.0.0.1; the endpoint reaches s3fs and
Inspect through `AWS_ENDPOINT_URL`, as it would for MinIO or a cloud's store.
"""

from __future__ import annotations

import io
import json
import logging
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pandas as pd
import pytest
from helpers_cli import cli

from insider import storage
from insider.runs import model_slug

pytest.importorskip("s3fs")
moto_server = pytest.importorskip("moto.server")

BUCKET = "insider-test-logs"
DEMO = Path(__file__).resolve().parents[1] / "examples" / "replay-demo.jsonl"
INNOCENT = "<SCRATCHPAD_REASONING>Nothing to do.</SCRATCHPAD_REASONING>\nAll routine items are answered."


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def endpoint():
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request otherwise
    port = free_port()
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3(endpoint, monkeypatch, tmp_path):
    env = {"AWS_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
           "AWS_DEFAULT_REGION": "us-east-1", "INSIDER_CACHE_DIR": str(tmp_path / "cache")}
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    import boto3

    client = boto3.client("s3")
    if BUCKET not in [b["Name"] for b in client.list_buckets()["Buckets"]]:
        client.create_bucket(Bucket=BUCKET)
    return client


def eval_keys(client, prefix: str) -> list[str]:
    listing = client.list_objects_v2(Bucket=BUCKET, Prefix=prefix).get("Contents", [])
    return sorted(o["Key"] for o in listing if o["Key"].endswith(".eval"))


def test_a_two_model_run_in_parts_lives_in_the_store_and_reads_back(s3, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    b = tmp_path / "B.jsonl"
    b.write_text(json.dumps({"response": INNOCENT}) + "\n")
    a_model, b_model = f"replay/{DEMO}", f"replay/{b}"
    url = f"s3://{BUCKET}/runs/two"
    args = ["run", "--family", "blackmail", "--model", f"{a_model},{b_model}", "--samples", "1", "--shard-size", "1",
            "--out", url, "--display", "none"]
    assert cli(args) == 0, capsys.readouterr().err
    assert f"logs: {url}" in capsys.readouterr().out
    keys = eval_keys(s3, "runs/two/")
    parts = sorted({k.rsplit("/", 1)[0] for k in keys})
    assert parts == sorted(f"runs/two/{model_slug(m)}/part-00{i}-of-002" for m in (a_model, b_model) for i in (1, 2))
    assert not list(tmp_path.glob("**/*.eval")) or all("cache" in str(p) for p in tmp_path.glob("**/*.eval"))

    assert cli(["results", url, "--format", "jsonl"]) == 0
    df = pd.read_json(io.StringIO(capsys.readouterr().out), lines=True)
    assert len(df) == 4 and sorted(df["model"].unique()) == sorted([a_model, b_model])
    assert set(df["run"]) == {url}
    assert df.groupby("model")["verdict"].apply(lambda v: (v == "harmful").sum()).to_dict() == {a_model: 1, b_model: 0}

    report = tmp_path / "report.md"
    assert cli(["report", url, "--out", str(report)]) == 0
    assert sum(line.startswith("| model vs model") for line in report.read_text().splitlines()) == 2

    capsys.readouterr()
    assert cli(["gate", url, "--max", "blackmail=0.6"]) == 0
    assert capsys.readouterr().out.count("PASS  blackmail") == 2

    # the same command resumes: every part is finished, nothing is written again
    assert cli(args) == 0
    assert eval_keys(s3, "runs/two/") == keys


def test_a_missing_bucket_is_one_line_and_nothing_is_written(s3, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    before = [b["Name"] for b in s3.list_buckets()["Buckets"]]
    code = cli(["run", "--family", "blackmail", "--model", f"replay/{DEMO}", "--samples", "1",
                "--out", "s3://no-such-bucket-here/runs", "--display", "none"])
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1
    assert "the bucket 'no-such-bucket-here' does not exist" in err
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == before
    assert list(tmp_path.iterdir()) == []
    assert cli(["results", f"s3://{BUCKET}/no-run-here"]) == 2
    assert "run not found" in capsys.readouterr().err


def test_the_viewer_lists_a_run_in_the_store(s3, tmp_path):
    url = f"s3://{BUCKET}/runs/view"
    assert cli(["run", "--family", "blackmail", "--model", f"replay/{DEMO}", "--samples", "1", "--out", url,
                "--display", "none"]) == 0
    port = free_port()
    proc = subprocess.Popen([str(Path(sys.executable).parent / "insider"), "view", url, "--port", str(port)],
                            env=dict(os.environ), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline, listing = time.monotonic() + 60, None
        while time.monotonic() < deadline and listing is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/log-files", timeout=5) as r:
                    listing = json.load(r)
            except OSError:
                time.sleep(0.5)
        assert listing is not None, "the viewer did not answer"
        names = [f["name"] for f in listing["files"]]
        assert len(names) == 1 and names[0].startswith(url) and names[0].endswith(".eval")
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_a_local_mirror_follows_the_store(tmp_path, monkeypatch):
    import fsspec

    monkeypatch.setenv("INSIDER_CACHE_DIR", str(tmp_path / "cache"))
    fs = fsspec.filesystem("memory")
    fs.pipe("/mirror-test/run/a.eval", b"one")
    fs.pipe("/mirror-test/run/part-001/b.eval", b"two")
    fs.pipe("/mirror-test/run/notes.txt", b"not a log")
    local = Path(storage.local_mirror("memory://mirror-test/run"))
    assert sorted(p.relative_to(local).as_posix() for p in local.rglob("*.eval")) == ["a.eval", "part-001/b.eval"]
    assert not (local / "notes.txt").exists()
    fs.pipe("/mirror-test/run/a.eval", b"changed")
    fs.rm("/mirror-test/run/part-001/b.eval")
    assert Path(storage.local_mirror("memory://mirror-test/run")) == local
    assert (local / "a.eval").read_bytes() == b"changed" and not (local / "part-001" / "b.eval").exists()
    single = Path(storage.local_mirror("memory://mirror-test/run/a.eval"))
    assert single.name == "a.eval" and single.read_bytes() == b"changed"
