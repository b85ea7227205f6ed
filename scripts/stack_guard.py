"""Heal what a killed Pulumi run leaves in a local file backend, before the next command runs.

`scripts/pulumi` runs this ahead of every command (stdlib only; the CLI and its environment are
already set up). For the file backend (`PULUMI_BACKEND_URL=file://...`) it

* removes a **stack lock left by a dead process of this machine** (the lock file records pid,
  user, host and time, see pkg/backend/diy/lock.go). A lock whose process is still running, or
  that another host wrote, is never touched: Pulumi then refuses to run, as it should.
* resolves the **pending operations** an interrupted run left in the checkpoint. `up`/`refresh`
  drop them (`pulumi stack export` + `pulumi stack import`, which clears them under the stack
  lock): the run re-reads every resource, and a create that was cut short is simply run again
  (the providers take back an entity this stack created). `destroy` and `preview` only warn:
  `destroy` cannot delete what an interrupted create may have made, so the ops are kept for the
  next `up`.
* removes an **unreadable metadata sidecar** (`<blob>.attrs`) of the state: the blob library rewrites it
  in place before it renames a new checkpoint in, so a kill in between leaves it empty, and every
  later command on the stack fails with "failed to load checkpoint: EOF".

Everything it does is said on stderr, one line each."""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import socket
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

LOCKING_COMMANDS = {"up", "update", "refresh", "destroy", "import", "watch", "state"}
RESOLVING_COMMANDS = {"up", "update", "refresh"}
WARNING_COMMANDS = {"destroy", "preview"}
# Flags of the commands above that take a value (so the value is not taken for the command).
_VALUE_FLAGS = {"--stack", "-s", "--cwd", "-C", "--color", "--event-log", "--config-file", "--parallel", "-p"}


def say(message: str) -> None:
    print(f"scripts/pulumi: {message}", file=sys.stderr, flush=True)


@dataclass(frozen=True)
class Invocation:
    command: str | None
    stack: str | None
    cwd: Path


def parse(argv: list[str]) -> Invocation:
    command = stack = None
    cwd = Path.cwd()
    i = 0
    while i < len(argv):
        arg = argv[i]
        name, eq, value = arg.partition("=")
        if name in _VALUE_FLAGS:
            if not eq:
                i += 1
                value = argv[i] if i < len(argv) else ""
            if name in ("--stack", "-s"):
                stack = value
            elif name in ("--cwd", "-C"):
                cwd = Path(value)
        elif not arg.startswith("-") and command is None:
            command = arg
        i += 1
    return Invocation(command, stack, cwd)


def file_backend_root(url: str) -> Path | None:
    """The directory of a file:// backend URL (None for any other backend)."""
    if not url.startswith("file://"):
        return None
    path = unquote(urlsplit(url).path if not url.startswith("file://~") else url[len("file://") :])
    return Path(os.path.expanduser(path))


def project_name(cwd: Path) -> str | None:
    for name in ("Pulumi.yaml", "Pulumi.yml"):
        path = cwd / name
        if path.exists():
            for line in path.read_text().splitlines():
                if line.startswith("name:"):
                    return line.split(":", 1)[1].strip().strip("'\"")
    return None


# ------------------------------------------------------------------------------------------ locks
@dataclass(frozen=True)
class Lock:
    path: Path
    pid: int
    username: str
    hostname: str
    timestamp: str

    def describe(self) -> str:
        return f"pid {self.pid} of {self.username}@{self.hostname}, since {self.timestamp}"


def read_locks(root: Path, project: str, stack: str) -> list[Lock]:
    """The lock files of `<org>/<project>/<stack>` (any org; a fully qualified stack name is its own path)."""
    parts = stack.split("/")
    pattern = f"*/{project}/{stack}/*.json" if len(parts) == 1 else f"{stack}/*.json"
    locks = []
    for path in sorted((root / ".pulumi" / "locks").glob(pattern)):
        try:
            doc = json.loads(path.read_text())
            locks.append(
                Lock(path, int(doc["pid"]), str(doc["username"]), str(doc["hostname"]), str(doc["timestamp"]))
            )
        except (OSError, ValueError, KeyError, TypeError):
            continue  # being written or already gone: Pulumi itself decides about it
    return locks


def _boot_time() -> float:
    for line in Path("/proc/stat").read_text().splitlines():
        if line.startswith("btime "):
            return float(line.split()[1])
    raise OSError("no btime in /proc/stat")


def process_start(pid: int) -> tuple[str, float] | None:
    """(state, start time as a Unix timestamp) of a running process, None when there is none."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (comm) "
    state, start_ticks = fields[0], int(fields[19])
    return state, _boot_time() + start_ticks / os.sysconf("SC_CLK_TCK")


def _lock_time(timestamp: str) -> float | None:
    """Go's RFC 3339 with nanoseconds ("2026-12-01T21:01:00.129236919Z") as a Unix timestamp."""
    text = timestamp.replace("Z", "+00:00")
    head, dot, rest = text.partition(".")
    if dot:
        digits = "".join(c for c in rest if c.isdigit())
        text = head + "." + digits[:6] + rest[len(digits) :]
    try:
        return datetime.fromisoformat(text).timestamp()
    except ValueError:
        return None


def _is_pulumi(pid: int) -> bool:
    try:
        argv0 = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0", 1)[0]
    except OSError:
        return False
    return os.path.basename(argv0) == b"pulumi"


def owner_running(lock: Lock) -> bool:
    """Whether the process that wrote `lock` (on this machine) may still run. A missing or zombie
    process is dead; so is a live process that is not `pulumi` and started after the lock was written
    (the pid was reused). A `pulumi` process with that pid always counts as the owner."""
    proc = process_start(lock.pid)
    if proc is None:
        return False
    state, started = proc
    if state in ("Z", "X"):
        return False
    if _is_pulumi(lock.pid):
        return True
    written = _lock_time(lock.timestamp)
    return written is None or started <= written + 2.0  # start times derive from whole-second btime


def clear_stale_locks(root: Path, project: str, stack: str) -> list[Lock]:
    """Remove the locks of dead processes of this host; return the locks still held."""
    held = []
    here = socket.gethostname()
    for lock in read_locks(root, project, stack):
        if lock.hostname == here and not owner_running(lock):
            for path in (lock.path, lock.path.with_name(lock.path.name + ".attrs")):
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
            say(
                f"removed the lock on stack '{stack}' left by a Pulumi run that is no longer running "
                f"({lock.describe()}); no `pulumi cancel` needed"
            )
        else:
            held.append(lock)
    return held


# ------------------------------------------------------------------------------ pending operations
def read_checkpoint(root: Path, project: str, stack: str) -> tuple[bytes, list[dict[str, object]]]:
    """The stack's checkpoint file as stored, and its pending operations (b"", [] without a checkpoint)."""
    name = stack.split("/")[-1]
    project_dir = root / ".pulumi" / "stacks" / (stack.split("/")[-2] if "/" in stack else project)
    for path in (project_dir / f"{name}.json", project_dir / f"{name}.json.gz"):
        try:
            raw = path.read_bytes()
        except OSError:
            continue
        try:
            doc = json.loads(gzip.decompress(raw) if path.suffix == ".gz" else raw)
        except (OSError, ValueError):
            return raw, []
        latest = (doc.get("checkpoint") or {}).get("latest") or {}
        ops: list[dict[str, object]] = latest.get("pending_operations") or []
        return raw, ops
    return b"", []


def _describe_ops(ops: list[dict[str, object]]) -> str:
    items = []
    for op in ops:
        resource = op.get("resource") or {}
        urn = str(resource.get("urn", "?")) if isinstance(resource, dict) else "?"
        items.append(f"{op.get('type', '?')} {urn.rsplit('::', 1)[-1]}")
    return ", ".join(items)


def resolve_pending(root: Path, project: str, stack: str, seen: bytes, ops: list[dict[str, object]]) -> bool:
    """Drop the pending operations with `stack export` + `stack import`. The import takes the stack
    lock (so it refuses while a run holds it), and only happens if the state is still the one we read."""
    with tempfile.TemporaryDirectory() as tmp:
        dump = Path(tmp) / "state.json"
        for args in (["stack", "export", "--file", str(dump)], ["stack", "import", "--file", str(dump)]):
            if args[1] == "import" and (
                read_checkpoint(root, project, stack)[0] != seen or read_locks(root, project, stack)
            ):
                say(f"left the pending operations of stack '{stack}' alone: another run started meanwhile")
                return False
            proc = subprocess.run(
                ["pulumi", "--non-interactive", *args, "--stack", stack], capture_output=True, text=True
            )
            if proc.returncode != 0:
                detail = (proc.stderr or proc.stdout).strip().splitlines()
                say(f"could not clear the pending operations: {detail[-1] if detail else proc.returncode}")
                return False
    say(
        f"cleared {len(ops)} operation(s) that an interrupted run left unfinished on stack '{stack}' "
        f"({_describe_ops(ops)}); this run re-reads the resources and runs interrupted creates again"
    )
    return True


# ------------------------------------------------------------------------------ metadata sidecars
def remove_unreadable_sidecars(root: Path) -> None:
    """gocloud's fileblob keeps each blob's metadata (content type, MD5) in `<blob>.attrs`, which it
    truncates and rewrites in place (setAttrs) before renaming the new blob in: a run killed in between
    leaves it empty or cut short, and Pulumi then cannot read that checkpoint or lock at all. A missing
    sidecar reads as the defaults, so an unreadable one is removed (the blob itself is never touched)."""
    state = root / ".pulumi"
    for path in [*state.glob("*.attrs"), *state.glob("stacks/**/*.attrs"), *state.glob("locks/**/*.attrs")]:
        try:
            json.loads(path.read_bytes())
        except OSError:
            continue
        except ValueError:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
            say(
                f"removed {path.relative_to(root)}: the metadata file of {path.name.removesuffix('.attrs')} "
                "was left unreadable by an interrupted write (Pulumi reads a missing one as the defaults)"
            )


def guard(argv: list[str], backend_url: str) -> None:
    inv = parse(argv)
    root = file_backend_root(backend_url)
    if root is None:
        return
    remove_unreadable_sidecars(root)  # before any command: `stack select` fails on one too
    if inv.stack is None or inv.command not in LOCKING_COMMANDS | WARNING_COMMANDS:
        return
    project = project_name(inv.cwd)
    if project is None:
        return
    held = clear_stale_locks(root, project, inv.stack)
    if held:
        here = socket.gethostname()
        for lock in held:
            if lock.hostname == here:
                say(f"stack '{inv.stack}' is locked by a Pulumi run that still runs ({lock.describe()})")
            else:
                say(
                    f"stack '{inv.stack}' is locked by a Pulumi run on another machine ({lock.describe()}); "
                    f"if that run is dead, `pulumi cancel --stack {inv.stack}` removes the lock"
                )
        return  # pending operations, if any, belong to that run
    seen, ops = read_checkpoint(root, project, inv.stack)
    if not ops:
        return
    if inv.command in RESOLVING_COMMANDS:
        resolve_pending(root, project, inv.stack, seen, ops)
    elif inv.command == "destroy":
        creates = [op for op in ops if op.get("type") == "creating"]
        if creates:  # other pending operations are on resources still in the state: destroy handles them
            say(
                f"stack '{inv.stack}' has creates that an interrupted run left unfinished "
                f"({_describe_ops(creates)}); what they made is not in the state, so destroy cannot delete "
                "it: run `make up` first, then `make down`"
            )
    elif inv.command in WARNING_COMMANDS:
        say(
            f"stack '{inv.stack}' has operations an interrupted run left unfinished ({_describe_ops(ops)}); "
            "the next `make up` clears them"
        )


if __name__ == "__main__":
    try:
        guard(sys.argv[1:], os.environ.get("PULUMI_BACKEND_URL", ""))
    except Exception as exc:  # noqa: BLE001 - never block a Pulumi command over a best-effort repair
        say(f"could not check the stack for stale locks or pending operations: {exc}")
