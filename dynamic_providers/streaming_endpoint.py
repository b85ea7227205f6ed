"""Streaming endpoint with desired run state (Stopped | Running) and scale units (Scale operation). CDN or
Standard<->Premium changes on a running endpoint stop it, change it and start it again."""

from __future__ import annotations

import time
from typing import Any

import pulumi
from azure.mgmt.media import models

from .core import client as clientmod
from .core.common import Input, Props, Tags
from .core.engine import ArmResourceProvider
from .core.normalize import equal
from .core.ownership import OWNER_TAG
from .core.progress import BEHAVIOUR_INPUTS, interruption, interruptions_problems, say
from .core.resource import MediaResource, ctor_args
from .core.spec import EntitySpec
from .validate import rules

TRANSIENT = {"starting", "stopping", "scaling", "deleting", "creating"}
CDN_FIELDS = ("cdnEnabled", "cdnProvider", "cdnProfile")
SECRETS = ("properties.accessControl.akamai.akamaiSignatureHeaderAuthenticationKeyList[*].base64Key",)

SPEC = EntitySpec(
    type_name="StreamingEndpoint",
    ops="streaming_endpoints",
    model=models.StreamingEndpoint,
    path=("resource_group_name", "account_name", "streaming_endpoint_name"),
    collections=("streamingEndpoints",),
    name_rule="streaming_endpoint",
    top_level=("location", "tags"),
    create_only=("location",),
    required=("location",),
    extra_inputs=("run_state", "scale_units"),
    secrets=SECRETS,
    keep_desired=SECRETS,
    owner_path=OWNER_TAG,
    create="begin_create",
    update="begin_update",
    delete="begin_delete",
    lro=True,
)


def _state(live: Any) -> str:
    return str(getattr(live, "resource_state", "") or "")


class StreamingEndpointProvider(ArmResourceProvider):
    spec = SPEC

    def validate(self, inputs: dict[str, Any]) -> list[tuple[str, str]]:
        p = inputs.get("properties") or {}
        su = inputs.get("scale_units", 0)
        errs = [
            *interruptions_problems(inputs),
            *rules.failures(rules.ENDPOINT_RUN_STATE, "run_state", inputs.get("run_state", "Stopped")),
            *rules.failures(rules.SCALE_UNITS, "scale_units", su),
            *rules.failures(rules.MAX_CACHE_AGE, "properties.maxCacheAge", p.get("maxCacheAge")),
        ]
        if p.get("scaleUnits") is not None and p.get("scaleUnits") != su:
            errs.append(
                ("properties.scaleUnits", "set scale units with the scale_units argument, not properties")
            )
        for k in rules.cdn_conflicts(
            bool(p.get("cdnEnabled")), bool(p.get("accessControl")), bool(p.get("customHostNames"))
        ):
            errs.append(
                (
                    f"properties.{k}",
                    f"properties.{k} can only be set when cdnEnabled is false (rule: {rules.CDN_EXCLUSIVE})",
                )
            )
        if not p.get("cdnEnabled") and (p.get("cdnProvider") or p.get("cdnProfile")):
            errs.append(("properties.cdnProvider", "cdnProvider/cdnProfile require cdnEnabled: true"))
        allow = (((p.get("accessControl") or {}).get("ip") or {}).get("allow")) or []
        for key, err in rules.ip_range_problems(allow):
            k = f"properties.accessControl.ip.allow{key}"
            errs.append((k, f"{k}: {err} (rule: {rules.IP_RANGE.name})"))
        xs = p.get("crossSiteAccessPolicies") or {}
        errs += rules.failures(
            rules.CROSS_DOMAIN_POLICY,
            "properties.crossSiteAccessPolicies.crossDomainPolicy",
            xs.get("crossDomainPolicy"),
        )
        errs += rules.failures(
            rules.CLIENT_ACCESS_POLICY,
            "properties.crossSiteAccessPolicies.clientAccessPolicy",
            xs.get("clientAccessPolicy"),
        )
        for i, host in enumerate(p.get("customHostNames") or []):
            errs += rules.failures(rules.HOST_NAME, f"properties.customHostNames[{i}]", host)
        return errs

    def changed_keys(self, old: dict[str, Any], new: dict[str, Any]) -> list[str]:
        return [k for k in super().changed_keys(old, new) if k not in BEHAVIOUR_INPUTS]

    def _diff(self, olds: dict[str, Any], news: dict[str, Any]) -> Any:
        result = super()._diff(olds, news)
        if str(olds.get("resource_state") or olds.get("run_state") or "") != "Running":
            return result
        old = self._inputs_from_outs(olds)
        what = f"streaming endpoint '{news.get('streaming_endpoint_name')}'"
        old_su, new_su = int(old.get("scale_units") or 0), int(news.get("scale_units") or 0)
        old_p, new_p = old.get("properties") or {}, news.get("properties") or {}
        cdn = [f for f in CDN_FIELDS if f in new_p and not equal(new_p.get(f), old_p.get(f))]
        stop = "it is stopped, changed and started again: streaming from it is interrupted"
        if result.replaces:
            interruption(what, f"is Running and will be replaced ({', '.join(result.replaces)})", news)
        elif news.get("run_state") == "Stopped":
            interruption(what, "will stop (Running -> Stopped): streaming from it ends", news)
        elif (old_su == 0) != (new_su == 0):
            kinds = ("Standard" if old_su == 0 else "Premium", "Standard" if new_su == 0 else "Premium")
            interruption(what, f"changes {kinds[0]} -> {kinds[1]} while Running: {stop}", news)
        elif cdn:
            interruption(what, f"changes {', '.join(cdn)} while Running: {stop}", news)
        return result

    def body(self, inputs: dict[str, Any]) -> dict[str, Any]:
        b = super().body(inputs)
        b["properties"] = dict(b.get("properties") or {}, scaleUnits=int(inputs.get("scale_units") or 0))
        return b

    def wait_idle(self, c: Any, inputs: dict[str, Any]) -> bool:
        deadline = time.monotonic() + clientmod.conflict_timeout()
        busy, delay = False, 1.0
        while time.monotonic() < deadline:
            live = self.get_live(c, inputs)
            if live is None or _state(live).lower() not in TRANSIENT:
                return busy
            busy = True
            time.sleep(delay)
            delay = min(delay * 1.5, 10.0)
        return busy

    def create_call(self, c: Any, inputs: dict[str, Any], model: Any) -> Any:
        ops = c.streaming_endpoints
        auto = inputs.get("run_state") == "Running"
        return self._call(ops.begin_create, *self._path_values(inputs), model, auto_start=auto)

    def _action(self, c: Any, inputs: dict[str, Any], name: str, *args: Any) -> None:
        fn = getattr(c.streaming_endpoints, name)
        say(f"{name.removeprefix('begin_')} streaming endpoint '{inputs.get('streaming_endpoint_name')}'")
        self.retrying(c, inputs, lambda: self._call(fn, *self._path_values(inputs), *args))

    def converge(self, c: Any, new: dict[str, Any], live: Any, old: dict[str, Any] | None) -> Any:
        self.wait_idle(c, new)
        live = self.get_live(c, new) or live
        lb = self.live_body(live).get("properties", {})
        desired_props = new.get("properties") or {}
        ref = (old or {}).get("properties") if old is not None else lb
        cdn_change = any(
            not equal(desired_props.get(f), (ref or {}).get(f)) for f in CDN_FIELDS if f in desired_props
        )
        want_su = int(new.get("scale_units") or 0)
        have_su = int(getattr(live, "scale_units", 0) or 0)
        type_change = (want_su == 0) != (have_su == 0)
        body_change = self.needs_body_update(new, old, self.live_body(live))
        if _state(live) == "Running" and (cdn_change or (type_change and want_su != have_su)):
            self._action(c, new, "begin_stop")
        if want_su != have_su:
            self._action(c, new, "begin_scale", models.StreamingEntityScaleUnit(scale_unit=want_su))
        if body_change:
            model = self.wire_model(new)
            self.retrying(
                c, new, lambda: self._call(c.streaming_endpoints.begin_update, *self._path_values(new), model)
            )
        live = self.get_live(c, new) or live
        return self.apply_state(c, new, live, old)

    def apply_state(self, c: Any, inputs: dict[str, Any], live: Any, old: dict[str, Any] | None) -> Any:
        want = inputs.get("run_state") or "Stopped"
        have = _state(live)
        if have.lower() in TRANSIENT:
            self.wait_idle(c, inputs)
            live = self.get_live(c, inputs) or live
            have = _state(live)
        if want == "Running" and have != "Running":
            self._action(c, inputs, "begin_start")
        elif want == "Stopped" and have == "Running":
            self._action(c, inputs, "begin_stop")
        else:
            return live
        return self.get_live(c, inputs) or live

    def before_delete(self, c: Any, inputs: dict[str, Any], live: Any) -> None:
        """A running streaming endpoint is stopped first."""
        if _state(live) == "Running":
            self._action(c, inputs, "begin_stop")

    def live_extra_inputs(self, live: Any, inputs: dict[str, Any]) -> dict[str, Any]:
        return {
            "run_state": _state(live) or inputs.get("run_state"),
            "scale_units": int(live.scale_units or 0),
        }

    def extra_outputs(self, c: Any, inputs: dict[str, Any], live: Any) -> dict[str, Any]:
        return {"host_name": getattr(live, "host_name", None), "resource_state": _state(live)}

    def _check(self, news: dict[str, Any]) -> Any:
        news = dict(news)
        news.setdefault("run_state", "Stopped")
        if news.get("scale_units") is None:
            news["scale_units"] = 0
        return super()._check(news)


class StreamingEndpoint(MediaResource, module="media", name="StreamingEndpoint"):
    """A streaming endpoint. run_state: "Stopped" | "Running"; scale_units: 0 (Standard) or 1-50 (Premium).
    Outputs: name, location, tags, properties, run_state, scale_units, host_name, resource_state."""

    _provider_cls = StreamingEndpointProvider
    _outputs = (
        "resource_group_name",
        "account_name",
        "streaming_endpoint_name",
        "location",
        "tags",
        "run_state",
        "scale_units",
        "host_name",
        "resource_state",
        "adopt",
    )

    name: pulumi.Output[str]
    properties: pulumi.Output[dict]
    run_state: pulumi.Output[str]
    scale_units: pulumi.Output[int]
    host_name: pulumi.Output[str]
    resource_state: pulumi.Output[str]

    def __init__(
        self,
        resource_name: str,
        *,
        resource_group_name: Input[str],
        account_name: Input[str],
        location: Input[str] | None = None,  # default: azure-native:location
        properties: Props = None,
        streaming_endpoint_name: Input[str] | None = None,
        tags: Tags = None,
        scale_units: Input[int] = 0,
        run_state: Input[str] = "Stopped",
        interruptions: Input[str] = "warn",
        adopt: bool = False,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(resource_name, ctor_args(locals()), opts)
