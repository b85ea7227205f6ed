"""Transforms and jobs: job states Queued → Scheduled → Processing → Finished by age, cancellation,
the simulated encoder output and the job/transform rules (no HTTP)."""

from __future__ import annotations

import contextlib
import time
from typing import Any

from ..errors import ArmError
from ..odata import _as_datetime
from ..service import Service, iso
from ..storage import streaming_files
from .common import require_in_account
from .crud import Entity

JOB_STATES = ["Queued", "Scheduled", "Processing", "Finished"]


def _prepare_transform(
    svc: Service, account_rid: str, rid: str, body: dict[str, Any], existing: dict[str, Any] | None
) -> None:
    """Defaults and limits of a transform's outputs."""
    outputs = body.get("properties", {}).get("outputs") or []
    if not outputs:
        raise ArmError(
            400,
            "InvalidRequestContent",
            "A transform needs at least one output.",
            target="properties.outputs",
        )
    for out in outputs:
        out.setdefault("onError", "StopProcessingJob")
        out.setdefault("relativePriority", "Normal")
    if len(outputs) > 20:
        raise ArmError(
            400, "BadRequest", "A transform can have at most 20 outputs.", target="properties.outputs"
        )


def view(svc: Service, body: dict[str, Any]) -> dict[str, Any]:
    """The job as of now: its state follows from its age (one ``job.step`` per state) or cancellation."""
    p = body.get("properties", {})
    created = _as_datetime(p.get("created"))
    if created is None:
        return body
    step = max(svc.duration("job.step"), 0.0)
    now = time.time()
    meta = svc.store.get_meta(body["id"])
    started = created.timestamp()
    canceled_at = meta.get("canceled_at")
    if canceled_at is not None:
        state = "Canceling" if now < canceled_at + step else "Canceled"
        end = canceled_at + step if state == "Canceled" else None
    else:
        idx = min(int((now - started) / step) if step > 0 else 3, 3)
        state = JOB_STATES[idx]
        end = started + 3 * step if state == "Finished" else None
    p["state"] = state
    if state in ("Processing", "Finished", "Canceling", "Canceled"):
        p["startTime"] = iso(
            started + 2 * step if canceled_at is None else min(canceled_at, started + 2 * step)
        )
    if end is not None:
        p["endTime"] = iso(end)
    if state == "Finished" and not meta.get("materialized"):
        _write_outputs(svc, body)
        meta["materialized"] = True
        svc.store.set_meta(body["id"], meta)
    progress = {"Queued": 0, "Scheduled": 0, "Processing": 50, "Finished": 100}.get(state, 0)
    for out in p.get("outputs") or []:
        out["state"] = state
        out["progress"] = progress
        if "startTime" in p:
            out["startTime"] = p["startTime"]
        if end is not None:
            out["endTime"] = iso(end)
    return body


def _write_outputs(svc: Service, job: dict[str, Any]) -> None:
    """When a job is first seen Finished, write placeholder encoder output into its output assets."""
    if svc.azurite is None or not svc.setting("simulate_media_files"):
        return
    account_rid = job["id"].split("/transforms/")[0]
    for out in job.get("properties", {}).get("outputs") or []:
        asset = svc.store.get(f"{account_rid}/assets/{out.get('assetName', '')}")
        if asset is not None:
            with contextlib.suppress(Exception):
                ap = asset["properties"]
                svc.azurite.write_blobs(
                    ap["container"], streaming_files("video"), ap.get("storageAccountName")
                )


def _prepare_job(
    svc: Service, account_rid: str, rid: str, body: dict[str, Any], existing: dict[str, Any] | None
) -> None:
    """Defaults of a job, and its assets and outputs checked against the account and the transform."""
    p = body.setdefault("properties", {})
    p.setdefault("priority", "Normal")
    if existing is not None:
        return
    transform = svc.store.get(rid.rsplit("/jobs/", 1)[0]) or {}
    inp = p.get("input") or {}
    if str(inp.get("@odata.type", "")).endswith(("JobInputAsset", "JobInputHttp")):
        inp.setdefault("files", [])  # the service's default, returned in every body (recordings)
    names: list[str] = []
    if str(inp.get("@odata.type", "")).endswith("JobInputAsset"):
        names.append(inp.get("assetName", ""))
    for o in p.get("outputs") or []:
        if str(o.get("@odata.type", "")).endswith("JobOutputAsset"):
            names.append(o.get("assetName", ""))
    for n in names:
        require_in_account(svc.store, account_rid, "assets", n, "Asset", "properties")
    t_outputs = transform.get("properties", {}).get("outputs") or []
    if len(p.get("outputs") or []) != len(t_outputs):
        raise ArmError(
            400,
            "BadRequest",
            f"The job must have {len(t_outputs)} output(s), one per transform output.",
            target="properties.outputs",
        )
    for i, o in enumerate(p.get("outputs") or []):
        o.setdefault("label", f"BuiltInStandardEncoderPreset_{i}")


def _refuse_deleting_canceling(svc: Service, account_rid: str, body: dict[str, Any]) -> None:
    state = view(svc, body)["properties"].get("state")
    if state == "Canceling":
        raise ArmError(
            400,
            "BadRequest",
            f"The job Delete operation for '{body['id']}' resource failed. The job is in the 'Canceling' "
            "state. Cancel the job or retry after the processing completes.",
        )


TRANSFORM = Entity("transform", limit=100, prepare=_prepare_transform)
JOB = Entity(
    "job",
    create_only=True,
    prepare=_prepare_job,
    before_delete=_refuse_deleting_canceling,
    view=view,
    patchable=("description", "priority", "correlationData"),
)


def cancel(svc: Service, rid: str, body: dict[str, Any]) -> None:
    """Cancel a job that has not ended (it is Canceling for one ``job.step``, then Canceled)."""
    state = view(svc, body)["properties"].get("state")
    if state not in ("Finished", "Canceled", "Canceling", "Error"):
        meta = svc.store.get_meta(rid)
        meta["canceled_at"] = time.time()
        svc.store.set_meta(rid, meta)
