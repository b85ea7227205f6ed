"""Run our CI definitions on this machine the way their runners would.

GitHub Actions (`.github/workflows/*.yml`) and Azure DevOps (`.azure-pipelines/*.yml`) are parsed from their
YAML; each job (one per matrix entry) gets a fresh copy of the repository and runs its `run:` / `script:` /
inline-script steps in order through bash with the runner's shell flags, with `${{ }}` expressions, `$(macro)`
variables and the env scopes resolved from the given secrets and variables, step and stage conditions
evaluated, the job summary collected (`$GITHUB_STEP_SUMMARY`, `##vso[task.uploadsummary]`). What cannot run
here is skipped only when SKIPPED names it, with the reason; anything else unknown fails the job."""

from __future__ import annotations

import functools
import itertools
import json
import re
import secrets
import shutil
import subprocess
import threading
import time
import urllib.parse
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import yaml

from tests.pipelines.expressions import Required, evaluate, interpolate

# `uses:` actions and ADO step kinds that need what this machine does not have, and what stands in for them.
SKIPPED: dict[str, str] = {
    "actions/checkout": "the job's workspace is a fresh copy of the repository's files (what checkout gives)",
    "actions/setup-python": "this machine's python3 (3.11); `make venv` then builds the venv",
    "actions/setup-go": "this machine's Go; `make cli` finds the Pulumi CLI cached by scripts/ensure-cli.sh",
    "marocchino/sticky-pull-request-comment": "posts its `path` file through the GitHub API (unreachable"
    " here); the step writing that file runs and the file is checked",
    "checkout": "Azure DevOps `checkout: self`: the job's workspace becomes a fresh copy of the repository",
    "AzureCLI@2": "only its `az login` with the service connection is skipped (no Azure CLI here); the inline"
    " script runs with the connection's servicePrincipalId/tenantId/idToken (addSpnToEnvironment)",
}
STEP_TIMEOUT = 900


def skipped_reason(kind: str) -> str:
    name = kind.split("@", 1)[0] if "/" in kind else kind
    if name not in SKIPPED and kind not in SKIPPED:
        raise AssertionError(f"step {kind!r} can neither run here nor is it in SKIPPED with a reason")
    return SKIPPED.get(name) or SKIPPED[kind]


@dataclass
class StepResult:
    name: str
    status: str  # "ran", "skipped" (cannot run here), "not run" (its condition was false)
    reason: str = ""
    returncode: int | None = None
    output: str = ""
    seconds: float = 0.0


@dataclass
class JobResult:
    name: str
    status: str  # "success", "failure", "skipped"
    workspace: Path | None = None
    steps: list[StepResult] = field(default_factory=list)
    summary: str = ""
    environment: str | None = None

    @property
    def output(self) -> str:
        return "".join(f"--- {s.name} ({s.status} {s.returncode})\n{s.output}" for s in self.steps)

    def step(self, name: str) -> StepResult:
        return next(s for s in self.steps if s.name == name)

    def describe(self) -> str:
        lines = [f"{self.name}: {self.status}"]
        for s in self.steps:
            detail = f"exit {s.returncode}, {s.seconds:.1f} s" if s.status == "ran" else s.reason
            lines.append(f"  {s.status:8} {s.name}: {detail}")
        return "\n".join(lines)


class Checkout:
    """Fresh workspaces holding `source`'s files, with the machine's caches linked in (what a runner's
    cache restore gives): the job's `make venv node` then finds them up to date."""

    def __init__(self, source: Path, root: Path, links: Mapping[str, Path]) -> None:
        self.source, self.root, self.links = source, root, dict(links)
        self._ids = itertools.count()

    def empty(self, name: str) -> Path:
        ws = self.root / f"{next(self._ids):02d}-{re.sub(r'[^A-Za-z0-9_.-]+', '-', name)}" / "work"
        ws.mkdir(parents=True)
        return ws

    def fill(self, ws: Path) -> None:
        shutil.copytree(self.source, ws, symlinks=True, dirs_exist_ok=True)
        for rel, target in self.links.items():
            (ws / rel).symlink_to(target)


def repository_files(repo: Path, dest: Path) -> None:
    """Copy the files a checkout of `repo` has (tracked, plus untracked ones not ignored), mtimes kept."""
    listing = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=repo,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for rel in filter(None, listing.split("\0")):
        src = repo / rel
        if src.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)


def _run_script(
    argv: list[str], script: str, ws: Path, temp: Path, env: dict[str, str], name: str
) -> StepResult:
    temp.mkdir(parents=True, exist_ok=True)
    path = temp / f"{secrets.token_hex(6)}.sh"
    path.write_text(script)
    started = time.monotonic()
    try:
        proc = subprocess.run(
            [*argv, str(path)], cwd=ws, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True, timeout=STEP_TIMEOUT,
        )  # fmt: skip
        code, out = proc.returncode, proc.stdout
    except subprocess.TimeoutExpired as exc:
        partial = exc.stdout.decode() if isinstance(exc.stdout, bytes) else exc.stdout or ""
        code, out = 124, f"{partial}\n[step {name} timed out after {STEP_TIMEOUT}s]"
    return StepResult(name, "ran", returncode=code, output=out, seconds=time.monotonic() - started)


def _parallel(runs: list[Callable[[], JobResult]], limit: int | None) -> list[JobResult]:
    """A job's matrix entries side by side, as on hosted agents: at most `limit` (max-parallel) at once."""
    if not runs:
        return []
    with ThreadPoolExecutor(max_workers=int(limit or len(runs))) as pool:
        return list(pool.map(lambda run: run(), runs))


def _topological(jobs: Mapping[str, Any], needs_key: str) -> list[str]:
    order: list[str] = []

    def visit(name: str) -> None:
        if name in order:
            return
        for dep in _as_list(jobs[name].get(needs_key)):
            visit(dep)
        order.append(name)

    for name in jobs:
        visit(name)
    return order


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


# ----------------------------------------------------------------------------------------- GitHub Actions
class OidcTokenService:
    """The runner's ID-token endpoint (ACTIONS_ID_TOKEN_REQUEST_URL/TOKEN, given to jobs with
    `id-token: write`): answers a job's request with `mint(environment, audience)`, the token the cloud's
    federated credential for that job's environment accepts."""

    def __init__(self, mint: Callable[[str | None, str], str]) -> None:
        self.mint = mint
        self.jobs: dict[str, str | None] = {}
        self.requests: list[tuple[str | None, str]] = []
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                bearer = self.headers.get("Authorization", "").removeprefix("Bearer ")
                query = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query)
                audience = query.get("audience", [""])[0]
                if bearer not in service.jobs:
                    self.send_response(401)
                    self.end_headers()
                    return
                environment = service.jobs[bearer]
                service.requests.append((environment, audience))
                body = json.dumps({"value": service.mint(environment, audience)}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def env_for(self, environment: str | None) -> dict[str, str]:
        token = secrets.token_urlsafe(24)
        self.jobs[token] = environment
        port = self.server.server_address[1]
        return {
            "ACTIONS_ID_TOKEN_REQUEST_URL": f"http://127.0.0.1:{port}/idtoken?api-version=2.0",
            "ACTIONS_ID_TOKEN_REQUEST_TOKEN": token,
        }

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def load_workflow(path: Path) -> dict[Any, Any]:
    doc: dict[Any, Any] = yaml.safe_load(path.read_text())
    doc["on"] = doc.pop(True, doc.get("on"))  # YAML 1.1 reads `on:` as True
    return doc


_STATUS_FUNCS = ("success(", "failure(", "always(", "cancelled(")


def _status_functions(failed: bool) -> dict[str, Callable[[], bool]]:
    return {
        "success": lambda: not failed,
        "failure": lambda: failed,
        "always": lambda: True,
        "cancelled": lambda: False,
    }


@dataclass
class GitHubRunner:
    checkout: Checkout
    secrets: dict[str, str]
    variables: dict[str, str]
    base_env: dict[str, str]
    oidc: OidcTokenService

    def run(
        self, workflow: Path, event: str, payload: dict[str, Any] | None = None, only: str | None = None
    ) -> list[JobResult]:
        """All jobs the event triggers; `only`: just the matrix entries holding that value ("re-run job")."""
        doc = load_workflow(workflow)
        if event not in (doc["on"] if isinstance(doc["on"], dict | list) else [doc["on"]]):
            raise AssertionError(f"{workflow.name} is not triggered by {event}")
        github = {"event_name": event, "event": payload or {}, "token": "ghs_" + secrets.token_hex(8)}
        results: dict[str, list[JobResult]] = {}
        for job_id in _topological(doc["jobs"], "needs"):
            job = doc["jobs"][job_id]
            needed = [r for dep in _as_list(job.get("needs")) for r in results[dep]]
            matrix = (job.get("strategy") or {}).get("matrix") or {}
            assert not {"include", "exclude"} & set(matrix), "matrix include/exclude is not modelled"
            entries = [dict(zip(matrix, combo, strict=True)) for combo in itertools.product(*matrix.values())]
            runs: list[Callable[[], JobResult]] = []
            for entry in [e for e in entries if only is None or only in e.values()] or [{}]:
                name = job_id + (f" ({', '.join(map(str, entry.values()))})" if entry else "")
                if any(r.status != "success" for r in needed):
                    runs.append(functools.partial(JobResult, name, "skipped"))
                else:
                    runs.append(functools.partial(self._job, doc, job, name, entry, github))
            results[job_id] = _parallel(runs, (job.get("strategy") or {}).get("max-parallel"))
        return [r for rs in results.values() for r in rs]

    def _job(
        self,
        doc: dict[Any, Any],
        job: dict[str, Any],
        name: str,
        matrix: dict[str, Any],
        github: dict[str, Any],
    ) -> JobResult:
        ctx: dict[str, Any] = {
            "secrets": Required("secrets", self.secrets),
            "vars": Required("vars", self.variables),
            "matrix": Required("matrix", matrix),
            "github": github,
            "env": {},
        }
        env: dict[str, str] = {}
        for scope in (doc.get("env"), job.get("env")):
            for key, value in (scope or {}).items():
                env[key] = interpolate(value, ctx)
            ctx["env"] = dict(env)
        environment = job.get("environment")
        environment = (
            interpolate(environment.get("name") if isinstance(environment, dict) else environment, ctx)
            if environment
            else None
        )
        permissions = job.get("permissions", doc.get("permissions")) or {}
        id_token = permissions == "write-all" or (
            isinstance(permissions, dict) and permissions.get("id-token") == "write"
        )
        ws = self.checkout.empty(name)
        self.checkout.fill(ws)  # actions/checkout (skipped below) is the job's first step
        temp = ws.parent / "runner-temp"
        runner_env = {
            **self.base_env,
            "CI": "true",
            "GITHUB_ACTIONS": "true",
            "GITHUB_WORKSPACE": str(ws),
            "GITHUB_EVENT_NAME": github["event_name"],
            "RUNNER_TEMP": str(temp),
            **(self.oidc.env_for(environment) if id_token else {}),
        }
        result = JobResult(name, "success", ws, environment=environment)
        for index, step in enumerate(job["steps"]):
            label = step.get("name") or step.get("uses") or str(step.get("run", "")).splitlines()[0]
            condition = str(step.get("if", "success()")).strip()
            condition = condition.removeprefix("${{").removesuffix("}}").strip()
            if not any(f in condition for f in _STATUS_FUNCS):
                condition = f"success() && ({condition})"
            if not evaluate(condition, ctx, _status_functions(result.status == "failure")):
                result.steps.append(StepResult(label, "not run", f"if: {step.get('if', 'success()')}"))
                continue
            if "uses" in step:
                result.steps.append(StepResult(label, "skipped", skipped_reason(step["uses"])))
                continue
            step_env = {k: interpolate(v, ctx) for k, v in (step.get("env") or {}).items()}
            summary = temp / f"step_summary_{index}"
            full_env = {**runner_env, **env, **step_env, "GITHUB_STEP_SUMMARY": str(summary)}
            shell = step.get("shell")
            argv = ["bash", "--noprofile", "--norc", "-eo", "pipefail"] if shell == "bash" else ["bash", "-e"]
            assert shell in (None, "bash"), f"shell {shell} is not modelled"
            script = interpolate(step["run"], {**ctx, "env": {**env, **step_env}})
            ran = _run_script(argv, script, ws / step.get("working-directory", ""), temp, full_env, label)
            result.steps.append(ran)
            if summary.exists():
                result.summary += summary.read_text()
            if ran.returncode != 0 and not step.get("continue-on-error"):
                result.status = "failure"
        return result


# ------------------------------------------------------------------------------------------ Azure DevOps
@dataclass
class Variable:
    value: str
    secret: bool = False


@dataclass
class AzureDevOpsRunner:
    checkout: Checkout
    groups: dict[str, dict[str, Variable]]
    base_env: dict[str, str]
    # service connection name -> its addSpnToEnvironment variables (servicePrincipalId, tenantId, idToken)
    service_connections: dict[str, Callable[[], dict[str, str]]]

    def run(
        self, pipeline: Path, reason: str, branch: str = "refs/heads/main", only: str | None = None
    ) -> list[JobResult]:
        """All stages the trigger runs; `only`: just the matrix entries of that name ("rerun job")."""
        doc = yaml.safe_load(pipeline.read_text())
        self._check_trigger(doc, reason, branch)
        variables: dict[str, Variable] = {
            "Build.Reason": Variable(reason),
            "Build.SourceBranch": Variable(branch),
        }
        for item in _as_list(doc.get("variables")):
            if "group" in item:
                variables.update(self.groups[item["group"]])
            else:
                variables[item["name"]] = Variable(str(item["value"]))
        stage_results: dict[str, str] = {}
        jobs: list[JobResult] = []
        previous: list[str] = []
        for stage in doc["stages"]:
            deps = _as_list(stage.get("dependsOn", previous))
            previous = [stage["stage"]]
            ran = self._condition(stage.get("condition"), variables, [stage_results[d] for d in deps])
            if not ran:
                stage_results[stage["stage"]] = "Skipped"
                continue
            results = self._stage(pipeline.parent, stage, variables, only)
            jobs += results
            ok = all(r.status in ("success", "skipped") for r in results)
            stage_results[stage["stage"]] = "Succeeded" if ok else "Failed"
        return jobs

    @staticmethod
    def _check_trigger(doc: dict[str, Any], reason: str, branch: str) -> None:
        short = branch.removeprefix("refs/heads/")
        if reason == "PullRequest":
            branches = doc["pr"]["branches"]["include"]
        elif reason in ("IndividualCI", "BatchedCI"):
            branches = doc["trigger"]["branches"]["include"]
        elif reason == "Schedule":
            branches = [b for s in doc.get("schedules", []) for b in s["branches"]["include"]]
        else:
            return
        if short not in branches:
            raise AssertionError(f"no {reason} trigger for {short}")

    @staticmethod
    def _condition(condition: str | None, variables: Mapping[str, Variable], deps: list[str]) -> bool:
        ctx = {"variables": {k: v.value for k, v in variables.items()}}
        funcs = {
            "succeeded": lambda: all(d == "Succeeded" for d in deps),
            "failed": lambda: any(d == "Failed" for d in deps),
            "succeededOrFailed": lambda: all(d in ("Succeeded", "Failed") for d in deps),
            "always": lambda: True,
            "canceled": lambda: False,
        }
        return bool(evaluate(condition or "succeeded()", ctx, funcs))

    def _stage(
        self, base: Path, stage: dict[str, Any], variables: dict[str, Variable], only: str | None
    ) -> list[JobResult]:
        defs = {j.get("job") or j["deployment"]: j for j in stage["jobs"]}
        out: dict[str, list[JobResult]] = {}
        for job_id in _topological(defs, "dependsOn"):
            job = defs[job_id]
            deps = [r.status for d in _as_list(job.get("dependsOn")) for r in out[d]]
            dep_status = [{"success": "Succeeded", "skipped": "Skipped"}.get(s, "Failed") for s in deps]
            strategy = job.get("strategy") or {}
            matrix = strategy.get("matrix") or {"": {}}
            runs: list[Callable[[], JobResult]] = []
            for entry, values in matrix.items():
                if only and entry and entry != only:
                    continue
                name = f"{stage['stage']}.{job_id}" + (f" ({entry})" if entry else "")
                job_vars = {**variables, **{k: Variable(str(v)) for k, v in values.items()}}
                if not self._condition(job.get("condition"), job_vars, dep_status):
                    runs.append(functools.partial(JobResult, name, "skipped"))
                    continue
                if "deployment" in job:
                    steps, checked_out = strategy["runOnce"]["deploy"]["steps"], False
                else:
                    steps, checked_out = job["steps"], True  # a regular job checks out `self` first
                expanded = self._expand(base, steps, {})
                env_name = job.get("environment")
                runs.append(functools.partial(self._job, name, expanded, job_vars, checked_out, env_name))
            out[job_id] = _parallel(runs, strategy.get("maxParallel"))
        return [r for rs in out.values() for r in rs]

    def _expand(self, base: Path, steps: list[Any], parameters: dict[str, Any]) -> list[dict[str, Any]]:
        """Template references replaced by the template's steps with its parameters substituted."""
        out: list[dict[str, Any]] = []
        for step in steps:
            if "template" not in step:
                out.append(_substitute(step, {"parameters": Required("parameters", parameters)}))
                continue
            path = base / step["template"]
            template = yaml.safe_load(path.read_text())
            params = {p["name"]: p.get("default") for p in template.get("parameters", [])}
            params.update(step.get("parameters") or {})
            missing = [k for k, v in params.items() if v is None]
            assert not missing, f"template {path.name} needs parameters {missing}"
            out += self._expand(path.parent, template["steps"], params)
        return out

    def _job(
        self,
        name: str,
        steps: list[dict[str, Any]],
        variables: dict[str, Variable],
        checked_out: bool,
        environment: str | None,
    ) -> JobResult:
        ws = self.checkout.empty(name)
        if checked_out:
            self.checkout.fill(ws)
        temp = ws.parent / "agent-temp"
        variables = {
            **variables,
            "System.DefaultWorkingDirectory": Variable(str(ws)),
            "Build.SourcesDirectory": Variable(str(ws)),
            "Agent.TempDirectory": Variable(str(temp)),
        }
        # Non-secret variables reach scripts as environment variables; secrets only through $(macro) or env:.
        var_env = {re.sub(r"\W", "_", k).upper(): v.value for k, v in variables.items() if not v.secret}
        result = JobResult(name, "success", ws, environment=environment)
        for step in steps:
            kind = next((k for k in ("script", "checkout") if k in step), step.get("task", "?"))
            label = step.get("displayName") or kind
            deps = ["Succeeded" if result.status == "success" else "Failed"]
            if not self._condition(step.get("condition"), variables, deps):
                result.steps.append(StepResult(label, "not run", f"condition: {step.get('condition')}"))
                continue
            if kind == "checkout":
                result.steps.append(StepResult(label, "skipped", skipped_reason("checkout")))
                if step["checkout"] == "self":
                    self.checkout.fill(ws)
                continue
            env = {**self.base_env, **var_env, "TF_BUILD": "True", "AGENT_TEMPDIRECTORY": str(temp)}
            env.update({k: _macros(v, variables) for k, v in (step.get("env") or {}).items()})
            if kind == "script":
                script = step["script"]
            elif kind == "AzureCLI@2":
                inputs = step["inputs"]
                assert inputs["scriptType"] == "bash" and inputs["scriptLocation"] == "inlineScript"
                connection = _macros(inputs["azureSubscription"], variables)
                if connection not in self.service_connections:
                    code, out = 1, f"##[error]service connection {connection} not found or not authorized"
                    result.steps.append(StepResult(label, "ran", returncode=code, output=out))
                    result.status = "failure"
                    continue
                if inputs.get("addSpnToEnvironment"):
                    env.update(self.service_connections[connection]())
                script = inputs["inlineScript"]
                result.steps.append(StepResult(f"{label}: az login", "skipped", skipped_reason(kind)))
            else:
                raise AssertionError(f"step {kind!r} is not modelled (and not in SKIPPED)")
            argv = ["bash", "--noprofile", "--norc"]
            ran = _run_script(argv, _macros(script, variables), ws, temp, env, label)
            result.steps.append(ran)
            for summary in re.findall(r"^##vso\[task\.uploadsummary\](.+)$", ran.output, re.M):
                path = Path(summary.strip())
                result.summary += path.read_text() if path.exists() else f"(missing summary file {path})\n"
            if ran.returncode != 0 and not step.get("continueOnError"):
                result.status = "failure"
        return result


def _macros(text: Any, variables: Mapping[str, Variable]) -> str:
    """`$(Name)` replaced by the variable's value; undefined ones stay as written (as the agent does)."""
    lowered = {k.lower(): v.value for k, v in variables.items()}
    return re.sub(r"\$\(([\w.]+)\)", lambda m: lowered.get(m.group(1).lower(), m.group(0)), str(text))


def _substitute(node: Any, ctx: Mapping[str, Any]) -> Any:
    if isinstance(node, dict):
        return {k: _substitute(v, ctx) for k, v in node.items()}
    if isinstance(node, list):
        return [_substitute(v, ctx) for v in node]
    return interpolate(node, ctx) if isinstance(node, str) and "${{" in node else node


def summary_of(results: list[JobResult]) -> str:
    return "\n".join(r.describe() for r in results)


def environment_of(env: Mapping[str, str], names: tuple[str, ...]) -> dict[str, str]:
    """The runner machine's own environment: only what a hosted runner also has (no ARM_*, no backend)."""
    return {k: env[k] for k in names if k in env}
