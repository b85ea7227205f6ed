"""``python -m explorer inventory|drift|destroy-check|export`` (see explorer/README.md)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from .stack import ToolError


def _client() -> Any:
    """An SDK client from the same settings the providers read (ARM_* variables)."""
    from dynamic_providers.core import client as clientmod

    clientmod.configure(None)
    return clientmod.client()


def _accounts(args: argparse.Namespace, state: Any) -> list[tuple[str, str]]:
    if args.account:
        if not args.resource_group:
            raise ToolError("--account needs --resource-group")
        return [(args.resource_group, args.account)]
    if state is None or not state.accounts:
        raise ToolError(
            "no account to look into: pass --stack (a deployed stack) or --resource-group/--account"
        )
    return list(state.accounts)


def cmd_inventory(args: argparse.Namespace) -> int:
    from .inventory import table, take_inventory
    from .stack import load_state

    state = load_state(args.stack, args.cwd) if args.stack else None
    inv = take_inventory(_client(), _accounts(args, state), state, max_assets=args.max_assets)
    if args.json:
        print(json.dumps(inv.as_dict(), indent=2))
        return 0
    print(table(inv.rows))
    print()
    billing = inv.billing
    print(f"{len(inv.rows)} entities, {len(inv.unmanaged)} unmanaged, {len(billing)} costing money now")
    for account, kinds in inv.truncated.items():
        print(f"truncated in {account}: {', '.join(kinds)} (--max-assets)")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m explorer", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--stack", help="a deployed stack: its accounts, and what it manages")
        p.add_argument("--cwd", type=Path, default=None, help="the Pulumi project directory (default: .)")

    inv = sub.add_parser("inventory", help="every entity of an account (read-only; Reader is enough)")
    common(inv)
    inv.add_argument("--resource-group")
    inv.add_argument("--account")
    inv.add_argument("--json", action="store_true", help="JSON for pipelines instead of the table")
    inv.add_argument("--max-assets", type=int, default=None, help="cap the asset list ($top)")
    inv.set_defaults(func=cmd_inventory)

    from . import drift, export

    drift.add_commands(sub, common)
    export.add_command(sub, common, _client)
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except ToolError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 - Azure errors become one line
        from dynamic_providers.core.errors import MediaError, translate

        if isinstance(exc, MediaError) or type(exc).__module__.startswith("azure"):
            print(f"error: {translate(exc, args.command)}", file=sys.stderr)
            return 2
        raise


if __name__ == "__main__":
    sys.exit(main())
