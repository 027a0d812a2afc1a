"""The `insider` command: a click group whose subcommands live one per module.

Each module below defines one click command or group named `command`; this file only
collects them and turns `InsiderError` into a one-line message with exit code 2.
"""

from __future__ import annotations

import importlib
import sys

import click

from insider import __version__
from insider.errors import InsiderError

# module name -> subcommand name (modules are imported lazily so `insider --help` is fast)
SUBCOMMANDS = {
    "run": "run",
    "view": "view",
    "scenarios": "scenarios",
    "classify": "classify",
    "calibrate": "calibrate",
    "results": "results",
    "report": "report",
    "gate": "gate",
    "plan": "plan",
    "simulator": "simulator",
}


class _LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(name for name in SUBCOMMANDS if self._load(name) is not None)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return self._load(cmd_name)

    @staticmethod
    def _load(name: str) -> click.Command | None:
        module_name = SUBCOMMANDS.get(name)
        if module_name is None:
            return None
        try:
            module = importlib.import_module(f"insider.cli.{module_name}")
        except ModuleNotFoundError as e:
            if e.name == f"insider.cli.{module_name}":
                return None  # not built yet
            raise
        return getattr(module, "command", None)


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="insider")
def cli() -> None:
    """Measure whether LLM agents turn against the people who run them."""


def main(argv: list[str] | None = None) -> None:
    # Subcommands set their exit code with `raise SystemExit(code)` (the gate uses 0/1/2).
    try:
        cli.main(args=argv, prog_name="insider", standalone_mode=False)
    except InsiderError as e:
        click.echo(f"error: {e}", err=True)
        sys.exit(2)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as e:
        e.show()
        sys.exit(2 if e.exit_code == 2 else e.exit_code)
    except click.exceptions.Exit as e:
        sys.exit(e.exit_code)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
