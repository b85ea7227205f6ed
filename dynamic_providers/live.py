"""Live events (desired run state Stopped | StandBy | Running) and live outputs.

Sequencing: every long-running operation on a live event or any of its live outputs holds the lock keyed
by the live event's resource ID (threading lock + fcntl file lock, see core/locks.py). Before starting one,
operations started elsewhere are waited out (event and output states), and a 409 is retried with backoff."""

from __future__ import annotations

import time
from typing import Any

import pulumi
from azure.mgmt.media import models
from pulumi.dynamic import CreateResult, ReadResult, UpdateResult

from .core import client as clientmod
from .core.common import Input, Props, Tags
from .core.engine import INPUTS_KEY, ArmResourceProvider
from .core.ownership import OWNER_TAG
from .core.progress import BEHAVIOUR_INPUTS, Progress, interruption, interruptions_problems, say
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
    extra_inputs=("recording",),
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
    progress = Progress(f"waiting for live event '{ev}' and its outputs to settle")
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
        progress.tick("states " + ", ".join(s or "?" for s in states))
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
        errs += interruptions_problems(inputs)
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

    def changed_keys(self, old: dict[str, Any], new: dict[str, Any]) -> list[str]:
        return [k for k in super().changed_keys(old, new) if k not in BEHAVIOUR_INPUTS]

    def _diff(self, olds: dict[str, Any], news: dict[str, Any]) -> Any:
        result = super()._diff(olds, news)
        have = str(olds.get("resource_state") or olds.get("run_state") or "")
        want = str(news.get("run_state") or "Stopped")
        what = f"live event '{news.get('live_event_name')}'"
        ends = "its live outputs end recording; the recordings stay in their archive assets"
        if have == "Running" and result.replaces:
            fields = ", ".join(result.replaces)
            interruption(
                what, f"is Running and will be replaced ({fields} cannot change): ingest stops, {ends}", news
            )
        elif have == "Running" and want != "Running":
            interruption(what, f"will stop (Running -> {want}): ingest is interrupted, {ends}", news)
        return result

    def _stop(self, c: Any, inputs: dict[str, Any], have: str, want: str) -> None:
        """Stop, ending the live outputs (removeOutputsOnStop): the service refuses to stop an event that
        has outputs, and an output cannot outlive its event's run anyway. The archive assets stay."""
        rg, acct, ev = self._path_values(inputs)
        outputs = sorted((o.name, o.asset_name) for o in c.live_outputs.list(rg, acct, ev))
        ended = ", ".join(f"{n} (recording kept in asset '{a}')" for n, a in outputs)
        say(
            f"stopping live event '{ev}' ({have} -> {want})"
            + (f"; ending live outputs {ended}" if ended else "")
        )
        self._action(c, inputs, "begin_stop", models.LiveEventActionInput(remove_outputs_on_stop=True))

    def apply_state(self, c: Any, inputs: dict[str, Any], live: Any, old: dict[str, Any] | None) -> Any:
        want = inputs.get("run_state") or "Stopped"
        have = str(live.resource_state or "")
        if have.lower() in EVENT_TRANSIENT:
            self.wait_idle(c, inputs)
            live = self.get_live(c, inputs) or live
            have = str(live.resource_state or "")
        if have == want:
            return live
        ev = inputs.get("live_event_name")
        if want == "Stopped" or (want == "StandBy" and have == "Running"):
            self._stop(c, inputs, have, want)
        if want == "StandBy":
            say(f"allocating live event '{ev}' (-> StandBy)")
            self._action(c, inputs, "begin_allocate")
        elif want == "Running":
            say(f"starting live event '{ev}' ({have} -> Running)")
            self._action(c, inputs, "begin_start")
        return self.get_live(c, inputs) or live

    def before_delete(self, c: Any, inputs: dict[str, Any], live: Any) -> None:
        """A running (or standing-by) live event is stopped first."""
        have = str(live.resource_state or "")
        if have in ("Running", "StandBy"):
            self._stop(c, inputs, have, "deleted")

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

    # A live output exists in the service only while it records (`recording`, which LiveChannel derives
    # from the channel's run state): stopping the live event ends its outputs, starting it again brings
    # them back on the same archive assets. A declared output that is not recording stays in the Pulumi
    # state with its declaration, so run-state changes never show as outputs being added or deleted.
    @staticmethod
    def _recording(inputs: dict[str, Any]) -> bool:
        return inputs.get("recording", True) is not False

    def live_extra_inputs(self, live: Any, inputs: dict[str, Any]) -> dict[str, Any]:
        return {"recording": live is not None}

    def _not_recording(self, inputs: dict[str, Any]) -> dict[str, Any]:
        outs: dict[str, Any] = {p: inputs.get(p) for p in self.spec.path}
        outs.update(
            name=inputs.get(self.spec.name_arg),
            properties=inputs.get("properties") or {},
            recording=False,
            resource_state="",
            adopt=bool(inputs.get("adopt")),
        )
        outs[INPUTS_KEY] = self.snapshot(inputs)
        return outs

    def _create(self, inputs: dict[str, Any]) -> CreateResult:
        if self._recording(inputs):
            return super()._create(inputs)
        return CreateResult(self.arm_id(inputs), self._not_recording(inputs))

    def _read(self, id_: str, old: dict[str, Any], props: dict[str, Any]) -> ReadResult:
        if self.get_live(clientmod.client(), old) is not None:
            return super()._read(id_, old, props)
        # Not in the service: the declaration stays; drift shows as `recording` if it should record.
        inputs = dict(old, recording=False, adopt=bool(props.get("adopt")))
        return ReadResult(id_ or self.arm_id(old), self._not_recording(inputs), inputs)

    def _update(self, olds: dict[str, Any], new: dict[str, Any]) -> UpdateResult:
        c = clientmod.client()
        if not self._recording(new):
            self._delete(new)
            return UpdateResult(self._not_recording(new))
        if self.get_live(c, new) is None:
            return UpdateResult(super()._create(new).outs)
        return super()._update(olds, new)


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
        interruptions: Input[str] = "warn",
        adopt: bool = False,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(resource_name, ctor_args(locals()), opts)


class LiveOutput(MediaResource, module="media", name="LiveOutput"):
    """A live output of a live event (no update operation: any property change replaces it). With
    recording=False it is declared but absent from the service (its live event is not running). Outputs:
    name, properties, resource_state, recording."""

    _provider_cls = LiveOutputProvider
    _outputs = (
        "resource_group_name",
        "account_name",
        "live_event_name",
        "live_output_name",
        "resource_state",
        "recording",
        "adopt",
    )

    name: pulumi.Output[str]
    properties: pulumi.Output[dict]
    resource_state: pulumi.Output[str]
    recording: pulumi.Output[bool]

    def __init__(
        self,
        resource_name: str,
        *,
        resource_group_name: Input[str],
        account_name: Input[str],
        live_event_name: Input[str],
        properties: Props,
        live_output_name: Input[str] | None = None,
        recording: Input[bool] = True,
        adopt: bool = False,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(resource_name, ctor_args(locals()), opts)
