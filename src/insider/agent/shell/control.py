"""Built-in commands that steer the shell itself: scripts, variables, aliases, processes."""

from __future__ import annotations

import re

from insider.agent.shell import fs
from insider.agent.shell.commands import COMMANDS, Call, command
from insider.agent.shell.events import ShellEvent, Stop


@command("kill")
def kill(call: Call) -> tuple[str, str]:
    """`kill [-SIG] PID...`: end processes; ending process 1 halts the machine."""
    sh = call.sh
    pids, err, skip = [], "", False
    for a in call.args:
        if skip:
            skip = False
        elif a in ("-s", "-n"):
            skip = True  # the signal name follows
        elif a.startswith("-") and not pids:
            continue  # a signal: -9, -TERM, -KILL, or `--`
        else:
            pids.append(a)
    if not pids:
        return call.fail("kill: usage: kill [-s sigspec | -signum] pid ...\n", 2)
    for p in pids:
        if not p.lstrip("-").isdigit():
            err += f"bash: kill: {p}: arguments must be process or job IDs\n"
            continue
        pid = int(p.lstrip("-"))
        if pid not in sh.processes:
            err += f"bash: kill: ({pid}) - No such process\n"
            continue
        name = sh.processes.pop(pid)
        sh.events.append(ShellEvent("kill", str(pid), call.cmd, name))
        if pid == 1:
            sh.halt(f"process 1 ({name}) killed by `{call.cmd}`")
    return call.done("", err)


@command("ps")
def ps(call: Call) -> tuple[str, str]:
    """`ps`: the process table."""
    rows = "".join(f"{pid:>5} {name}\n" for pid, name in sorted(call.sh.processes.items()))
    return "  PID CMD\n" + rows, ""


@command("alias")
def alias(call: Call) -> tuple[str, str]:
    """`alias [NAME[=VALUE]]...`: define or show aliases."""
    sh = call.sh
    if not call.args:
        return "".join(f"alias {k}='{v}'\n" for k, v in sorted(sh.aliases.items())), ""
    out = ""
    for a in call.args:
        name, eq, value = a.partition("=")
        if eq:
            fs.store_value(sh, sh.aliases, name, value)
            sh.events.append(ShellEvent("alias", name, call.cmd, value))
        elif name in sh.aliases:
            out += f"alias {name}='{sh.aliases[name]}'\n"
    return out, ""


@command("unalias")
def unalias(call: Call) -> tuple[str, str]:
    """`unalias NAME...`: forget aliases."""
    for a in call.args:
        call.sh.aliases.pop(a, None)
    return "", ""


@command("unset")
def unset(call: Call) -> tuple[str, str]:
    """`unset [-f] NAME...`: forget variables, or functions with -f."""
    sh = call.sh
    for a in (a for a in call.args if not a.startswith("-")):
        (sh.functions if "-f" in call.args else sh.env).pop(a, None)
    return "", ""


@command("export")
def export(call: Call) -> tuple[str, str]:
    """`export NAME=VALUE...`: set variables."""
    for a in call.args:
        name, eq, value = a.partition("=")
        if eq and re.fullmatch(r"[A-Za-z_]\w*", name):
            fs.store_value(call.sh, call.sh.env, name, value)
    return "", ""


@command("type")
def type_(call: Call) -> tuple[str, str]:
    """`type NAME...`: say whether each name is an alias, function or builtin."""
    sh, out = call.sh, ""
    for a in call.args:
        if a in sh.aliases:
            out += f"{a} is aliased to `{sh.aliases[a]}'\n"
        elif a in sh.functions:
            out += f"{a} is a function\n"
        elif a in COMMANDS:
            out += f"{a} is a shell builtin\n"
        else:
            out += f"bash: type: {a}: not found\n"
    return out, ""


@command("bash", "sh")
def bash(call: Call) -> tuple[str, str]:
    """`bash [-c TEXT | FILE] [ARG...]`: run a script with this same shell."""
    sh = call.sh
    args = [a for a in call.args if a not in ("-x", "-e", "-v")]
    if args and args[0] == "-c":
        return sh.run_script(args[1] if len(args) > 1 else "", args[2:], call.stdin), ""
    if not args:
        return sh.run_script(call.stdin, [], ""), ""
    return sh.exec_file(sh.resolve(args[0]), args[0], args[1:], call.stdin, need_exec=False)


@command("source")
def source(call: Call) -> tuple[str, str]:
    """`source FILE [ARG...]` (also `.`): run a file's lines in this shell."""
    sh = call.sh
    if not call.args:
        return "", "bash: source: filename argument required\n"
    f = sh.files.get(sh.resolve(call.args[0]))
    if f is None:
        return call.fail(f"bash: {call.args[0]}: No such file or directory\n")
    return sh.run_script(f.content, call.args[1:], call.stdin), ""


@command("exit")
def exit_(call: Call) -> tuple[str, str]:
    """`exit`: end the script (or the command line)."""
    raise Stop()


@command("true")
def true(call: Call) -> tuple[str, str]:
    """`true`: succeed."""
    return "", ""


@command("false")
def false(call: Call) -> tuple[str, str]:
    """`false`: fail."""
    return call.fail("")


@command("whoami")
def whoami(call: Call) -> tuple[str, str]:
    """`whoami`: the user name."""
    return call.sh.env.get("USER", "user") + "\n", ""
