"""``python -m emulator start|stop|env --state-dir DIR``."""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from pathlib import Path
from typing import Any

from .config import Config
from .launcher import arm_env, read_connection, start_background, stop_emulator
from .storage import find_azurite


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m emulator", description="Local Azure Media Services emulator"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    start = sub.add_parser("start", help="start the emulator (foreground unless --background)")
    start.add_argument("--state-dir", required=True, type=Path)
    start.add_argument("--port", type=int, default=0)
    start.add_argument("--background", action="store_true")
    start.add_argument("--settings-json", default="", help='JSON settings, e.g. {"page_size": 2}')
    start.add_argument("--page-size", type=int)
    start.add_argument("--subscription-id")
    start.add_argument("--tenant-id")
    start.add_argument("--resource-group")
    start.add_argument("--location")
    start.add_argument("--storage-account")
    start.add_argument(
        "--secondary-storage-accounts",
        help="comma-separated names of the other storage accounts ('' for none)",
    )
    for name in ("stop", "env"):
        p = sub.add_parser(name)
        p.add_argument("--state-dir", required=True, type=Path)
    p.add_argument("--principal", default="contributor", choices=("contributor", "reader"))
    args = parser.parse_args(argv)
    state_dir: Path = args.state_dir.resolve()

    if args.command == "start":
        try:  # one line instead of the server's traceback, before anything starts
            find_azurite()
        except FileNotFoundError as err:
            print(f"python -m emulator start: {err}", file=sys.stderr)
            return 2
        settings = json.loads(args.settings_json) if args.settings_json else {}
        if args.page_size:
            settings["page_size"] = args.page_size
        overrides: dict[str, Any] = {
            k: getattr(args, k)
            for k in ("subscription_id", "tenant_id", "resource_group", "location", "storage_account")
            if getattr(args, k)
        }
        if args.secondary_storage_accounts is not None:
            names = tuple(n.strip() for n in args.secondary_storage_accounts.split(",") if n.strip())
            overrides["secondary_storage_accounts"] = names
        if args.background:
            conn = start_background(state_dir, args.port, settings=settings, **overrides)
            print(f"emulator running at {conn['arm_endpoint']} (pid {conn['pid']}, state {state_dir})")
            return 0
        from .server import serve

        serve(Config(state_dir=state_dir, port=args.port, settings=settings, **overrides))
        return 0
    if args.command == "stop":
        stopped = stop_emulator(state_dir)
        print("emulator stopped" if stopped else "no emulator running")
        return 0
    saved = read_connection(state_dir)
    if not saved:
        print(f"no connection.json in {state_dir}; start the emulator first", file=sys.stderr)
        return 1
    for k, v in arm_env(saved, args.principal).items():
        print(f"export {k}={shlex.quote(v)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
