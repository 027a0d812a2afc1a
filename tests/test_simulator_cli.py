"""`python -m benchmarks.simulator serve` prints its base URL, serves, and stops on Ctrl-C.

The simulator is test and benchmark tooling: the installed `insider` command has no
`simulator` subcommand, and its subcommands are the `insider.cli` modules defining `command`.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx

from insider.cli import cli

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_prints_url_and_stops_on_interrupt():
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.simulator", "serve", "--port", str(port),
         "--rpm", "1", "--text", "hello"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        url = proc.stdout.readline().strip()
        assert url == f"http://127.0.0.1:{port}", proc.stderr.read() if not url else url
        body = {"model": "m", "max_tokens": 5, "messages": [{"role": "user", "content": "hi"}]}
        with httpx.Client(base_url=url, timeout=10) as c:
            assert c.post("/v1/messages", json=body).json()["content"][0]["text"] == "hello"
            assert c.post("/v1/messages", json=body).status_code == 429  # --rpm 1
            assert c.get("/stats").json()["rate_limited"] == 1
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 0
        assert "stopped" in proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_serve_help_lists_the_options():
    done = subprocess.run([sys.executable, "-m", "benchmarks.simulator", "serve", "--help"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    for option in ("--port", "--rpm", "--tpm", "--fault-rate", "--fault-kind", "--replay",
                   "--batch-delay", "--output-multiplier"):
        assert option in done.stdout


def test_insider_subcommands_are_the_cli_modules_with_a_command():
    names = cli.list_commands(None)
    assert "simulator" not in names
    assert "progress" not in names and "summary" not in names  # helper modules
    assert {"run", "view", "scenarios", "classify", "calibrate", "results", "report", "gate",
            "plan"} <= set(names)
    assert cli.get_command(None, "summary") is None
    assert cli.get_command(None, "run").name == "run"


def test_listing_subcommands_does_not_import_helper_modules():
    code = ("import sys; from insider.cli import cli; cli.list_commands(None); "
            "print(sorted(m for m in sys.modules if m.startswith('insider.cli.')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
