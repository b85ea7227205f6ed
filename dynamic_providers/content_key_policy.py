"""Content key policy. FairPlay ASK/PFX/password and token-restriction keys are secrets; GET never returns
them, so refresh reads them through getPolicyPropertiesWithSecrets and compares them with the desired values
without writing them anywhere (core/secret_drift.py)."""

from __future__ import annotations

from typing import Any

import pulumi
from azure.mgmt.media import models

from .core.common import Input, Props
from .core.resource import MediaResource, ctor_args
from .core.spec import EntitySpec
from .streaming import KeptWhileLocatorsUseIt
from .validate import rules

SECRETS = (
    "properties.options[*].configuration.ask",
    "properties.options[*].configuration.fairPlayPfx",
    "properties.options[*].configuration.fairPlayPfxPassword",
    "properties.options[*].restriction.primaryVerificationKey.keyValue",
    "properties.options[*].restriction.alternateVerificationKeys[*].keyValue",
)

SPEC = EntitySpec(
    type_name="ContentKeyPolicy",
    ops="content_key_policies",
    model=models.ContentKeyPolicy,
    path=("resource_group_name", "account_name", "content_key_policy_name"),
    collections=("contentKeyPolicies",),
    required=("properties.options",),
    secrets=SECRETS,
    keep_desired=SECRETS,
    owner_path="properties.description",
)


class ContentKeyPolicyProvider(KeptWhileLocatorsUseIt):
    spec = SPEC
    locator_attr = "default_content_key_policy_name"

    def live_secret_body(self, c: Any, inputs: dict[str, Any], live: Any) -> dict[str, Any]:
        props = self.read_secret_action(
            "getPolicyPropertiesWithSecrets",
            lambda: c.content_key_policies.get_policy_properties_with_secrets(*self._path_values(inputs)),
        )
        return {"properties": props.serialize(keep_readonly=True)}

    def validate(self, inputs: dict[str, Any]) -> list[tuple[str, str]]:
        errs = []
        for i, o in enumerate((inputs.get("properties") or {}).get("options") or []):
            if not isinstance(o, dict):
                continue
            for part in ("configuration", "restriction"):
                if not isinstance(o.get(part), dict) or not o[part].get("@odata.type"):
                    errs.append(
                        (f"properties.options[{i}].{part}", f"each option needs a {part} with '@odata.type'")
                    )
            r = o.get("restriction") or {}
            keys = [("primaryVerificationKey", r.get("primaryVerificationKey"))]
            keys += [
                (f"alternateVerificationKeys[{j}]", k)
                for j, k in enumerate(r.get("alternateVerificationKeys") or [])
            ]
            for key, tk in keys:
                if isinstance(tk, dict) and str(tk.get("@odata.type", "")).endswith("SymmetricTokenKey"):
                    where = f"properties.options[{i}].restriction.{key}.keyValue"
                    errs += rules.failures(rules.SYMMETRIC_TOKEN_KEY, where, tk.get("keyValue"))
            if str(r.get("@odata.type", "")).endswith("TokenRestriction") and not r.get(
                "primaryVerificationKey"
            ):
                errs.append(
                    (
                        f"properties.options[{i}].restriction.primaryVerificationKey",
                        "a token restriction needs a key",
                    )
                )
        return errs


class ContentKeyPolicy(MediaResource, module="media", name="ContentKeyPolicy"):
    """A content key policy. Secret fields in `properties` are stored as Pulumi secrets."""

    _provider_cls = ContentKeyPolicyProvider
    _outputs = ("resource_group_name", "account_name", "content_key_policy_name", "adopt")

    name: pulumi.Output[str]
    properties: pulumi.Output[dict]

    def __init__(
        self,
        resource_name: str,
        *,
        resource_group_name: Input[str],
        account_name: Input[str],
        properties: Props,
        content_key_policy_name: Input[str] | None = None,
        adopt: bool = False,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(resource_name, ctor_args(locals()), opts)
