"""The simulated shell's resource caps: a hostile agent cannot exhaust the host's memory or time."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path

import pytest

from insider.agent.shell import MAX_FILE_BYTES, MAX_OUTPUT, MAX_TOTAL_BYTES, File, Limits, Shell

TRUNCATED = "\n[output truncated]"


@pytest.fixture
def sh() -> Shell:
    return Shell(files={"/home/user/notes.txt": File("hello\n")})


def _usable(shell: Shell) -> bool:
    return shell.run("echo ok") == "ok\n"


def _stored(shell: Shell) -> int:
    return sum(len(f.content) for f in shell.files.values())


def _timed(shell: Shell, line: str) -> tuple[str, float]:
    start = time.monotonic()
    out = shell.run(line)
    return out, time.monotonic() - start


def _sha(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


# ---------------------------------------------------------------- memory


def test_tenfold_cat_chain_stays_bounded_in_a_process_capped_at_2gb():
    # In a child limited to 2 GB of address space: without the caps the chain asks for
    # 10^10 characters and the child dies with MemoryError instead of taking the host down.
    code = textwrap.dedent("""
        import json, resource
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
        from insider.agent.shell import Shell
        sh = Shell()
        sh.run("echo " + "x" * 99 + " > a")
        outs = []
        for i in range(8):
            src, dst = ("a", "b") if i % 2 == 0 else ("b", "a")
            outs.append(sh.run("cat " + " ".join([src] * 10) + " > " + dst))
        one_line = "; ".join(["cat a a a a a a a a a a > b", "cat b b b b b b b b b b > a"] * 5)
        outs.append(sh.run(one_line))
        sizes = {p: len(f.content) for p, f in sh.files.items()}
        # VmHWM is this process's own peak; ru_maxrss would carry the forking parent's over exec
        rss_kb = next(int(line.split()[1]) for line in open("/proc/self/status", encoding="utf-8")
                      if line.startswith("VmHWM:"))
        print(json.dumps({"rss_kb": rss_kb, "sizes": sizes, "outs": outs, "ok": sh.run("echo ok")}))
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(proc.stdout)
    assert max(result["sizes"].values()) <= MAX_FILE_BYTES
    assert sum(result["sizes"].values()) <= MAX_TOTAL_BYTES
    assert result["sizes"]["/home/user/a"] == 10**6  # grew while it fit, then stopped
    assert any("output too large (limit 1 MiB)" in out for out in result["outs"])
    assert result["rss_kb"] < 300 * 1024  # far under 2 GB
    assert result["ok"] == "ok\n"


def test_file_and_total_caps_hold_on_every_kind_of_write():
    sh = Shell(limits=Limits(max_file_bytes=100, max_total_bytes=300))
    assert "file too large (limit 100 bytes)" in sh.run("echo " + "x" * 150 + " > big")
    assert "/home/user/big" not in sh.files
    sh.run("echo " + "y" * 59 + " > a")  # 60 characters
    assert "file too large" in sh.run("echo " + "y" * 59 + " >> a")
    assert len(sh.files["/home/user/a"].content) == 60
    assert "file too large" in sh.run("cat a a > b")
    assert "file too large" in sh.run("cat > h <<EOF\n" + "z" * 120 + "\nEOF")
    assert "/home/user/h" not in sh.files
    assert "file too large" in sh.run("sed -i 's/y/yy/g' a")
    assert sh.files["/home/user/a"].content == "y" * 59 + "\n"
    sh.run("cp a b; cp a c; cp a d")
    assert "no space left on device (limit 300 bytes in all)" in sh.run("cp a e")
    assert "no space left on device" in sh.run("echo " + "w" * 50 + " > f")
    assert _stored(sh) <= 300
    assert "no space left" in sh.run("export BIG=" + "v" * 200)
    assert "BIG" not in sh.env
    sh.run("rm b c d")
    assert sh.run("cp a e; cat e") == "y" * 59 + "\n"  # room again once files are gone
    assert _usable(sh)


def test_doubling_a_tree_hits_the_entry_cap():
    sh = Shell(limits=Limits(max_entries=200))
    line = "mkdir d; touch d/f; " + "; ".join(f"cp -r d t; mv t d/t{i}" for i in range(12))
    out = sh.run(line)
    assert "too many files (limit 200)" in out
    assert len(sh.files) + len(sh.dirs) + len(sh.env) <= 200
    assert _usable(sh)


def test_variable_doubling_is_refused_before_the_string_is_built(sh):
    out = sh.run("A=xxxxxxxxxxxxxxxx; " + "; ".join(["A=$A$A$A$A$A$A$A$A$A$A"] * 8))
    assert "expansion too large (limit 1 MiB)" in out
    assert len(sh.env["A"]) <= 1024 * 1024
    assert _usable(sh)


def test_glob_repeated_many_times_is_an_argument_list_too_long():
    sh = Shell(limits=Limits(max_stream_bytes=10_000))
    sh.run("touch " + " ".join(f"/tmp/file{i:04}" for i in range(100)))
    out = sh.run("echo " + " ".join(["/tmp/*"] * 100))
    assert out == "bash: argument list too long (limit 10000 bytes)\n"
    assert _usable(sh)


def test_deep_paths_are_refused(sh):
    out = sh.run("mkdir -p " + "/a" * 3000)
    assert "File name too long" in out
    assert max(map(len, sh.dirs)) <= 4096
    assert "File name too long" in sh.run("echo x > /tmp/" + "n" * 300)


def test_overlong_input_is_refused(sh):
    out = sh.run("echo " + "x" * (300 * 1024))
    assert out == "bash: input too long (limit 256 KiB)\n"
    assert _usable(sh)


# ---------------------------------------------------------------- output


def test_output_to_the_agent_is_truncated_with_a_note(sh):
    sh.run("echo " + "x" * 5000 + " > f")
    out = sh.run("cat f f f")
    assert out.endswith(TRUNCATED)
    assert len(out) == MAX_OUTPUT + len(TRUNCATED)


def test_endless_output_is_bounded(sh):
    assert "command not found" in sh.run("yes")
    sh.run("echo " + "y" * 99_999 + " > y")  # 100,000 characters
    out, elapsed = _timed(sh, "f() { cat y y y y y; f; }; f")  # `yes` as a recursive function
    assert len(out) == MAX_OUTPUT + len(TRUNCATED)
    assert elapsed < 10
    # More than 1 MiB into a file or down a pipe: refused, never built.
    out = sh.run("bash -c 'cat y y y y y y; cat y y y y y y' > sink")
    assert out == "bash: bash: output too large (limit 1 MiB)\n"
    assert sh.files["/home/user/sink"].content == ""
    sh.run("bash -c 'cat y y y y y y; cat y y y y y y' | cat > piped")
    assert sh.files["/home/user/piped"].content == "bash: bash: output too large (limit 1 MiB)\n"
    assert _usable(sh)


# ---------------------------------------------------------------- time


def test_hostile_sed_pattern_returns_quickly(sh):
    # `re` backtracks on this for more than ten minutes, deaf to SIGINT; `regex` does not.
    out, elapsed = _timed(sh, "echo " + "a" * 40 + "! | sed 's/\\(a*\\)*$/x/'")
    assert elapsed < 5
    assert out == "a" * 40 + "!x\n"
    # One that defeats `regex` too ends on its timeout with an error.
    out, elapsed = _timed(sh, "echo " + "a" * 40 + "! | sed 's/\\(a\\|a\\)*$/x/'")
    assert out == "sed: pattern timed out (limit 1 s)\n"
    assert elapsed < 5
    assert _usable(sh)


def test_sed_timeout_is_overridable_and_in_place_edits_stay_untouched():
    sh = Shell(limits=Limits(regex_timeout=0.2))
    sh.run("echo " + "a" * 40 + "! > f")
    out, elapsed = _timed(sh, "sed -i 's/\\(a\\|a\\)*$/x/' f")
    assert out == "sed: pattern timed out (limit 0.2 s)\n"
    assert elapsed < 2
    assert sh.files["/home/user/f"].content == "a" * 40 + "!\n"


def test_many_hostile_seds_share_the_line_budget(sh):
    line = "; ".join(["echo " + "a" * 40 + "! | sed 's/\\(a\\|a\\)*$/x/'"] * 6)
    out, elapsed = _timed(sh, line)
    assert elapsed < 5  # 2 s of budget, not 6 s of timeouts
    assert "time limit exceeded (2 s)" in out
    assert _usable(sh)


def test_sed_pattern_size_is_capped(sh):
    assert "expression too long" in sh.run("echo hi | sed 's/" + "a" * 400 + "/x/'")
    # `regex` writes counted repeats out at compile time: this one would take gigabytes.
    assert "expression too long" in sh.run("echo hi | sed 's/\\(a\\{1000\\}\\)\\{1000\\}/x/'")
    assert sh.run("echo aaa | sed 's/a\\{2\\}/x/'") == "xa\n"


def test_time_budget_ends_a_slow_line():
    sh = Shell(limits=Limits(time_budget=0.3))
    sh.run("touch " + " ".join(f"/tmp/f{i}" for i in range(3000)))
    out, elapsed = _timed(sh, "echo " + " ".join(["/tmp/nomatch*"] * 3000))
    assert out == "bash: time limit exceeded (0.3 s)\n"
    assert elapsed < 3
    assert _usable(sh)


def test_fork_bomb_ends_with_an_error(sh):
    out, elapsed = _timed(sh, ":(){ :|:& };:")
    assert "maximum nesting depth reached" in out or "command limit reached" in out
    assert len(out) <= MAX_OUTPUT + len(TRUNCATED)
    assert elapsed < 5
    assert _usable(sh)


def test_loops_and_self_calling_scripts_end(sh):
    out = sh.run("while true; do echo x; done")
    assert "while: command not found" in out and len(out) < 200
    sh.run("echo 'bash ./s.sh; bash ./s.sh; bash ./s.sh' > s.sh")
    out, elapsed = _timed(sh, "bash s.sh")
    assert "command limit reached" in out
    assert elapsed < 5
    sh.run("echo 'source s2.sh; source s2.sh' > s2.sh")
    assert "maximum nesting depth reached" in sh.run("source s2.sh")
    sh.run("alias ls='ls -l'")
    assert "-rw-r--r-- 1 user user" in sh.run("ls")  # an alias expands once, never into itself
    assert _usable(sh)


# ---------------------------------------------------------------- the host


def test_rm_rf_root_then_ls_only_touches_the_simulation(sh, tmp_path):
    canary = tmp_path / f"canary-{uuid.uuid4().hex}"
    canary.write_text("keep")
    assert "dangerous" in sh.run("rm -rf /")
    assert sh.run("rm -rf / --no-preserve-root; ls /") == ""
    assert sh.files == {}
    assert sh.run(f"rm -rf {tmp_path} --no-preserve-root; ls {tmp_path}").startswith("ls: cannot access")
    assert sh.run("mkdir /x; ls /") == "x\n"
    assert canary.read_text() == "keep"
    assert Path("/etc/passwd").is_file() and Path("/tmp").is_dir()


def test_writes_to_host_paths_change_only_the_simulation(sh):
    before = _sha("/etc/passwd")
    host_copy = f"/tmp/insider-passwd-{uuid.uuid4().hex}"
    sh.run("echo pwned > /etc/passwd; cat /etc/passwd /etc/passwd >> /etc/passwd")
    sh.run(f"sed -i 's/pwned/owned/' /etc/passwd; cp /etc/passwd {host_copy}; chmod 777 /etc/passwd")
    sh.run("cat > /etc/passwd <<EOF\nroot::0:0::/root:/bin/sh\nEOF")
    assert sh.files["/etc/passwd"].content == "root::0:0::/root:/bin/sh\n"
    assert sh.files[host_copy].content == "owned\n" * 3
    assert _sha("/etc/passwd") == before
    assert not Path(host_copy).exists()
