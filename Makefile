# Two commands matter: `make up` and `make test`. Everything else is a pipeline-friendly step.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
STACK ?= local
PY := .venv/bin/python
PULUMI := scripts/pulumi
# PRINCIPAL=reader runs the read-only targets (drift, inventory, preview) as the emulator's Reader.
PRINCIPAL ?= contributor
EMULATOR_ENV := $(PY) -m emulator env --state-dir .emulator --principal $(PRINCIPAL)
# Resource operations the engine runs at once (its default is 4 x CPUs). Media Services operations take
# minutes and the providers sequence each live event themselves, so the engine must not be the limit:
# about 4 per live event (its outputs wait for its lock) plus the rest of the stage. Yours wins if set.
export PULUMI_PARALLEL ?= 64

.PHONY: help venv node cli emulator emulator-stop stack stack-exists up preview drift refresh down inventory test test-pythons \
	lint lock bench faults conformance

help:
	@echo "make up | test | preview | drift | refresh | down | cli | emulator | emulator-stop | lint  (STACK=$(STACK))"

# --- installation (each step is skipped when its inputs did not change) ---
.venv/.stamp: pyproject.toml constraints.txt
	python3 -m venv .venv
	.venv/bin/pip install -q --upgrade "pip==25.3"
	.venv/bin/pip install -q -c constraints.txt -e ".[dev]"
	touch $@
venv: .venv/.stamp

node_modules/.stamp: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $@
node: node_modules/.stamp

cli:
	@scripts/ensure-cli.sh >/dev/null
	@$(PULUMI) version

# --- local emulator (the embedded default backend) ---
emulator: venv node
	$(PY) -m emulator start --state-dir .emulator --background

emulator-stop: venv
	$(PY) -m emulator stop --state-dir .emulator

# --- stack operations; STACK=<stage> ---
# For the local stack the ARM_* credentials and endpoints come from the running emulator;
# for real stages they come from your environment or azure-native:* stack config.
define with_env
	$(if $(filter local,$(STACK)),eval "$$($(EMULATOR_ENV))";) $(1)
endef

stack: venv
	@$(PULUMI) stack select --create $(STACK) >/dev/null

# Read-only targets select the stack and never create one: a mistyped STACK or a stage never deployed is an
# error, not a new empty stack written to the shared backend by a drift job. Other failures (the backend's
# credentials, say) are shown as the CLI said them.
stack-exists: venv
	@err=$$($(PULUMI) stack select $(STACK) 2>&1 >/dev/null) || { case "$$err" in \
		*"no stack named"*) echo "error: stack '$(STACK)' does not exist in this backend;" \
			"'make up STACK=$(STACK)' creates it" >&2;; \
		*) echo "$$err" >&2;; esac; exit 2; }

up: venv $(if $(filter local,$(STACK)),emulator) stack
	$(call with_env,$(PULUMI) up --yes --refresh --stack $(STACK))
	$(call with_env,$(PULUMI) stack output --stack $(STACK))

preview: venv stack $(if $(filter local,$(STACK)),emulator)
	$(call with_env,$(PULUMI) preview --diff --stack $(STACK))

# The engine's drift preview, plus secret drift and the entities in the stack's accounts that it does not
# manage; exit 0 clean, 1 drift, 2 error, 3 nothing drifted but some secrets could not be checked (Reader).
# make itself fails with 2 for any of 1-3, so a Reader's pipeline passes ARGS=--unchecked-ok (3 becomes 0).
drift: venv stack-exists $(if $(filter local,$(STACK)),emulator)
	$(call with_env,$(PY) -m explorer drift --stack $(STACK) $(ARGS))

# Every entity of the stack's accounts: state, managing resource or UNMANAGED, what costs money now.
# ARGS="--json" for pipelines.
inventory: venv stack-exists $(if $(filter local,$(STACK)),emulator)
	$(call with_env,$(PY) -m explorer inventory --stack $(STACK) $(ARGS))

refresh: venv stack-exists $(if $(filter local,$(STACK)),emulator)
	$(call with_env,$(PULUMI) refresh --yes --diff --stack $(STACK))

# Refused (before anything is deleted) while the stack's accounts hold entities it does not manage.
down: venv stack-exists $(if $(filter local,$(STACK)),emulator)
	$(call with_env,$(PY) -m explorer destroy-check --stack $(STACK))
	$(call with_env,$(PULUMI) destroy --yes --stack $(STACK))
	$(if $(filter local,$(STACK)),$(PY) -m emulator stop --state-dir .emulator)

# --- quality ---
# Static checks first (seconds), then the suite; both must pass.
test: venv node lint
	@scripts/ensure-cli.sh >/dev/null
	$(PY) -m pytest -n 2 --dist loadgroup --junitxml=.test-report.xml

# The installed-package tests (tests/library: wheel into a fresh venv, the emulator from it, the example
# project deployed) on every supported Python; `make test` runs them on this one only.
# PYTHONS="/path/to/python3.12 …" to choose the interpreters.
PYTHONS ?= $(or $(wildcard $(HOME)/.pyenv/versions/3.1[123].*/bin/python3),$(foreach v,3.11 3.12 3.13,$(shell command -v python$(v))))
test-pythons: venv node
	@scripts/ensure-cli.sh >/dev/null
	AMS_TEST_PYTHONS="$(PYTHONS)" $(PY) -m pytest -p no:xdist tests/library -v

lint: venv
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy components dynamic_providers emulator explorer tests benchmarks __main__.py

bench: venv node
	@scripts/ensure-cli.sh >/dev/null
	$(PY) benchmarks/bench_stack.py
	$(PY) benchmarks/bench_parallel.py

# The crash and fault matrix of the local stage (issue 8; ~30-60 min): kills and faults, then the plain
# make up / make down, drift and an orphan/duplicate/lost count. Not part of `make test`.
faults: venv node
	@scripts/ensure-cli.sh >/dev/null
	$(PY) -m tests.faults.matrix $(if $(ONLY),--only "$(ONLY)")

# The unchanged Azure CLI 2.55.0 (the last with `az ams`) against a fresh emulator: cloud register, login as
# contributor and reader, every entity kind and action (issue 14; ~5 min). azure-cli is a large install with
# its own pins (it needs azure-mgmt-media 9.0.0), so it lives in .venv-conformance and not in `make test`.
.venv-conformance/.stamp: tests/conformance/constraints.txt
	python3.11 -m venv .venv-conformance
	.venv-conformance/bin/pip install -q --upgrade "pip==25.3"
	.venv-conformance/bin/pip install -q -c tests/conformance/constraints.txt "azure-cli==2.55.0"
	touch $@

conformance: venv node .venv-conformance/.stamp
	$(PY) -m tests.conformance.az_ams

lock: venv
	.venv/bin/pip freeze --exclude-editable | grep -v '^-e' > constraints.txt
