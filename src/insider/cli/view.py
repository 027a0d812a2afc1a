"""`insider view`: open a run's logs in Inspect's log viewer (a local web server)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click

from insider.errors import InsiderError


@click.command("view")
@click.argument("run", required=False, default="insider-runs")
@click.option("--port", type=int, default=7575, show_default=True, help="Port for the viewer.")
def command(run: str, port: int) -> None:
    """Open the logs of RUN (a run directory or s3:// URL; default: insider-runs) in Inspect's viewer."""
    from insider.storage import exists, is_remote

    path = run if is_remote(run) else Path(run)  # Inspect's viewer reads s3:// log folders itself
    if not exists(run):
        raise InsiderError(f"no run at {run}: pass the --out directory of an `insider run`")
    click.echo(f"Inspect viewer for {path} on http://127.0.0.1:{port} (Ctrl-C to stop)")
    cmd = [sys.executable, "-m", "inspect_ai", "view", "--log-dir", str(path), "--port", str(port), "--recursive"]
    raise SystemExit(subprocess.call(cmd))
