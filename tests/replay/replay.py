"""Replay of the Azure CLI ams recordings (transcribed in recordings/*.json) against the emulator.

Each interaction is sent as recorded (method, path, original api-version, body) with the recording's names
mapped to fresh ones and the subscription, resource group, storage accounts (the Primary and a recording's
`secondary_storage`) and location mapped to the emulator's. Polls follow the Azure-AsyncOperation URL the
emulator itself answered, until the operation leaves InProgress (the recorded client polled the same way).
Compared per interaction: status code, error code, states (resourceState/provisioningState/status), which
async headers are present, the top-level and `properties` key sets, the keys of a listed item
(`item_keys`), how many items a list holds (`count`) and the location: every recording answers it as the
region's display name (sent ``centralus``, answered ``Central US``), so the emulator's must be
``regions.display_name`` of its own.
"""

from __future__ import annotations

import datetime
import json
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from azure.core.rest import HttpRequest, HttpResponse
from azure.mgmt.media import AzureMediaServices
from azure.storage.blob import BlobServiceClient

from emulator import storage
from emulator.regions import display_name

RECORDINGS = Path(__file__).parent / "recordings"
ASYNC_HEADERS = ("azure-asyncoperation", "location")
WAIT_SECONDS = 10.0


@dataclass
class Outcome:
    recording: str
    index: int
    request: str
    differences: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.recording}#{self.index}"


def _blobs(conn: dict[str, Any]) -> BlobServiceClient:
    credential = {"account_name": storage.ACCOUNT, "account_key": storage.ACCOUNT_KEY}
    return BlobServiceClient(conn["storage_blob_endpoint"], credential=credential)


def _substitute(value: Any, names: dict[str, str]) -> Any:
    if isinstance(value, str):
        for old, new in names.items():
            value = value.replace("{" + old + "}", new)
        return value
    if isinstance(value, list):
        return [_substitute(v, names) for v in value]
    if isinstance(value, dict):
        return {k: _substitute(v, names) for k, v in value.items()}
    return value


def _state_differs(expected: dict[str, Any], resp: HttpResponse) -> bool:
    body = resp.json() if resp.content else {}
    props = body.get("properties") or {}
    return any(body.get(k, props.get(k)) != v for k, v in (expected.get("state") or {}).items())


def _listed_item(body: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    """The listed entity the recording created (lists here also hold other recordings' entities)."""
    items = next((v for v in body.values() if isinstance(v, list) and v and isinstance(v[0], dict)), [])
    ours = [i for i in items if i.get("name") in names.values()]
    return (ours or items or [{}])[0]


def _compare(expected: dict[str, Any], resp: HttpResponse, names: dict[str, str]) -> list[str]:
    diffs: list[str] = []
    if resp.status_code != expected["status"]:
        diffs.append(f"status {resp.status_code} (recorded {expected['status']})")
    try:
        body = resp.json() if resp.content else None
    except ValueError:
        body = None
    if "error" in expected:
        got = (body or {}).get("error", {}).get("code") if isinstance(body, dict) else None
        if got != expected["error"]:
            diffs.append(f"error code {got} (recorded {expected['error']})")
    present = sorted(h for h in ASYNC_HEADERS if h in {k.lower() for k in resp.headers})
    if present != sorted(expected.get("async", [])):
        diffs.append(f"async headers {present} (recorded {sorted(expected.get('async', []))})")
    if not isinstance(body, dict):
        return diffs
    value = body.get("value")
    items: list[Any] = value if isinstance(value, list) else []
    if "count" in expected and len(items) != expected["count"]:
        diffs.append(f"{len(items)} items (recorded {expected['count']})")
    raw_props = body.get("properties")
    props: dict[str, Any] = raw_props if isinstance(raw_props, dict) else {}
    for name, want in (expected.get("state") or {}).items():
        got = body.get(name, props.get(name))
        if got != want:
            diffs.append(f"{name} {got} (recorded {want})")
    for label, have in (("location", body), ("item location", _listed_item(body, names))):
        if "location" in have and have["location"] != names["location_display"]:
            diffs.append(f"{label} {have['location']!r} (recorded: the display name)")
    sets: tuple[tuple[str, Any, dict[str, Any]], ...] = (
        ("keys", expected.get("keys"), body),
        ("properties", expected.get("properties"), props),
        ("item keys", expected.get("item_keys"), _listed_item(body, names)),
    )
    for label, want_keys, have in sets:
        if want_keys is None:
            continue
        missing, extra = sorted(set(want_keys) - set(have)), sorted(set(have) - set(want_keys))
        if missing:
            diffs.append(f"{label} missing {missing}")
        if extra:
            diffs.append(f"{label} extra {extra}")
    return diffs


def replay(client: AzureMediaServices, conn: dict[str, Any], path: Path) -> list[Outcome]:
    doc = json.loads(path.read_text())
    subscription = f"/subscriptions/{conn['subscription_id']}"
    resource_group = f"{subscription}/resourceGroups/{conn['resource_group']}"
    base = f"{resource_group}/providers/Microsoft.Media/mediaservices/"
    suffix = uuid.uuid4().hex[:8]
    names: dict[str, str] = {}
    for role in doc["names"].values():  # short, distinct, valid for every kind (accounts: 3-24 alphanumerics)
        stem = role.replace("_", "")[:14]
        names[role] = (
            stem + suffix if stem + suffix not in names.values() else f"{stem[:13]}{len(names)}{suffix}"
        )
    names.update(
        {
            "location": conn["location"],
            "location_display": display_name(conn["location"]),
            "storage_account_id": conn["storage_account_id"],
            "storage_account_name": conn["storage_account_name"],
            "secondary_storage": conn["storage_accounts"][1]["name"],
            "tomorrow": (datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=1)).isoformat(),
            "subscription": subscription,
            "resource_group": resource_group,
            "account_name": names.get("account", "account"),
            "account": base + names.get("account", "account"),
        }
    )
    last: dict[str, str] = {}  # the async headers of the latest request, by name
    outcomes: list[Outcome] = []
    for i, step in enumerate(doc["interactions"]):
        if "upload" in step:
            # a recorded blob upload into an asset container (Azure Storage, not Microsoft.Media)
            container, blob = _substitute(step["upload"], names).split("/", 1)
            _blobs(conn).get_blob_client(container, blob).upload_blob(b"recorded upload", overwrite=True)
            continue
        if step.get("poll"):
            header = "location" if step["poll"] == "location" else ASYNC_HEADERS[0]
            label = f"GET <{header}>"
            if header not in last:
                outcomes.append(
                    Outcome(path.stem, i, label, ["no operation to poll (the emulator started none)"])
                )
                continue
            while True:
                resp = client._client.send_request(HttpRequest("GET", last[header]))
                # the Location (operation result) URL is read once, as the recorded client did
                if (
                    header == "location"
                    or resp.status_code != 200
                    or resp.json().get("status") != "InProgress"
                ):
                    break
                time.sleep(0.05)
        else:
            query = {"api-version": step["api"], **step.get("query", {})}
            url = (
                conn["arm_endpoint"]
                + _substitute(step["path"], names)
                + "?"
                + "&".join(f"{k}={v}" for k, v in query.items())
            )
            body = _substitute(step.get("body"), names)
            resp = client._client.send_request(HttpRequest(step["method"], url, json=body))
            # The recorded client read again some seconds later: wait for the recorded state.
            deadline = time.monotonic() + WAIT_SECONDS
            while step.get("wait") and _state_differs(step, resp) and time.monotonic() < deadline:
                time.sleep(0.05)
                resp = client._client.send_request(HttpRequest(step["method"], url, json=body))
            label = f"{step['method']} {step['path']}?api-version={step['api']}"
            last = {h: resp.headers[h] for h in ASYNC_HEADERS if h in resp.headers}
        outcomes.append(Outcome(path.stem, i, label, _compare(step, resp, names)))
        # values the service generated that the recorded client sent back (access token, preview locator)
        for role, dotted in step.get("capture", {}).items():
            value: Any = resp.json() if resp.content else {}
            for part in dotted.split("."):
                value = value.get(part) if isinstance(value, dict) else None
            names[role] = str(value)
    return outcomes
