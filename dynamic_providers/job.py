"""Job (Microsoft.Media/mediaservices/transforms/jobs). Only description and priority update in place."""

from __future__ import annotations

import time
from typing import Any

import pulumi
from azure.mgmt.media import models

from .core.common import Input, Props
from .core.engine import ArmResourceProvider
from .core.resource import MediaResource, ctor_args
from .core.spec import EntitySpec

SPEC = EntitySpec(
    type_name="Job",
    ops="jobs",
    model=models.Job,
    path=("resource_group_name", "account_name", "transform_name", "job_name"),
    collections=("transforms", "jobs"),
    create_only=("properties.input", "properties.outputs", "properties.correlationData"),
    required=("properties.input", "properties.outputs"),
    owner_path="properties.description",
    create="create",
    update="update",
)

ACTIVE = {"queued", "scheduled", "processing"}


class JobProvider(ArmResourceProvider):
    spec = SPEC

    def extra_outputs(self, c: Any, inputs: dict[str, Any], live: Any) -> dict[str, Any]:
        return {"state": getattr(live, "state", None)}

    def update_call(self, c: Any, inputs: dict[str, Any], model: Any, live: Any) -> Any:
        """PATCH carries only the updatable fields (description, priority)."""
        props = inputs.get("properties") or {}
        patch = models.Job(description=props.get("description"), priority=props.get("priority"))
        return c.jobs.update(*self._path_values(inputs), patch)

    def before_delete(self, c: Any, inputs: dict[str, Any], live: Any) -> None:
        """A job is cancelled first (and its cancellation awaited briefly)."""
        if str(getattr(live, "state", "") or "").lower() not in ACTIVE:
            return
        c.jobs.cancel_job(*self._path_values(inputs))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            cur = self.get_live(c, inputs)
            if cur is None or str(cur.state or "").lower() not in ACTIVE | {"canceling"}:
                return
            time.sleep(1)


class Job(MediaResource, module="media", name="Job"):
    """A job submitted to a transform. Outputs: name, properties, state."""

    _provider_cls = JobProvider
    _outputs = ("resource_group_name", "account_name", "transform_name", "job_name", "state", "adopt")

    name: pulumi.Output[str]
    properties: pulumi.Output[dict]
    state: pulumi.Output[str]

    def __init__(
        self,
        resource_name: str,
        *,
        resource_group_name: Input[str],
        account_name: Input[str],
        transform_name: Input[str],
        properties: Props,
        job_name: Input[str] | None = None,
        adopt: bool = False,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(resource_name, ctor_args(locals()), opts)
