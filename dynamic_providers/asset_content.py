"""AssetContent: uploads local files into an asset's storage container (via the asset's container SAS).

Inputs: files = {blob name: local path}. check hashes the files (sha256) at preview time, so a content
change is a diff; update uploads changed/new files and deletes removed ones; read reports the hashes stored
in blob metadata (a changed or missing blob shows as drift); delete removes the uploaded blobs."""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import os
from collections.abc import Mapping
from typing import Any

import pulumi
from azure.mgmt.media import models
from pulumi.dynamic import CheckFailure, CheckResult, CreateResult, ReadResult, UpdateResult

from .core import client as clientmod
from .core.common import Input
from .core.engine import ArmResourceProvider
from .core.errors import MediaError, translate
from .core.normalize import is_unknown, unwrap_secrets
from .core.resource import MediaResource, ctor_args
from .core.spec import EntitySpec
from .validate import check_blob_name, check_name

SPEC = EntitySpec(
    type_name="AssetContent",
    ops="assets",
    model=None,
    path=("resource_group_name", "account_name", "asset_name"),
    collections=("assets",),
    extra_inputs=("files", "hashes"),
    has_properties=False,
    update=None,
)


def sha256_file(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class AssetContentProvider(ArmResourceProvider):
    spec = SPEC

    def _id_segments(self, inputs: dict[str, Any]) -> list[str]:
        # The uploaded files are a pseudo-entity below the asset (lock key).
        return [*super()._id_segments(inputs), "content"]

    def _check(self, news: dict[str, Any]) -> CheckResult:
        inputs = unwrap_secrets({k: v for k, v in news.items() if k != "__provider"})
        failures: list[CheckFailure] = []
        for p, rule in (
            ("resource_group_name", "resource_group"),
            ("account_name", "account"),
            ("asset_name", "general"),
        ):
            v = inputs.get(p)
            if v is None:
                failures.append(CheckFailure(p, f"{p} is required"))
            elif not is_unknown(v):
                err = check_name(rule, v)
                if err:
                    failures.append(CheckFailure(p, f"{p} {v!r} {err}"))
        files = inputs.get("files")
        hashes: dict[str, Any] = {}
        if not isinstance(files, dict) or not files:
            failures.append(
                CheckFailure("files", "files must be a non-empty map of blob name -> local file path")
            )
        else:
            for name, path in files.items():
                err = check_blob_name(name)
                if err:
                    failures.append(CheckFailure("files", f"files[{name!r}]: {err}"))
                    continue
                if is_unknown(path):
                    hashes[name] = path
                elif not isinstance(path, str) or not os.path.isfile(path):
                    failures.append(
                        CheckFailure("files", f"files[{name!r}]: local file {path!r} does not exist")
                    )
                else:
                    hashes[name] = sha256_file(path)
        inputs["hashes"] = hashes
        return CheckResult(inputs, failures)

    def _container(self, c: Any, inputs: dict[str, Any]) -> Any:
        from azure.storage.blob import ContainerClient

        expiry = datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=1)
        sas = c.assets.list_container_sas(
            inputs["resource_group_name"],
            inputs["account_name"],
            inputs["asset_name"],
            models.ListContainerSasInput(permissions="ReadWriteDelete", expiry_time=expiry),
        )
        urls = sas.asset_container_sas_urls or []
        if not urls:
            raise MediaError(f"asset '{inputs['asset_name']}': the service returned no container SAS URL")
        return ContainerClient.from_container_url(urls[0], **clientmod.blob_kwargs())

    def _upload(self, cc: Any, inputs: dict[str, Any], names: list[str]) -> None:
        for name in names:
            path = inputs["files"][name]
            digest = sha256_file(path)
            with open(path, "rb") as f:
                cc.upload_blob(name, f, overwrite=True, metadata={"sha256": digest})

    def _state(self, cc: Any, inputs: dict[str, Any]) -> dict[str, str]:
        wanted = set((inputs.get("files") or {}).keys())
        out = {}
        for b in cc.list_blobs(include=["metadata"]):
            if b.name in wanted:
                out[b.name] = (b.metadata or {}).get("sha256", "")
        return out

    def _outs(self, inputs: dict[str, Any], hashes: dict[str, str], container: str | None) -> dict[str, Any]:
        return {
            "resource_group_name": inputs["resource_group_name"],
            "account_name": inputs["account_name"],
            "asset_name": inputs["asset_name"],
            "name": inputs["asset_name"],
            "files": inputs.get("files"),
            "hashes": hashes,
            "container": container,
            "adopt": bool(inputs.get("adopt")),
            "__inputs": self.snapshot(inputs),
        }

    def _create(self, inputs: dict[str, Any]) -> CreateResult:
        c = clientmod.client()
        cc = self._container(c, inputs)
        self._upload(cc, inputs, sorted(inputs["files"]))
        asset = c.assets.get(inputs["resource_group_name"], inputs["account_name"], inputs["asset_name"])
        return CreateResult(
            self.arm_id(inputs),
            self._outs(inputs, self._state(cc, inputs), getattr(asset, "container", None)),
        )

    def _read(self, id_: str, old: dict[str, Any], props: dict[str, Any]) -> ReadResult:
        from azure.core.exceptions import ResourceNotFoundError

        c = clientmod.client()
        try:
            cc = self.action_or_keep(lambda: self._container(c, old), "listContainerSas")
        except ResourceNotFoundError:
            return ReadResult("", {})
        if cc is None:  # a Reader cannot list the container SAS: keep what the state holds
            return ReadResult(id_, dict(props), dict(old, adopt=bool(props.get("adopt"))))
        hashes = self._state(cc, old)
        if not hashes:
            return ReadResult("", {})
        new_inputs = dict(
            old, hashes=hashes, files={k: v for k, v in (old.get("files") or {}).items() if k in hashes}
        )
        outs = self._outs(new_inputs, hashes, props.get("container"))
        outs["__inputs"] = self.snapshot(new_inputs)
        return ReadResult(id_, outs, dict(new_inputs, adopt=bool(props.get("adopt"))))

    def _update(self, olds: dict[str, Any], new: dict[str, Any]) -> UpdateResult:
        c = clientmod.client()
        old = self._inputs_from_outs(olds)
        cc = self._container(c, new)
        live = self._state(cc, new)
        changed = [n for n in sorted(new["files"]) if live.get(n) != (new.get("hashes") or {}).get(n)]
        self._upload(cc, new, changed)
        for n in sorted(set(old.get("files") or {}) - set(new["files"])):
            with contextlib.suppress(Exception):  # already gone
                cc.delete_blob(n)
        return UpdateResult(self._outs(new, self._state(cc, new), olds.get("container")))

    def _delete(self, inputs: dict[str, Any]) -> None:
        from azure.core.exceptions import ResourceNotFoundError

        c = clientmod.client()
        try:
            cc = self._container(c, inputs)
        except ResourceNotFoundError:
            return
        for n in sorted(inputs.get("files") or {}):
            with contextlib.suppress(ResourceNotFoundError):
                cc.delete_blob(n)

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        try:
            return self._check(news)
        except Exception as e:  # noqa: BLE001
            raise translate(e, "check AssetContent").with_traceback(None) from None


class AssetContent(MediaResource, module="media", name="AssetContent"):
    """Local files uploaded into an asset's container. files: {blob name: local path}. Outputs: files,
    hashes (sha256 per blob), container."""

    _provider_cls = AssetContentProvider
    _outputs = ("resource_group_name", "account_name", "asset_name", "files", "hashes", "container", "adopt")

    files: pulumi.Output[dict]
    hashes: pulumi.Output[dict]
    container: pulumi.Output[str]

    def __init__(
        self,
        resource_name: str,
        *,
        resource_group_name: Input[str],
        account_name: Input[str],
        asset_name: Input[str],
        files: Input[Mapping[str, Input[str]]],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(resource_name, ctor_args(locals()), opts)
