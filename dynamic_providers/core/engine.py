"""The generic ARM-resource dynamic provider: check/diff/create/read/update/delete implemented once.

Entity providers subclass :class:`ArmResourceProvider`, set ``spec`` (a class attribute) and override a
few hooks. Provider instances carry no attributes; all state lives in the resource's props and in
module-level caches."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, ClassVar

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)

from ..validate import check_name, rules
from ..validate.sdk_enums import enum_problems
from . import client as clientmod
from . import ownership, server_pool, watchdog
from .errors import MediaError, install_concise_errors, is_transient_409, one_line, translate
from .locks import entity_lock
from .normalize import (
    changed_paths,
    comparable,
    equal,
    floats_to_ints,
    get_path,
    has_unknown,
    is_unknown,
    model_roundtrip,
    project,
    strip_none,
    to_model,
    unknown_keys,
    unwrap_secrets,
    wrap_secret_paths,
)
from .progress import Progress
from .progress import say as report
from .secret_drift import ADOPT_TAG, DRIFT_TAG, UNCHECKED_TAG, SecretsUnreadable, say
from .secret_drift import compare as compare_secrets
from .spec import EntitySpec
from .trace import span

PROVIDER_KEY = "__provider"
INPUTS_KEY = "__inputs"
ALWAYS_IGNORED = (PROVIDER_KEY, "adopt", ownership.OWNER_KEY)


class Kept:
    """An extra output the caller may not read (e.g. a Reader cannot call a POST action): the value stored
    in the state is kept; `default` when there is none yet."""

    def __init__(self, default: Any) -> None:
        self.default = default


def _backoff_polling(interval: float, progress: Progress | None = None) -> Any:
    """ARMPolling that honours Retry-After and otherwise starts at `interval` and backs off to 10 s; while
    the operation runs, `progress` reports its status and elapsed time to the CLI."""
    from azure.core.pipeline.policies._utils import get_retry_after
    from azure.mgmt.core.polling.arm_polling import ARMPolling

    class _Backoff(ARMPolling):
        _n = 0

        def _sleep(self, delay: float) -> None:
            # In slices, so progress is reported during a long Retry-After too.
            end = time.monotonic() + delay
            while (left := end - time.monotonic()) > 0:
                super()._sleep(min(left, 1.0))
                if progress is not None:
                    progress.tick(str(self.status()))

        def _extract_delay(self) -> float:
            delay = get_retry_after(self._pipeline_response)
            if delay:
                return float(delay)
            self._n += 1
            return float(min(interval * (1.5 ** (self._n - 1)), 10.0))

    return _Backoff(interval)


class ArmResourceProvider(ResourceProvider):
    spec: ClassVar[EntitySpec]
    # The SDK reads this from the provider (not the resource): the blob is a by-reference, attribute-less
    # class with nothing secret in it, so the state keeps it plain (the SDK still makes it secret if a
    # secret were ever captured) instead of one ciphertext per resource in its inputs and outputs.
    serialize_as_secret_always = False

    # ------------------------------------------------------------------ plumbing
    def configure(self, req: ConfigureRequest) -> None:
        install_concise_errors()
        watchdog.start()
        server_pool.install()
        clientmod.configure(req.config)

    def trace_id(self, inputs: dict[str, Any]) -> str:
        """The entity's ARM id as the benchmark matches it with the stack's state and the emulator's log."""
        try:
            return self.arm_id(inputs).lower()
        except Exception:  # noqa: BLE001 - a timing label must not fail the call
            return self._what(inputs)

    def _what(self, inputs: dict[str, Any]) -> str:
        return f"{self.spec.type_name} '{inputs.get(self.spec.name_arg, '?')}'"

    def _path_values(self, inputs: dict[str, Any]) -> list[str]:
        return [str(inputs[p]) for p in self.spec.path]

    def _ops(self, c: Any) -> Any:
        return getattr(c, self.spec.ops)

    def arm_id(self, inputs: dict[str, Any]) -> str:
        """Best-effort ARM id (used for lock keys and as a fallback id)."""
        sub = clientmod.subscription_id()
        rg = inputs.get("resource_group_name")
        base = f"/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Media/mediaservices"
        return base + "/" + "/".join(self._id_segments(inputs))

    def _id_segments(self, inputs: dict[str, Any]) -> list[str]:
        """Path under the accounts collection: the account, then `<collection>/<name>` per level."""
        segments = [str(inputs.get("account_name"))]
        names = self.spec.path[2:]  # after resource_group_name, account_name
        for collection, name_arg in zip(self.spec.collections, names, strict=True):
            segments += [collection, str(inputs.get(name_arg))]
        return segments

    def snapshot(self, props: dict[str, Any]) -> dict[str, Any]:
        """The normalized desired inputs (what diff compares), without __provider/adopt."""
        return {k: unwrap_secrets(v) for k, v in props.items() if k not in ALWAYS_IGNORED and k != INPUTS_KEY}

    def _inputs_from_outs(self, olds: dict[str, Any]) -> dict[str, Any]:
        snap = olds.get(INPUTS_KEY)
        if isinstance(snap, dict):
            return unwrap_secrets(snap)
        keys = set(self.spec.path) | set(self.spec.top_level) | set(self.spec.extra_inputs) | {"properties"}
        return {k: unwrap_secrets(v) for k, v in olds.items() if k in keys}

    # ------------------------------------------------------------------ hooks
    def validate(self, inputs: dict[str, Any]) -> list[tuple[str, str]]:
        """Entity-specific cross-field rules: [(property, reason)]."""
        return []

    def body(self, inputs: dict[str, Any]) -> dict[str, Any]:
        b: dict[str, Any] = {k: inputs[k] for k in self.spec.top_level if inputs.get(k) is not None}
        if self.spec.has_properties:
            b["properties"] = inputs.get("properties") or {}
        return b

    def lock_key(self, inputs: dict[str, Any]) -> str | None:
        return None

    def wait_idle(self, c: Any, inputs: dict[str, Any]) -> bool:
        """Wait out operations started elsewhere; return True if something was busy."""
        return False

    def create_call(self, c: Any, inputs: dict[str, Any], model: Any) -> Any:
        return self._call(getattr(self._ops(c), self.spec.create), *self._path_values(inputs), model)

    def update_call(self, c: Any, inputs: dict[str, Any], model: Any, live: Any) -> Any:
        assert self.spec.update is not None
        return self._call(getattr(self._ops(c), self.spec.update), *self._path_values(inputs), model)

    def after_create(self, c: Any, inputs: dict[str, Any], live: Any) -> Any:
        return self.apply_state(c, inputs, live, None)

    def apply_state(self, c: Any, inputs: dict[str, Any], live: Any, old: dict[str, Any] | None) -> Any:
        """Reach desired run state / scale (entities with actions)."""
        return live

    def before_delete(self, c: Any, inputs: dict[str, Any], live: Any) -> None:
        return None

    def live_extra_inputs(self, live: Any, inputs: dict[str, Any]) -> dict[str, Any]:
        """Live values of extra inputs (run_state, scale_units...) for refresh."""
        return {k: inputs.get(k) for k in self.spec.extra_inputs}

    def extra_outputs(self, c: Any, inputs: dict[str, Any], live: Any) -> dict[str, Any]:
        return {}

    def live_secret_body(self, c: Any, inputs: dict[str, Any], live: Any) -> dict[str, Any]:
        """The live body holding the secret values (for secret drift); GET's body unless the service needs a
        secret-reading action. Raises SecretsUnreadable when the caller may not read them."""
        return self.live_body(live)

    def read_secret_action(self, what: str, fn: Callable[[], Any]) -> Any:
        """Call a secret-reading action; a 403 (Reader) becomes SecretsUnreadable naming the action."""
        from azure.core.exceptions import HttpResponseError

        try:
            return fn()
        except HttpResponseError as e:
            if e.status_code == 403:
                code = getattr(getattr(e, "error", None), "code", None) or "AuthorizationFailed"
                raise SecretsUnreadable(f"{code}: the caller may not call {what}") from None
            raise

    def action_or_keep(self, fn: Callable[[], Any], action: str) -> Any:
        """Run a POST action whose result only fills outputs. A caller that may not perform it (403; a
        Reader may only get and list) gets None and one warning: the outputs keep what the state holds."""
        from azure.core.exceptions import HttpResponseError

        try:
            return fn()
        except HttpResponseError as e:
            if e.status_code != 403:
                raise
            say(
                f"warning: {self.spec.type_name}: the credential may not call {action} (HTTP 403); outputs "
                "that depend on it keep their values from the state",
                once_key=f"{self.spec.type_name}.{action}",
            )
            return None

    def needs_body_update(
        self, new: dict[str, Any], old: dict[str, Any] | None, live_body: dict[str, Any]
    ) -> bool:
        if old is None:
            return not equal(self.body(new), project(self.body(new), live_body, set(self.spec.keep_desired)))
        return not equal(comparable(self.body(new)), comparable(self.body(old)))

    # ------------------------------------------------------------------ SDK helpers
    def _call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if self.spec.lro and fn.__name__.startswith("begin_"):
            name = args[len(self.spec.path) - 1] if len(args) >= len(self.spec.path) else "?"
            what = f"{fn.__name__.removeprefix('begin_')} {self.spec.type_name} '{name}'"
            kwargs.setdefault("polling", _backoff_polling(clientmod.poll_interval(), Progress(what)))
            with span("lro", lambda: self.trace_id(dict(zip(self.spec.path, args, strict=False)))):
                return fn(*args, **kwargs).result()
        return fn(*args, **kwargs)

    def retrying(self, c: Any, inputs: dict[str, Any], fn: Callable[[], Any]) -> Any:
        """Run fn; a 409 caused by an operation started elsewhere is waited out with backoff."""
        from azure.core.exceptions import HttpResponseError

        deadline = time.monotonic() + clientmod.conflict_timeout()
        delay = 1.0
        while True:
            try:
                return fn()
            except HttpResponseError as e:
                if e.status_code != 409 or not self.spec.lro:
                    raise
                code = str(getattr(getattr(e, "error", None), "code", "") or "")
                busy = self.wait_idle(c, inputs)
                transient = busy or is_transient_409(code)
                if not transient or time.monotonic() > deadline:
                    raise
                time.sleep(delay)
                delay = min(delay * 1.5, 10.0)

    def get_live(self, c: Any, inputs: dict[str, Any]) -> Any:
        from azure.core.exceptions import ResourceNotFoundError

        try:
            return getattr(self._ops(c), self.spec.get)(*self._path_values(inputs))
        except ResourceNotFoundError:
            return None

    def raw_body(self, live: Any) -> dict[str, Any]:
        """The live entity's top-level fields and properties as the service returned them."""
        d = live.serialize(keep_readonly=True) if hasattr(live, "serialize") else dict(live)
        out: dict[str, Any] = {k: d.get(k) for k in self.spec.top_level if k in d}
        if self.spec.has_properties:
            out["properties"] = d.get("properties") or {}
        return strip_none(out)

    def live_body(self, live: Any) -> dict[str, Any]:
        """The live body as the user sees it: without the ownership marker."""
        return ownership.strip(self.raw_body(live), self.spec.owner_path)

    def wire_model(self, inputs: dict[str, Any]) -> Any:
        """The SDK model sent on create/update: the desired body plus the ownership marker."""
        if self.spec.model is None:
            return None
        body = ownership.stamp(self.body(inputs), self.spec.owner_path, inputs.get(ownership.OWNER_KEY))
        return to_model(self.spec.model, body)

    def live_id(self, live: Any, inputs: dict[str, Any]) -> str:
        return str(getattr(live, "id", None) or self.arm_id(inputs))

    @contextmanager
    def locked(self, inputs: dict[str, Any]) -> Iterator[None]:
        with entity_lock(self.lock_key(inputs), clientmod.lock_dir()):
            yield

    # ------------------------------------------------------------------ outputs
    def outputs(
        self, c: Any, inputs: dict[str, Any], live: Any, previous: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        lb = self.live_body(live)
        outs: dict[str, Any] = {p: inputs.get(p) for p in self.spec.path}
        outs["name"] = getattr(live, "name", None) or inputs.get(self.spec.name_arg)
        for k in self.spec.top_level:
            outs[k] = lb.get(k, inputs.get(k))
        if self.spec.has_properties:
            outs["properties"] = lb.get("properties", {})
        outs.update(self.live_extra_inputs(live, inputs))
        outs["adopt"] = bool(inputs.get("adopt"))
        for k, v in self.extra_outputs(c, inputs, live).items():
            outs[k] = (unwrap_secrets((previous or {}).get(k)) or v.default) if isinstance(v, Kept) else v
        outs[INPUTS_KEY] = self.snapshot(inputs)
        return self._mark_secrets(outs)

    def _mark_secrets(self, d: dict[str, Any]) -> dict[str, Any]:
        paths = self.spec.secrets
        out = wrap_secret_paths(d, paths)
        if INPUTS_KEY in out and isinstance(out[INPUTS_KEY], dict):
            out[INPUTS_KEY] = wrap_secret_paths(out[INPUTS_KEY], paths)
        return out

    # ------------------------------------------------------------------ check
    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        try:
            with span("check", lambda: self.trace_id(news)):
                result = self._check(news)
            if not _olds and not result.failures and (result.inputs or {}).get("adopt"):
                self.adoption_preview(unwrap_secrets(result.inputs))
            return result
        except Exception as e:  # noqa: BLE001
            raise translate(e, f"check {self.spec.type_name}").with_traceback(None) from None

    def adoption_preview(self, inputs: dict[str, Any]) -> None:
        """Before an entity is adopted (not yet in state): say whether it exists and which of its properties
        adopting it will change (names only: values may be secret)."""
        if any(is_unknown(inputs.get(p)) for p in self.spec.path) or has_unknown(inputs):
            return
        live = self.get_live(clientmod.client(), inputs)
        if live is None:
            say(f"{ADOPT_TAG} {self._what(inputs)} does not exist yet: it will be created")
            return
        want = self.body(inputs)
        have = project(want, self.live_body(live), set(self.spec.keep_desired))
        changes = changed_paths(want, have)
        changes += [k for k, v in self.live_extra_inputs(live, inputs).items() if not equal(v, inputs.get(k))]
        verdict = f"will change: {', '.join(changes)}" if changes else "matches: adopting it changes nothing"
        say(f"{ADOPT_TAG} {self._what(inputs)} exists and {verdict}")

    def _check(self, news: dict[str, Any]) -> CheckResult:
        spec = self.spec
        inputs = floats_to_ints({k: v for k, v in news.items() if k != PROVIDER_KEY})
        inputs = unwrap_secrets(inputs)
        failures: list[CheckFailure] = []

        def fail(prop: str, reason: str) -> None:
            failures.append(CheckFailure(prop, reason))

        for p in spec.path:
            v = inputs.get(p)
            if v is None:
                fail(p, f"{p} is required")
            elif is_unknown(v):
                continue
            else:
                rule = spec.name_rule if p == spec.name_arg else dict(spec.parent_rules).get(p, "general")
                if p == "account_name":
                    rule = "account"
                if p == "live_event_name" and p != spec.name_arg:
                    rule = "live_event"
                err = check_name(rule, v)
                if err:
                    fail(p, f"{p} {v!r} {err} (rule: name.{rule})")
        if "location" in spec.top_level and inputs.get("location") in (None, ""):
            default = clientmod.default_location()  # azure-native:location, as azure-native does
            if default:
                inputs["location"] = default
        for req in spec.required:
            v = get_path(inputs, req)
            if v is None or v == "" or v == []:
                fail(req, f"{req} is required for a {spec.type_name} (rule: sdk_model.required)")
        for top, top_rule in (("location", rules.REGION), ("tags", rules.TAGS)):
            v = inputs.get(top)
            if top in spec.top_level and v is not None and not has_unknown(v):
                for k, reason in rules.failures(top_rule, top, v):
                    fail(k, reason)
        props = inputs.get("properties")
        if (
            spec.has_properties
            and props is not None
            and not isinstance(props, dict)
            and not is_unknown(props)
        ):
            fail("properties", "properties must be an object (ARM REST camelCase shape)")
        if not failures:
            # the entity's rules first: they name the key, while the SDK's deserializer (below) fails on bad
            # values with a long message that can quote them (secrets included)
            for prop, reason in self.validate(inputs):
                fail(prop, reason)
        if not failures and spec.model is not None and isinstance(props, dict) and not has_unknown(props):
            self._check_model(inputs, props, fail)
        inputs = strip_none(inputs)
        return CheckResult(self._mark_secrets(inputs), failures)

    def _check_model(
        self, inputs: dict[str, Any], props: dict[str, Any], fail: Callable[[str, str], None]
    ) -> None:
        """Properties against the SDK model: unknown and read-only keys, enum values; normalizes them."""
        spec, model = self.spec, self.spec.model
        assert model is not None
        body = {"properties": props}
        try:
            full = model_roundtrip(model, body, keep_readonly=True)
            norm = model_roundtrip(model, body, keep_readonly=False)
        except Exception as e:  # noqa: BLE001
            detail = "a value has the wrong type" if spec.secrets else one_line(e, 300)
            fail("properties", f"properties do not match the {spec.type_name} schema: {detail}")
            return
        unknown = unknown_keys(props, full.get("properties", {}), "properties")
        for k in unknown:
            fail(
                k,
                f"{k} is not a property of {spec.type_name} (check spelling and camelCase; "
                "rule: sdk_model.known_property)",
            )
        read_only = unknown_keys(full.get("properties", {}), norm.get("properties", {}), "properties")
        for k in read_only:
            fail(
                k,
                f"{k} is read-only (set by the service) and cannot be specified (rule: sdk_model.read_only)",
            )
        if unknown or read_only:
            return
        inputs["properties"] = norm.get("properties", {})
        for k, reason in enum_problems(to_model(model, body)):
            fail(k, reason)

    # ------------------------------------------------------------------ diff
    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        try:
            with span("diff", lambda: self.trace_id(news)):
                return self._diff(olds, news)
        except Exception as e:  # noqa: BLE001
            raise translate(e, f"diff {self.spec.type_name}").with_traceback(None) from None

    def changed_keys(self, old: dict[str, Any], new: dict[str, Any]) -> list[str]:
        keys = sorted((set(old) | set(new)) - set(ALWAYS_IGNORED) - {INPUTS_KEY})
        old, new = comparable(old), comparable(new)
        return [k for k in keys if not equal(old.get(k), new.get(k))]

    def _diff(self, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        spec = self.spec
        old = self._inputs_from_outs(olds)
        new = unwrap_secrets({k: v for k, v in news.items() if k not in ALWAYS_IGNORED})
        changed = self.changed_keys(old, new)
        replaces: list[str] = []
        for k in changed:
            if k in spec.path or k in spec.replace_extra or k in spec.create_only:
                replaces.append(k)
        for p in spec.create_only:
            if "." in p:
                top = p.split(".")[0]
                if top not in replaces and not equal(get_path(old, p), get_path(new, p)):
                    replaces.append(top)
        dbr = bool(replaces) and all(equal(old.get(p), new.get(p)) for p in spec.path)
        return DiffResult(changes=bool(changed), replaces=replaces, delete_before_replace=dbr)

    # ------------------------------------------------------------------ create
    def create(self, props: dict[str, Any]) -> CreateResult:
        inputs = self.snapshot(props)
        inputs["adopt"] = bool(props.get("adopt"))
        inputs[ownership.OWNER_KEY] = props.get(ownership.OWNER_KEY)
        try:
            with span("create", lambda: self.trace_id(inputs)):
                return self._create(inputs)
        except Exception as e:  # noqa: BLE001
            raise translate(e, f"create {self._what(inputs)}").with_traceback(None) from None

    # The lock of a live event covers its operations (waiting out others' first), not the reads around
    # them: a sibling output's PUT starts as soon as this one's LRO has finished, not after two more GETs.
    def _create(self, inputs: dict[str, Any]) -> CreateResult:
        c = clientmod.client()
        existing = self.get_live(c, inputs)
        if existing is not None and not inputs.get("adopt"):
            self.check_owned(existing, inputs)
        with self.locked(inputs):
            if existing is not None:
                live = self.take_back(c, inputs, existing)
            else:
                self.wait_idle(c, inputs)
                model = self.wire_model(inputs)
                # Whatever happens from here on (kill, lost poll, failed LRO), the entity carries this
                # resource's marker, so the next run takes it back (check_owned).
                live = self.retrying(c, inputs, lambda: self.create_call(c, inputs, model))
                if live is None:
                    live = self.get_live(c, inputs)
                live = self.after_create(c, inputs, live)
        live = self.refetch(c, inputs, live)
        return CreateResult(self.live_id(live, inputs), self.outputs(c, inputs, live))

    def check_owned(self, live: Any, inputs: dict[str, Any]) -> None:
        """Refuse an existing entity unless this resource created it (see core/ownership.py)."""
        path = self.spec.owner_path
        carried = ownership.found(self.raw_body(live), path)
        if carried is not None:
            if carried == ownership.marker(inputs.get(ownership.OWNER_KEY)):
                return
            why = "it carries another resource's ownership marker"
        elif ownership.stampable(self.body(inputs), path):
            why = "it has no ownership marker of this resource"
        elif not self.needs_body_update(inputs, None, self.live_body(live)):
            return  # no room for a marker: taken back when it is exactly what this resource creates
        else:
            why = "its properties differ from this resource's"
        raise MediaError(
            f"{self._what(inputs)} already exists ({self.live_id(live, inputs)}) and was not created by "
            f"this stack ({why}); delete it, or set adopt=True on the resource to take it over "
            "(pulumi import cannot work for dynamic resources)"
        )

    def take_back(self, c: Any, inputs: dict[str, Any], live: Any) -> Any:
        """Converge an existing entity; one left in Failed state by a failed create is created again."""
        if str(getattr(live, "provisioning_state", "") or "").lower() == "failed":
            self.wait_idle(c, inputs)
            model = self.wire_model(inputs)
            again = self.retrying(c, inputs, lambda: self.create_call(c, inputs, model))
            return self.after_create(c, inputs, again if again is not None else self.get_live(c, inputs))
        return self.converge(c, inputs, live, None)

    def refetch(self, c: Any, inputs: dict[str, Any], live: Any) -> Any:
        fresh = self.get_live(c, inputs)
        return fresh if fresh is not None else live

    def converge(self, c: Any, new: dict[str, Any], live: Any, old: dict[str, Any] | None) -> Any:
        if self.needs_body_update(new, old, self.live_body(live)):
            if self.spec.update is None:
                raise MediaError(
                    f"{self._what(new)} exists with different properties and cannot be updated in place "
                    "(the service has no update operation); delete it or match its properties"
                )
            self.wait_idle(c, new)
            model = self.wire_model(new)
            updated = self.retrying(c, new, lambda: self.update_call(c, new, model, live))
            live = updated if updated is not None else self.get_live(c, new)
        return self.apply_state(c, new, live, old)

    # ------------------------------------------------------------------ read
    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        old = self._inputs_from_outs(props)
        try:
            with span("read", lambda: self.trace_id(old)):
                return self._read(id_, old, props)
        except Exception as e:  # noqa: BLE001
            raise translate(e, f"read {self._what(old)}").with_traceback(None) from None

    def _read(self, id_: str, old: dict[str, Any], props: dict[str, Any]) -> ReadResult:
        c = clientmod.client()
        live = self.get_live(c, old)
        if live is None:
            return ReadResult("", {})
        lb = self.live_body(live)
        keep = set(self.spec.keep_desired) | set(self.spec.secrets)
        new_inputs = dict(old)
        for k in self.spec.top_level:
            if k in old or k in lb:
                new_inputs[k] = project(old.get(k), lb.get(k), keep, k) if k in old else None
        if self.spec.has_properties:
            new_inputs["properties"] = project(
                old.get("properties") or {}, lb.get("properties", {}), keep, "properties"
            )
        new_inputs.update(self.live_extra_inputs(live, old))
        new_inputs = self.secret_drift(c, strip_none(new_inputs), live)
        outs = self.outputs(c, new_inputs | {"adopt": props.get("adopt")}, live, previous=props)
        read_inputs = dict(new_inputs)
        read_inputs["adopt"] = bool(props.get("adopt"))
        return ReadResult(self.live_id(live, old) or id_, outs, self._mark_secrets(read_inputs))

    def secret_drift(self, c: Any, inputs: dict[str, Any], live: Any) -> dict[str, Any]:
        """Compare live and desired secrets; drifted leaves become fingerprints (see core/secret_drift.py)."""
        if not self.spec.secrets:
            return inputs
        reason = "the service does not return it"
        try:
            live_secrets: dict[str, Any] | None = self.live_secret_body(c, inputs, live)
        except SecretsUnreadable as e:
            live_secrets, reason = None, str(e)
        result = compare_secrets(inputs, live_secrets, self.spec.secrets)
        for path in result.drifted:
            say(f"{DRIFT_TAG} {self._what(inputs)}: {path} changed outside Pulumi (value not shown)")
        if result.unchecked:
            say(
                f"{UNCHECKED_TAG} {self.spec.type_name}: secret properties not compared ({reason}); "
                f"first: {self._what(inputs)} {result.unchecked[0]}",
                once_key=f"{self.spec.type_name}:{reason}",
            )
        return dict(result.inputs)

    # ------------------------------------------------------------------ update
    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        new = self.snapshot(news)
        new["adopt"] = bool(news.get("adopt"))
        new[ownership.OWNER_KEY] = news.get(ownership.OWNER_KEY)
        try:
            with span("update", lambda: self.trace_id(new)):
                return self._update(olds, new)
        except Exception as e:  # noqa: BLE001
            raise translate(e, f"update {self._what(new)}").with_traceback(None) from None

    def _update(self, olds: dict[str, Any], new: dict[str, Any]) -> UpdateResult:
        c = clientmod.client()
        old = self._inputs_from_outs(olds)
        live = self.get_live(c, new)
        if live is None:
            raise MediaError(
                f"{self._what(new)} no longer exists (deleted outside Pulumi); "
                "run `pulumi refresh` and `pulumi up`"
            )
        with self.locked(new):
            live = self.converge(c, new, live, old)
        live = self.refetch(c, new, live)
        return UpdateResult(self.outputs(c, new, live, previous=olds))

    # ------------------------------------------------------------------ delete
    def delete(self, _id: str, props: dict[str, Any]) -> None:
        inputs = self._inputs_from_outs(props)
        try:
            with span("delete", lambda: self.trace_id(inputs)):
                self._delete(inputs)
        except Exception as e:  # noqa: BLE001
            raise translate(e, f"delete {self._what(inputs)}").with_traceback(None) from None

    def delete_call(self, c: Any, inputs: dict[str, Any]) -> None:
        self._call(getattr(self._ops(c), self.spec.delete), *self._path_values(inputs))

    def _delete(self, inputs: dict[str, Any]) -> None:
        from azure.core.exceptions import ResourceNotFoundError

        if inputs.get("keep_on_delete"):
            # Recordings and their playback are kept unless deleting them was asked for explicitly.
            report(f"{self._what(inputs)} is kept in the service (keep_on_delete); only Pulumi forgets it")
            return
        c = clientmod.client()
        live = self.get_live(c, inputs)
        if live is None:
            return
        with self.locked(inputs):
            self.wait_idle(c, inputs)
            self.before_delete(c, inputs, live)
            try:
                self.retrying(c, inputs, lambda: self.delete_call(c, inputs))
            except ResourceNotFoundError:
                return
