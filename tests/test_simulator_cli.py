"""`insider simulator serve` prints its base URL, serves, and stops on Ctrl-C."""

from __future__ import annotations

import signal
import subprocess
import sys

import httpx


def test_serve_prints_url_and_stops_on_interrupt():
    proc = subprocess.Popen(
        [sys.executable, "-c", "from insider.cli import main; main()", "simulator", "serve",
         "--rpm", "1", "--text", "hello"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        url = proc.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        body = {"model": "m", "max_tokens": 5, "messages": [{"role": "user", "content": "hi"}]}
        with httpx.Client(base_url=url, timeout=10) as c:
            assert c.post("/v1/messages", json=body).json()["content"][0]["text"] == "hello"
            assert c.post("/v1/messages", json=body).status_code == 429  # --rpm 1
            assert c.get("/stats").json()["rate_limited"] == 1
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
