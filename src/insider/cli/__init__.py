"""The `insider` command: a click group whose subcommands live one per module.

Each public module of this package that defines a click command or group named `command`
is a subcommand of the same name; modules without one (helpers) are not. This file only
collects them and turns `InsiderError` into a one-line message with exit code 2.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import pkgutil
import sys

import click

from insider import __version__
from insider.errors import InsiderError

# Public module names of this package, found once; a module is imported only when its
# subcommand runs or `--help` lists it, so that a command line loads little.
_MODULES = tuple(sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_")))


def _binds_command(name: str) -> bool:
    """Whether module `name` binds `command` at top level, read from its source so that
    helper modules (which can import heavy things) are not imported to find out."""
    spec = importlib.util.find_spec(f"{__name__}.{name}")
    source = spec.loader.get_source(spec.name) if spec and spec.loader else None
    if source is None:  # no source (e.g. a bytecode-only install): import and look
        return isinstance(getattr(importlib.import_module(f"{__name__}.{name}"), "command", None),
                          click.Command)
    for node in ast.parse(source).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == "command":
            return True
        targets = (node.targets if isinstance(node, ast.Assign)
                   else [node.target] if isinstance(node, ast.AnnAssign) else [])
        if any(isinstance(t, ast.Name) and t.id == "command" for t in targets):
            return True
        if isinstance(node, ast.ImportFrom) and any((a.asname or a.name) == "command" for a in node.names):
            return True
    return False


class _LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name in _MODULES if _binds_command(name)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in _MODULES:
            return None
        command = getattr(importlib.import_module(f"{__name__}.{cmd_name}"), "command", None)
        return command if isinstance(command, click.Command) else None


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
