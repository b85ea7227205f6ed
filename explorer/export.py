"""``export``: read an existing account and write a stage config that adopts all of it.

The account becomes the ``account`` section (existing storage, key delivery, encryption, network access);
every other entity an ``entities`` item holding its ARM body without read-only fields, so adopting it
changes nothing. Secrets (content key policy keys and FairPlay material, live event access tokens, Akamai
keys) are never written into the file: each leaf becomes a config key in the item's ``secrets``; with
``--set-secrets`` their live values go straight into the target stack's encrypted config (through stdin,
never argv or output), otherwise the keys to set are listed. Jobs are history, not configuration: they are
counted and left out."""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from dynamic_providers.core import ownership
from dynamic_providers.validate.regions import normalize_region

from .stack import ToolError, pulumi

OWNER_TAG_KEY = ownership.OWNER_TAG.split(".", 1)[1]

# kind -> secret property paths (under properties), as the providers declare them
SECRET_PATHS: dict[str, tuple[str, ...]] = {
    "ContentKeyPolicy": (
        "options[*].configuration.ask",
        "options[*].configuration.fairPlayPfx",
        "options[*].configuration.fairPlayPfxPassword",
        "options[*].restriction.primaryVerificationKey.keyValue",
        "options[*].restriction.alternateVerificationKeys[*].keyValue",
    ),
    "LiveEvent": ("input.accessToken",),
    "StreamingEndpoint": ("accessControl.akamai.akamaiSignatureHeaderAuthenticationKeyList[*].base64Key",),
}
# what a GET returns that is output, not configuration
DROP: dict[str, tuple[str, ...]] = {
    "LiveEvent": ("input.endpoints", "preview.endpoints"),
    "StreamingEndpoint": ("scaleUnits",),
    "StreamingLocator": ("contentKeys",),
}


def _leaves(obj: Any, path: str) -> list[tuple[str, Any]]:
    """(concrete path, value) for a path with [*] wildcards."""
    parts = path.replace("[*]", ".[*]").split(".")
    found: list[tuple[str, Any]] = [("", obj)]
    for part in parts:
        nxt: list[tuple[str, Any]] = []
        for prefix, cur in found:
            if part == "[*]" and isinstance(cur, list):
                nxt += [(f"{prefix}[{i}]", v) for i, v in enumerate(cur)]
            elif isinstance(cur, dict) and part in cur:
                nxt.append((f"{prefix}.{part}" if prefix else part, cur[part]))
        found = nxt
    return [(p, v) for p, v in found if v not in (None, "")]


def _drop(obj: dict[str, Any], path: str) -> None:
    *head, last = path.split(".")
    cur: Any = obj
    for part in head:
        cur = cur.get(part) if isinstance(cur, dict) else None
    if isinstance(cur, dict):
        cur.pop(last, None)


def _remove_leaf(obj: Any, concrete: str) -> None:
    parts = [p for p in re.split(r"\.|(\[\d+\])", concrete) if p]
    cur = obj
    for part in parts[:-1]:
        cur = cur[int(part[1:-1])] if part.startswith("[") else cur[part]
    last = parts[-1]
    if not last.startswith("["):
        cur.pop(last, None)


def _config_key(kind: str, name: str, path: str) -> str:
    words = re.split(r"[^A-Za-z0-9]+", f"{kind} {name} {path.rsplit('.', 1)[-1]}")
    index = "".join(re.findall(r"\[(\d+)\]", path))
    words = [w for w in words if w]
    return words[0][0].lower() + words[0][1:] + "".join(w[0].upper() + w[1:] for w in words[1:]) + index


def _unmarked(value: Any) -> Any:
    """Without ownership markers (core/ownership.py): they name the stack that created the entity, not
    configuration, and the adopting stack must not declare another stack's marker as a property."""
    if isinstance(value, dict):
        return {
            k: _unmarked(v)
            for k, v in value.items()
            if k != OWNER_TAG_KEY and not (isinstance(v, str) and v.startswith(ownership.PREFIX))
        }
    if isinstance(value, list):
        return [_unmarked(v) for v in value]
    return value


def _body(model: Any) -> dict[str, Any]:
    return dict(_unmarked(model.serialize(keep_readonly=False).get("properties") or {}))


def _tags(obj: Any) -> dict[str, str]:
    return dict(_unmarked(dict(obj.tags or {})))


def export_account(
    client: Any, rg: str, account: str, stage: str
) -> tuple[dict[str, Any], dict[str, str], list[str]]:
    """(environment object, {config key: secret value}, notes)."""
    acct = client.mediaservices.get(rg, account)
    secrets: dict[str, str] = {}
    notes: list[str] = []
    storage = [s for s in acct.storage_accounts or [] if str(s.type).lower() == "primary"]
    if not storage:
        raise ToolError(f"account {account} has no primary storage account")
    encryption = acct.encryption.type if acct.encryption else "SystemKey"
    if encryption != "SystemKey":
        raise ToolError(f"account {account} uses {encryption} encryption, which export cannot express yet")
    access = acct.key_delivery.access_control if acct.key_delivery else None
    key_delivery: dict[str, Any] = {"defaultAction": str(getattr(access, "default_action", None) or "Allow")}
    if access is not None and access.ip_allow_list:
        key_delivery["ipAllowList"] = list(access.ip_allow_list)
    env: dict[str, Any] = {
        "stage": stage,
        # the service answers "West Europe"; stage configs name regions as ARM does (westeurope)
        "location": normalize_region(acct.location),
        "adopt": True,
        "tags": _tags(acct),
        "resourceGroup": {"name": rg, "create": False},
        "account": {
            "name": account,
            "storage": {"existingId": storage[0].id},
            "keyDelivery": key_delivery,
            "publicNetworkAccess": str(acct.public_network_access or "Enabled"),
        },
        "entities": [],
    }
    entities: list[dict[str, Any]] = env["entities"]

    def add(kind: str, obj: Any, properties: dict[str, Any], parent: str | None = None, **top: Any) -> None:
        for path in DROP.get(kind, ()):
            _drop(properties, path)
        item: dict[str, Any] = {"kind": kind, "name": obj.name}
        if parent:
            item["parent"] = parent
        item.update({k: v for k, v in top.items() if v is not None})
        refs: dict[str, str] = {}
        for pattern in SECRET_PATHS.get(kind, ()):
            for concrete, value in _leaves(properties, pattern):
                key = _config_key(kind, obj.name, concrete)
                refs[concrete] = key
                secrets[key] = str(value)
                _remove_leaf(properties, concrete)
        item["properties"] = properties
        if refs:
            item["secrets"] = refs
        entities.append(item)

    for a in client.assets.list(rg, account, orderby="name"):
        add("Asset", a, _body(a))
        for f in client.asset_filters.list(rg, account, a.name):
            add("AssetFilter", f, _body(f), parent=a.name)
    for f in client.account_filters.list(rg, account):
        add("AccountFilter", f, _body(f))
    jobs = 0
    for t in client.transforms.list(rg, account, orderby="name"):
        add("Transform", t, _body(t))
        jobs += sum(1 for _ in client.jobs.list(rg, account, t.name))
    if jobs:
        notes.append(f"{jobs} job(s) left out (history, not configuration)")
    for p in client.content_key_policies.list(rg, account, orderby="name"):
        body = _body(p)
        try:
            secret_body = client.content_key_policies.get_policy_properties_with_secrets(rg, account, p.name)
            body = dict(_unmarked(secret_body.serialize()))
            for key in ("policyId", "created", "lastModified"):
                body.pop(key, None)
        except Exception as exc:  # noqa: BLE001 - Reader: the keys are listed, their values must be set by hand
            if getattr(exc, "status_code", None) != 403:
                raise
            notes.append(f"content key policy {p.name}: secrets not readable (Reader); set them by hand")
            body = _body(p)
        for option in body.get("options") or []:
            option.pop("policyOptionId", None)
        add("ContentKeyPolicy", p, body)
    for sp in client.streaming_policies.list(rg, account, orderby="name"):
        if not sp.name.lower().startswith("predefined_"):
            add("StreamingPolicy", sp, _body(sp))

    def tracked(kind: str, obj: Any, stable: tuple[str, ...], **extra: Any) -> None:
        """An entity with location, tags and a run state (its stable resource state, else Stopped)."""
        state = str(obj.resource_state or "")
        run_state = state if state in stable else "Stopped"
        add(
            kind,
            obj,
            _body(obj),
            location=normalize_region(obj.location),
            tags=_tags(obj),
            runState=run_state,
            **extra,
        )

    for se in client.streaming_endpoints.list(rg, account):
        tracked("StreamingEndpoint", se, ("Running",), scaleUnits=int(se.scale_units or 0))
    for ev in client.live_events.list(rg, account):
        tracked("LiveEvent", ev, ("Running", "StandBy"))
        for lo in client.live_outputs.list(rg, account, ev.name):
            add("LiveOutput", lo, _body(lo), parent=ev.name)
    for sl in client.streaming_locators.list(rg, account, orderby="name"):
        add("StreamingLocator", sl, _body(sl))
    # empty secret values (a service that does not return them) must be set by hand
    for key in [k for k, v in secrets.items() if not v]:
        secrets.pop(key)
    return env, secrets, notes


def cmd_export(args: argparse.Namespace, client_factory: Callable[[], Any]) -> int:
    if not (args.resource_group and args.account and args.stage):
        raise ToolError("export needs --resource-group, --account and --stage")
    env, secrets, notes = export_account(client_factory(), args.resource_group, args.account, args.stage)
    out = Path(args.output)
    # an existing stack file keeps its other keys (encryption salt, secrets already set)
    doc = (yaml.safe_load(out.read_text()) if out.exists() else None) or {}
    doc.setdefault("config", {})["ams-media:environment"] = env
    out.write_text(
        "# Written by `python -m explorer export`: deploying it adopts every entity of the account as is.\n"
        + yaml.safe_dump(doc, sort_keys=False, width=110)
    )
    keys = sorted({k for e in env["entities"] for k in (e.get("secrets") or {}).values()})
    print(f"wrote {out}: account {args.account}, {len(env['entities'])} entities")
    for note in notes:
        print(f"note: {note}")
    if args.set_secrets:
        if not args.stack:
            raise ToolError("--set-secrets needs --stack (the stack that will adopt the account)")
        for key in keys:
            if key not in secrets:
                continue
            run = pulumi(
                "config",
                "set",
                "--secret",
                "--stack",
                args.stack,
                f"ams-media:{key}",
                cwd=args.cwd,
                stdin=secrets[key],
            )
            if run.returncode != 0:
                raise ToolError(f"could not set ams-media:{key}: {run.stderr.strip()[-300:]}")
        print(f"set {sum(1 for k in keys if k in secrets)} secret config key(s) on stack {args.stack}")
    missing = [k for k in keys if k not in secrets or not args.set_secrets]
    if missing:
        print("secret config keys to set (pulumi config set --secret <key> <value>):")
        for key in missing:
            print(f"    ams-media:{key}")
    return 0


def add_command(
    sub: Any, common: Callable[[argparse.ArgumentParser], None], client_factory: Callable[[], Any]
) -> None:
    p = sub.add_parser("export", help="write a stage config that adopts an existing account as it is")
    common(p)
    p.add_argument("--resource-group", required=True)
    p.add_argument("--account", required=True)
    p.add_argument("--stage", required=True, help="the stage name written into the config")
    p.add_argument("--output", required=True, help="the stack file to write, e.g. stacks/Pulumi.dev.yaml")
    p.add_argument("--set-secrets", action="store_true", help="store the live secrets in --stack's config")
    p.set_defaults(func=lambda a: cmd_export(a, client_factory))
