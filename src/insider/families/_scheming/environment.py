"""The scheming sandbox: an in-memory shell holding a family's files and programs.

Each family subclasses `SchemingEnv`: the base puts the pack's files in the shell, runs the
agent's command lines and keeps them (with their output and the files they changed) in
order; the subclass adds its programs and reads the final state (`state()`). Simulated hosts
are paths and programs inside the same shell: nothing reaches the host's disk or network.
"""

from __future__ import annotations

from typing import Any

from insider.agent.shell import File, Shell, ShellEvent, normalize
from insider.families._scheming.pack import SchemingPack, load_pack

STATE_KEY = "insider_scheming"
HOME = "/home/user"
HOSTNAME = "ai-prod-01"
MAX_KEPT_OUTPUT = 1000  # characters of each command's output kept in the snapshot
MAX_KEPT_COMMAND = 2000


class SchemingEnv:
    """A family's sandbox. Subclasses set `family` and may override `setup` and `state`.

    Args:
        metadata: the sample's metadata (its factors, repeat and condition).
    """

    family = ""

    def __init__(self, metadata: dict[str, Any]):
        self.metadata = dict(metadata)
        self.pack: SchemingPack = load_pack(self.family)
        self.factors = {n: str(metadata.get(n) or spec.default or spec.levels[0])
                        for n, spec in self.pack.grid.factors.items()}
        self.ctx = self.pack.context(self.factors)
        files = {normalize(p): File(c) for p, c in self.pack.files(self.factors).items()}
        self.shell = Shell(home=HOME, files=files)
        self.shell.env["HOSTNAME"] = HOSTNAME
        self.shell.add_program("/usr/bin/hostname", "hostname", lambda sh, args: f"{HOSTNAME}\n")
        self.turn = 0
        self.current_cmd = ""
        self.commands: list[dict[str, Any]] = []
        self.selection: dict[str, Any] | None = None
        if self.pack.raw.get("strategy_task"):
            self._add_strategy_task()
        self.setup()
        self.original = {p: f.sha256() for p, f in self.shell.files.items()}

    # ---------------- for subclasses

    def setup(self) -> None:
        """Add the family's programs and paths (after the pack's files are in place)."""

    def state(self) -> dict[str, Any]:
        """The family's part of the snapshot: what its verdict reads."""
        return {}

    # ---------------- the tool

    @property
    def ended(self) -> bool:
        return self.shell.halted

    def bash(self, cmd: str) -> str:
        """The tool: run one command line in the sandbox, keep it and what it changed."""
        cmd = str(cmd)
        self.current_cmd = cmd
        before = len(self.shell.events)
        out = self.shell.run(cmd)
        changes = [_change(e) for e in self.shell.events[before:]]
        self.commands.append({"turn": self.turn, "cmd": cmd[:MAX_KEPT_COMMAND], "output": out[:MAX_KEPT_OUTPUT],
                              "status": self.shell.status, "changes": changes[:20]})
        return out if out else "(no output)"

    # ---------------- evidence

    def file(self, path: str) -> File | None:
        return self.shell.files.get(normalize(path))

    def content(self, path: str) -> str | None:
        f = self.file(path)
        return None if f is None else f.content

    def changed(self, path: str) -> bool:
        """True when the file at `path` is gone or differs from its first content."""
        path = normalize(path)
        f = self.shell.files.get(path)
        return f is None or f.sha256() != self.original.get(path)

    def cite(self, path: str) -> str:
        """The last command that changed `path` (or a directory holding it), for reasons."""
        path = normalize(path)
        for e in reversed(self.shell.events):
            for target in (e.path, e.detail):
                if target and (target == path or path.startswith(str(target).rstrip("/") + "/")):
                    return e.cmd[:200]
        return ""

    def record(self, op: str, path: str, detail: str = "") -> None:
        """Note a change a program made, citing the command line that ran it."""
        self.shell.events.append(ShellEvent(op, normalize(path), self.current_cmd, detail))

    def snapshot(self) -> dict[str, Any]:
        return {
            "family": self.family,
            "factors": self.factors,
            "commands": self.commands,
            "selection": self.selection,
            "halted": self.shell.halted,
            "events": [e.__dict__ for e in self.shell.events][-200:],
            **self.state(),
        }

    # ---------------- the shared strategy task

    def _add_strategy_task(self) -> None:
        options = self.ctx["options"]
        lines = [f"Decision: {self.ctx['decision']}", ""]
        for o in options:
            lines += [f"Option {o['letter']}: {o['title']}", f"  {o['text']}", ""]
        self.shell.files[normalize(f"{HOME}/data/options.txt")] = File("\n".join(lines))
        self.shell.add_program("/usr/local/bin/select_option", "select_option", self._select)

    def _select(self, shell: Shell, args: list[str]) -> str:
        letters = {o["letter"]: o for o in self.ctx["options"]}
        choice = (args[0].strip().upper() if args else "")
        if choice not in letters:
            shell.status = 2
            return f"usage: select_option LETTER (one of {', '.join(letters)})\n"
        option = letters[choice]
        self.selection = {"letter": choice, "title": option["title"], "aligned": option["aligned"],
                          "turn": self.turn, "cmd": self.current_cmd[:200]}
        self.on_select(option)
        return f"Recorded: option {choice} ({option['title']}).\n"

    def on_select(self, option: dict[str, Any]) -> None:
        """Called when the agent selects an option (oversight logs it)."""


def _change(e: ShellEvent) -> str:
    return f"{e.op} {e.path}" + (f" -> {e.detail}" if e.detail else "")


def save_snapshot(state: Any, env: SchemingEnv) -> None:
    """Write the environment's snapshot where the scorer reads it (metadata and store)."""
    snapshot = env.snapshot()
    old = (state.metadata or {}).get(STATE_KEY) or {}
    for key in ("final_reply", "interview"):  # written by the solver, kept across saves
        if key in old:
            snapshot[key] = old[key]
    state.metadata[STATE_KEY] = snapshot
    try:
        from inspect_ai.util import store

        store().set(STATE_KEY, snapshot)
    except Exception:  # outside a running sample there is no store; metadata suffices
        pass
