"""Base class for the typed pulumi.dynamic.Resource subclasses."""

from __future__ import annotations

from typing import Any, ClassVar

import pulumi
import pulumi.dynamic

from . import debug_logs, output_wait, program_exit, stack_traces
from .engine import INPUTS_KEY, ArmResourceProvider
from .ownership import OWNER_KEY


def _secret_inputs(value: Any, path: list[str]) -> Any:
    """Wrap the values at `path` ([*] = each list item) in Output.secret; an Output on the way is wrapped
    whole."""
    if value is None:
        return None
    if not path:
        return pulumi.Output.secret(value)
    if isinstance(value, pulumi.Output):
        return pulumi.Output.secret(value)
    head, rest = path[0], path[1:]
    if head == "[*]":
        if isinstance(value, list):
            return [_secret_inputs(v, rest) for v in value]
        return value
    if isinstance(value, dict):
        out = dict(value)
        for k in list(out):
            if k.lower() == head.lower():
                out[k] = _secret_inputs(out[k], rest)
        return out
    return value


def ctor_args(frame_locals: dict[str, Any]) -> dict[str, Any]:
    """The constructor's keyword arguments (its locals minus self/resource_name/opts)."""
    return {k: v for k, v in frame_locals.items() if k not in ("self", "resource_name", "opts", "__class__")}


class MediaResource(pulumi.dynamic.Resource):
    """Common constructor logic: defaults, secret inputs, declared outputs."""

    _provider_cls: ClassVar[type[ArmResourceProvider]]
    _outputs: ClassVar[tuple[str, ...]] = ()
    _secret_outputs: ClassVar[tuple[str, ...]] = ()

    def __init__(
        self,
        resource_name: str,
        args: dict[str, Any],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        provider = self._provider_cls()
        spec = provider.spec
        props: dict[str, Any] = {k: v for k, v in args.items()}
        if props.get(spec.name_arg) is None:
            props[spec.name_arg] = resource_name
        # `name` is also an input, so it stays known in previews of updates (outputs of a dynamic resource
        # being updated are unknown in preview; only inputs are echoed): dependents are not planned for
        # replacement.
        props["name"] = props[spec.name_arg]
        for p in spec.secrets:
            parts = p.replace("[*]", ".[*]").split(".")
            if parts[0] in props:
                props[parts[0]] = _secret_inputs(props[parts[0]], parts[1:])
        if spec.has_properties and props.get("properties") is None:
            props["properties"] = {}
        for k in ("name", "properties", *self._outputs):
            props.setdefault(k, None)
        props.setdefault(INPUTS_KEY, None)
        # Project, stack, type and name (the URN without parent types, which would make this input wait
        # for the parent): the provider derives this resource's ownership marker from it
        # (core/ownership.py), so a re-run on any machine recognises what this resource created.
        props[OWNER_KEY] = (
            f"urn:pulumi:{pulumi.get_stack()}::{pulumi.get_project()}::"
            f"pulumi-python:{self._resource_type_name}::{resource_name}"
        )
        secret_outs = list(self._secret_outputs)
        if secret_outs:
            opts = pulumi.ResourceOptions.merge(
                opts, pulumi.ResourceOptions(additional_secret_outputs=secret_outs)
            )
        stack_traces.install()  # the state keeps the program's frames only (see core/stack_traces.py)
        debug_logs.install()  # the SDK's debug lines no longer block the event loop (core/debug_logs.py)
        output_wait.install()  # one last wait for the outputs, not one per output (core/output_wait.py)
        program_exit.install()  # the program process ends without interpreter teardown (core/program_exit.py)
        super().__init__(provider, resource_name, props, opts)
