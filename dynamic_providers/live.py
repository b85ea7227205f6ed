"""Live events (desired run state Stopped | StandBy | Running) and live outputs.

Sequencing: every long-running operation on a live event or any of its live outputs holds the lock keyed
by the live event's resource ID (threading lock + fcntl file lock, see core/locks.py). Before starting one,
operations started elsewhere are waited out (event and output states), and a 409 is retried with backoff."""

from __future__ import annotations

import time
from typing import Any

import pulumi
from azure.mgmt.media import models

from .core import client as clientmod
from .core.common import Input, Props, Tags
from .core.engine import ArmResourceProvider
from .core.ownership import OWNER_TAG
from .core.resource import MediaResource, ctor_args
from .core.spec import EntitySpec
from .validate import parse_duration, rules

EVENT_TRANSIENT = {"allocating", "starting", "stopping", "deleting", "creating"}
OUTPUT_TRANSIENT = {"creating", "deleting"}
# Ingest endpoint URLs embed the access token. The whole `endpoints` list is the secret unit: the
# engine re-marks a list as secret as a whole when read() returns inputs holding secrets inside it,
# so leaf-level marking would show a spurious `endpoints` change on every refresh.
EVENT_SECRETS = ("properties.input.accessToken", "properties.input.endpoints", "ingest_urls")

EVENT = EntitySpec(
    type_name="LiveEvent",
    ops="live_events",
    model=models.LiveEvent,
    path=("resource_group_name", "account_name", "live_event_name"),
    collections=("liveEvents",),
    name_rule="live_event",
    top_level=("location", "tags"),
    create_only=(
        "location",
        "properties.input.streamingProtocol",
        "properties.input.accessToken",
        "properties.encoding.encodingType",
        "properties.encoding.presetName",
        "properties.preview.previewLocator",
        "properties.preview.streamingPolicyName",
        "properties.preview.alternativeMediaId",
        "properties.streamOptions",
        "properties.useStaticHostname",
    ),
    required=("location", "properties.input.streamingProtocol"),
    extra_inputs=("run_state",),
    secrets=EVENT_SECRETS,
    owner_path=OWNER_TAG,
    create="begin_create",
    update="begin_update",
    delete="begin_delete",
    lro=True,
)
OUTPUT = EntitySpec(
    type_name="LiveOutput",
    ops="live_outputs",
    model=models.LiveOutput,
    path=("resource_group_name", "account_name", "live_event_name", "live_output_name"),
    collections=("liveEvents", "liveOutputs"),
    name_rule="live_output",
    create_only=("properties",),
    required=("properties.assetName", "properties.archiveWindowLength"),
    owner_path="properties.description",
    create="begin_create",
    update=None,
    delete="begin_delete",
    lro=True,
)


def event_id(inputs: dict[str, Any]) -> str:
    """The lock key shared by a live event and its outputs: the event's ARM ID, lower-cased."""
    return LiveEventProvider().arm_id(inputs).lower()


def wait_event_idle(c: Any, inputs: dict[str, Any]) -> bool:
    """Wait until the live event and all its outputs are in stable states; True if something was busy."""
    from azure.core.exceptions import ResourceNotFoundError

    rg, acct, ev = inputs["resource_group_name"], inputs["account_name"], inputs["live_event_name"]
    deadline = time.monotonic() + clientmod.conflict_timeout()
    busy, delay = False, 1.0
    while True:
        try:
            live = c.live_events.get(rg, acct, ev)
        except ResourceNotFoundError:
            return busy
        states = [str(live.resource_state or "").lower()]
        prov = [str(live.provisioning_state or "").lower()]
        try:
            for o in c.live_outputs.list(rg, acct, ev):
                states.append(str(o.resource_state or "").lower())
                prov.append(str(o.provisioning_state or "").lower())
        except ResourceNotFoundError:
            pass
        active = any(s in EVENT_TRANSIENT for s in states[:1]) or any(
            s in OUTPUT_TRANSIENT for s in states[1:]
        )
        active = active or any(p == "inprogress" for p in prov)
        if not active or time.monotonic() > deadline:
            return busy
        busy = True
        time.sleep(delay)
        delay = min(delay * 1.5, 10.0)


class _SequencedByLiveEvent(ArmResourceProvider):
    """The service allows one long-running operation at a time per live event and its outputs: every
    operation on either holds the live event's lock and first waits out operations started elsewhere."""

    def lock_key(self, inputs: dict[str, Any]) -> str | None:
        return event_id(inputs)

    def wait_idle(self, c: Any, inputs: dict[str, Any]) -> bool:
        return wait_event_idle(c, inputs)


class LiveEventProvider(_SequencedByLiveEvent):
    spec = EVENT

    def validate(self, inputs: dict[str, Any]) -> list[tuple[str, str]]:
        p = inputs.get("properties") or {}
        errs = rules.failures(rules.LIVE_RUN_STATE, "run_state", inputs.get("run_state", "Stopped"))
        enc = p.get("encoding") or {}
        et = enc.get("encodingType")
        if problem := rules.live_preset_problem(et, enc.get("presetName")):
            errs.append(
                (
                    "properties.encoding.presetName",
                    f"properties.encoding.presetName {problem} (rule: live_event.preset_name)",
                )
            )
        errs += rules.failures(
            rules.KEY_FRAME_INTERVAL, "properties.encoding.keyFrameInterval", enc.get("keyFrameInterval")
        )
        if enc.get("keyFrameInterval") and rules.is_passthrough(et):
            key = "properties.encoding.keyFrameInterval"
            msg = "only applies to live encoding (Standard, Premium1080p)"
            errs.append((key, f"{key} {msg} (rule: {rules.KEY_FRAME_INTERVAL.name})"))
        errs += rules.failures(rules.HOSTNAME_PREFIX, "properties.hostnamePrefix", p.get("hostnamePrefix"))
        for part in ("input", "preview"):
            allow = ((((p.get(part) or {}).get("accessControl") or {}).get("ip") or {}).get("allow")) or []
            for key, err in rules.ip_range_problems(allow):
                k = f"properties.{part}.accessControl.ip.allow{key}"
                errs.append((k, f"{k}: {err} (rule: {rules.IP_RANGE.name})"))
        return errs

    def create_call(self, c: Any, inputs: dict[str, Any], model: Any) -> Any:
        auto = inputs.get("run_state") == "Running"
        return self._call(c.live_events.begin_create, *self._path_values(inputs), model, auto_start=auto)

    def _action(self, c: Any, inputs: dict[str, Any], name: str, *args: Any) -> None:
        fn = getattr(c.live_events, name)
        self.wait_idle(c, inputs)
        self.retrying(c, inputs, lambda: self._call(fn, *self._path_values(inputs), *args))

    def apply_state(self, c: Any, inputs: dict[str, Any], live: Any, old: dict[str, Any] | None) -> Any:
        want = inputs.get("run_state") or "Stopped"
        have = str(live.resource_state or "")
        if have.lower() in EVENT_TRANSIENT:
            self.wait_idle(c, inputs)
            live = self.get_live(c, inputs) or live
            have = str(live.resource_state or "")
        if have == want:
            return live
        stop = models.LiveEventActionInput(remove_outputs_on_stop=False)
        if want == "Stopped":
            self._action(c, inputs, "begin_stop", stop)
        elif want == "StandBy":
            if have == "Running":
                self._action(c, inputs, "begin_stop", stop)
            self._action(c, inputs, "begin_allocate")
        elif want == "Running":
            self._action(c, inputs, "begin_start")
        return self.get_live(c, inputs) or live

    def before_delete(self, c: Any, inputs: dict[str, Any], live: Any) -> None:
        """A running (or standing-by) live event is stopped first."""
        if str(live.resource_state or "") in ("Running", "StandBy"):
            self._action(c, inputs, "begin_stop", models.LiveEventActionInput(remove_outputs_on_stop=True))

    def live_extra_inputs(self, live: Any, inputs: dict[str, Any]) -> dict[str, Any]:
        return {"run_state": str(live.resource_state or "") or inputs.get("run_state")}

    def extra_outputs(self, c: Any, inputs: dict[str, Any], live: Any) -> dict[str, Any]:
        ingest = [e.url for e in ((live.input and live.input.endpoints) or []) if e.url]
        preview = [e.url for e in ((live.preview and live.preview.endpoints) or []) if e.url]
        return {
            "ingest_urls": ingest,
            "preview_urls": preview,
            "resource_state": str(live.resource_state or ""),
        }

    def _check(self, news: dict[str, Any]) -> Any:
        news = dict(news)
        news.setdefault("run_state", "Stopped")
        return super()._check(news)


class LiveOutputProvider(_SequencedByLiveEvent):
    spec = OUTPUT

    def validate(self, inputs: dict[str, Any]) -> list[tuple[str, str]]:
        p = inputs.get("properties") or {}
        archive, rewind = p.get("archiveWindowLength"), p.get("rewindWindowLength")
        errs = rules.failures(rules.ARCHIVE_WINDOW, "properties.archiveWindowLength", archive)
        errs += rules.failures(rules.REWIND_WINDOW, "properties.rewindWindowLength", rewind)
        a, r = parse_duration(archive), parse_duration(rewind)
        if not errs and a is not None and r is not None and r > a:
            msg = f"must not exceed archiveWindowLength ({archive}); got {rewind}"
            errs.append(
                (
                    "properties.rewindWindowLength",
                    f"properties.rewindWindowLength {msg} (rule: {rules.REWIND_WINDOW.name})",
                )
            )
        return errs

    def extra_outputs(self, c: Any, inputs: dict[str, Any], live: Any) -> dict[str, Any]:
        return {"resource_state": str(live.resource_state or "")}


class LiveEvent(MediaResource, module="media", name="LiveEvent"):
    """A live event. run_state: "Stopped" | "StandBy" | "Running". The access token is a secret. Outputs:
    name, location, tags, properties, run_state, resource_state, ingest_urls (secret), preview_urls."""

    _provider_cls = LiveEventProvider
    _outputs = (
        "resource_group_name",
        "account_name",
        "live_event_name",
        "location",
        "tags",
        "run_state",
        "resource_state",
        "ingest_urls",
        "preview_urls",
        "adopt",
    )
    _secret_outputs = ("ingest_urls",)

    name: pulumi.Output[str]
    properties: pulumi.Output[dict]
    run_state: pulumi.Output[str]
    resource_state: pulumi.Output[str]
    ingest_urls: pulumi.Output[list]
    preview_urls: pulumi.Output[list]

    def __init__(
        self,
        resource_name: str,
        *,
        resource_group_name: Input[str],
        account_name: Input[str],
        location: Input[str] | None = None,  # default: azure-native:location
        properties: Props,
        live_event_name: Input[str] | None = None,
        tags: Tags = None,
        run_state: Input[str] = "Stopped",
        adopt: bool = False,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(resource_name, ctor_args(locals()), opts)


class LiveOutput(MediaResource, module="media", name="LiveOutput"):
    """A live output of a live event (no update operation: any property change replaces it). Outputs: name,
    properties, resource_state."""

    _provider_cls = LiveOutputProvider
    _outputs = (
        "resource_group_name",
        "account_name",
        "live_event_name",
        "live_output_name",
        "resource_state",
        "adopt",
    )

    name: pulumi.Output[str]
    properties: pulumi.Output[dict]
    resource_state: pulumi.Output[str]

    def __init__(
        self,
        resource_name: str,
        *,
        resource_group_name: Input[str],
        account_name: Input[str],
        live_event_name: Input[str],
        properties: Props,
        live_output_name: Input[str] | None = None,
        adopt: bool = False,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(resource_name, ctor_args(locals()), opts)
