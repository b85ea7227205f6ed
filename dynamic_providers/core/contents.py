"""Everything an account holds, read with GET/list only (the Reader role is enough).

Used by the account inventory, the unmanaged-entity drift check and the safe-destroy guard of the account.
Lists use the service's server-side OData where it has it (``$orderby=name`` for a stable order, ``$filter``
on job state, ``$top`` to cap large asset collections) and follow ``@odata.nextLink`` page by page;
the number of pages read per collection is recorded so paging is observable."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any, Literal, get_args

from azure.core.exceptions import ResourceNotFoundError

ACTIVE_JOB_STATES = ("Queued", "Scheduled", "Processing", "Canceling")
ACTIVE_JOBS_FILTER = " or ".join(
    f"properties/state eq Microsoft.Media.JobState'{s}'" for s in ACTIVE_JOB_STATES
)
# Every entity kind an account can hold besides the account itself; the stage schema's
# `unmanaged.ignore[].kind` takes these values.
EntityKind = Literal[
    "LiveEvent",
    "LiveOutput",
    "StreamingEndpoint",
    "Transform",
    "Job",
    "Asset",
    "AssetFilter",
    "AccountFilter",
    "ContentKeyPolicy",
    "StreamingPolicy",
    "StreamingLocator",
]
KINDS: tuple[str, ...] = get_args(EntityKind)


@dataclass(frozen=True)
class Entity:
    kind: str
    name: str
    """Own name; children also carry their parent (live event, transform, asset)."""
    id: str
    parent: str = ""
    state: str = ""
    scale_units: int | None = None
    builtin: bool = False
    """Made by the service with the account (predefined streaming policies, the stopped default endpoint)."""
    billing: str = ""
    """What it costs now ("" = nothing running)."""

    @property
    def path(self) -> str:
        return f"{self.parent}/{self.name}" if self.parent else self.name

    def as_dict(self) -> dict[str, Any]:
        return asdict(self) | {"path": self.path}


@dataclass
class Contents:
    entities: list[Entity] = field(default_factory=list)
    pages: Counter[str] = field(default_factory=Counter)
    """Pages read per collection (kind)."""
    truncated: list[str] = field(default_factory=list)


def _paged(pager: Any, kind: str, contents: Contents) -> Iterator[Any]:
    for page in pager.by_page():
        contents.pages[kind] += 1
        yield from page


def _children(pager: Any, kind: str, contents: Contents) -> list[Any] | None:
    """A parent's children, or None when the parent was deleted between listing it and its children
    (another pipeline destroying at the same time): it is gone, so neither it nor they are held."""
    try:
        return list(_paged(pager, kind, contents))
    except ResourceNotFoundError:
        return None


def _state(obj: Any) -> str:
    return str(getattr(obj, "resource_state", None) or getattr(obj, "state", None) or "")


def _event(ev: Any) -> Entity:
    state = _state(ev)
    billing = {"Running": "running live event (billed per hour)", "StandBy": "standby live event (billed)"}
    return Entity("LiveEvent", ev.name, ev.id, state=state, billing=billing.get(state, ""))


def _endpoint(se: Any) -> Entity:
    state, units = _state(se), int(se.scale_units or 0)
    billing = ""
    if state == "Running":
        billing = f"running endpoint, {units} scale unit(s)" if units else "running Standard endpoint"
    builtin = se.name.lower() == "default" and not billing
    return Entity(
        "StreamingEndpoint", se.name, se.id, state=state, scale_units=units, billing=billing, builtin=builtin
    )


def account_contents(
    c: Any, rg: str, account: str, *, jobs: str = "all", max_assets: int | None = None
) -> Contents:
    """Every entity of the account. ``jobs``: "all" or "active" (only queued/scheduled/processing jobs,
    filtered server-side). ``max_assets`` caps the asset list with ``$top`` (recorded in ``truncated``)."""
    out = Contents()
    add = out.entities.append
    for ev in _paged(c.live_events.list(rg, account), "LiveEvent", out):
        if (outputs := _children(c.live_outputs.list(rg, account, ev.name), "LiveOutput", out)) is None:
            continue
        add(_event(ev))
        for lo in outputs:
            add(Entity("LiveOutput", lo.name, lo.id, parent=ev.name, state=_state(lo)))
    for se in _paged(c.streaming_endpoints.list(rg, account), "StreamingEndpoint", out):
        add(_endpoint(se))
    for tr in _paged(c.transforms.list(rg, account, orderby="name"), "Transform", out):
        flt = ACTIVE_JOBS_FILTER if jobs == "active" else None
        pager = c.jobs.list(rg, account, tr.name, filter=flt, orderby="name")
        if (tr_jobs := _children(pager, "Job", out)) is None:
            continue
        add(Entity("Transform", tr.name, tr.id))
        for job in tr_jobs:
            add(Entity("Job", job.name, job.id, parent=tr.name, state=str(job.state or "")))
    assets = list(_paged(c.assets.list(rg, account, orderby="name", top=max_assets), "Asset", out))
    if max_assets is not None and len(assets) >= max_assets:
        out.truncated.append(f"Asset (first {max_assets} by name)")
    for asset in assets:
        if (filters := _children(c.asset_filters.list(rg, account, asset.name), "AssetFilter", out)) is None:
            continue
        add(Entity("Asset", asset.name, asset.id))
        for af in filters:
            add(Entity("AssetFilter", af.name, af.id, parent=asset.name))
    for f in _paged(c.account_filters.list(rg, account), "AccountFilter", out):
        add(Entity("AccountFilter", f.name, f.id))
    for p in _paged(c.content_key_policies.list(rg, account, orderby="name"), "ContentKeyPolicy", out):
        add(Entity("ContentKeyPolicy", p.name, p.id))
    for sp in _paged(c.streaming_policies.list(rg, account, orderby="name"), "StreamingPolicy", out):
        add(Entity("StreamingPolicy", sp.name, sp.id, builtin=sp.name.lower().startswith("predefined_")))
    for sl in _paged(c.streaming_locators.list(rg, account, orderby="name"), "StreamingLocator", out):
        add(Entity("StreamingLocator", sl.name, sl.id))
    return out


def describe(entities: Iterable[Entity]) -> str:
    """``Kind 'path' (state)`` items joined by "; " (for one-line errors)."""
    parts = []
    for e in entities:
        extra = ", ".join(x for x in (e.state, e.billing) if x)
        parts.append(f"{e.kind} '{e.path}'" + (f" ({extra})" if extra else ""))
    return "; ".join(parts)
