"""MediaAccount: the Media Services account and its storage (plus the optional resource group)."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi

from components._base import TYPE_PREFIX, child_opts
from components.config import AccountConfig, ResourceGroupConfig

# Built-in role definition IDs (same in every Azure cloud).
STORAGE_BLOB_DATA_CONTRIBUTOR = "ba92f5b4-2d11-453d-a403-e96b0029c9fe"
READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7"


@dataclass(frozen=True)
class MediaAccountArgs:
    """``account`` holds the account name, storage choice, key delivery, encryption and ``protect``.

    Storage: ``account.storage.existing_id`` uses an existing storage account (storage authentication
    ``System``); otherwise the component creates a StorageV2 account, a user-assigned identity and the
    role assignments that let the account reach the storage through that identity (``ManagedIdentity``).
    ``resource_group.create`` creates the resource group with azure-native.
    """

    account: AccountConfig
    resource_group: ResourceGroupConfig
    location: str
    tags: Mapping[str, str] = field(default_factory=dict)
    adopt: bool = False
    """Take over an account that already exists (bring an existing account under code)."""


def _role_definition(scope_id: str, role_id: str) -> str:
    subscription = "/".join(scope_id.split("/")[:3])  # "/subscriptions/<id>"
    return f"{subscription}/providers/Microsoft.Authorization/roleDefinitions/{role_id}"


class MediaAccount(pulumi.ComponentResource):
    """Outputs: ``account_id``, ``account_name``, ``media_service_id``, ``storage_account_id``,
    ``resource_group_name``."""

    account_id: pulumi.Output[str]
    account_name: pulumi.Output[str]
    media_service_id: pulumi.Output[str]
    storage_account_id: pulumi.Output[str]
    resource_group_name: pulumi.Output[str]

    def __init__(self, name: str, args: MediaAccountArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(f"{TYPE_PREFIX}:MediaAccount", name, None, opts)
        from dynamic_providers import MediaService

        acc = args.account
        protect = acc.protect
        tags = dict(args.tags)
        rg_name: pulumi.Input[str] = args.resource_group.name
        if args.resource_group.create:
            from pulumi_azure_native import resources

            rg = resources.ResourceGroup(
                f"{name}-rg",
                resource_group_name=args.resource_group.name,
                location=args.location,
                tags=tags,
                opts=child_opts(self, protect=protect),
            )
            rg_name = rg.name

        identity: Any = None
        depends_on: list[pulumi.Resource] = []
        identity_ref: Any = None
        if acc.storage.create:
            from pulumi_azure_native import authorization, managedidentity, storage

            sa = storage.StorageAccount(
                f"{name}-storage",
                account_name=acc.storage.name,
                resource_group_name=rg_name,
                location=args.location,
                kind="StorageV2",
                sku={"name": acc.storage.sku},
                allow_blob_public_access=False,
                enable_https_traffic_only=True,
                minimum_tls_version="TLS1_2",
                tags=tags,
                opts=child_opts(self, protect=protect),
            )
            uai = managedidentity.UserAssignedIdentity(
                f"{name}-identity",
                resource_name_=acc.storage.identity_name or f"id-{acc.name}",
                resource_group_name=rg_name,
                location=args.location,
                tags=tags,
                opts=child_opts(self),
            )
            for role_name, role_id in (
                ("blob-data-contributor", STORAGE_BLOB_DATA_CONTRIBUTOR),
                ("reader", READER),
            ):
                depends_on.append(
                    authorization.RoleAssignment(
                        f"{name}-storage-{role_name}",
                        principal_id=uai.principal_id,
                        principal_type="ServicePrincipal",
                        role_definition_id=sa.id.apply(functools.partial(_role_definition, role_id=role_id)),
                        scope=sa.id,
                        opts=child_opts(self),
                    )
                )
            storage_id: pulumi.Input[str] = sa.id
            identity_ref = {"userAssignedIdentity": uai.id, "useSystemAssignedIdentity": False}
            identity = uai.id.apply(lambda i: {"type": "UserAssigned", "userAssignedIdentities": {i: {}}})
            storage_entry: dict[str, Any] = {"id": sa.id, "type": "Primary", "identity": identity_ref}
            storage_auth = "ManagedIdentity"
        else:
            storage_id = acc.storage.existing_id or ""
            storage_entry = {"id": storage_id, "type": "Primary"}
            storage_auth = "System"

        encryption: dict[str, Any] = {"type": acc.encryption.type}
        if acc.encryption.type == "CustomerKey":
            encryption["keyVaultProperties"] = {"keyIdentifier": acc.encryption.key_identifier}
            encryption["identity"] = identity_ref
        properties: dict[str, Any] = {
            "storageAccounts": [storage_entry],
            "storageAuthentication": storage_auth,
            "encryption": encryption,
            "keyDelivery": {
                "accessControl": {
                    "defaultAction": acc.key_delivery.default_action,
                    **(
                        {"ipAllowList": list(acc.key_delivery.ip_allow_list)}
                        if acc.key_delivery.ip_allow_list
                        else {}
                    ),
                }
            },
            "publicNetworkAccess": acc.public_network_access,
        }
        self.account = MediaService(
            f"{name}-account",
            account_name=acc.name,
            resource_group_name=rg_name,
            location=args.location,
            tags=tags,
            identity=identity,
            properties=properties,
            allow_deletion_with_contents=acc.allow_deletion_with_contents,
            adopt=args.adopt,
            allow_replace=acc.allow_replace,
            opts=child_opts(self, protect=protect, depends_on=depends_on),
        )
        self.account_id = self.account.id
        self.account_name = self.account.name
        self.media_service_id = self.account.properties.apply(
            lambda p: str((p or {}).get("mediaServiceId") or "")
        )
        self.storage_account_id = pulumi.Output.from_input(storage_id)
        self.resource_group_name = pulumi.Output.from_input(rg_name)
        self.register_outputs(
            {
                "account_id": self.account_id,
                "account_name": self.account_name,
                "media_service_id": self.media_service_id,
                "storage_account_id": self.storage_account_id,
                "resource_group_name": self.resource_group_name,
            }
        )
