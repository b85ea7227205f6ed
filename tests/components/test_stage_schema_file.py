"""The JSON Schema editors use for stack files is generated from the pydantic schema and stays in sync."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from components.config import SCHEMA_FILE, schema_text

STACKS = Path(__file__).resolve().parents[2] / "stacks"
MODELINE = "# yaml-language-server: $schema=./stage-schema.json"


def test_committed_schema_matches_the_code() -> None:
    assert SCHEMA_FILE.read_text() == schema_text(), "run: .venv/bin/python -m components.config"


@pytest.mark.parametrize("stage", ["local", "dev", "staging", "prod"])
def test_stack_files_reference_and_satisfy_the_schema(stage: str) -> None:
    path = STACKS / f"Pulumi.{stage}.yaml"
    assert path.read_text().splitlines()[0] == MODELINE
    schema = json.loads(SCHEMA_FILE.read_text())
    doc = yaml.safe_load(path.read_text())
    jsonschema.validate(doc, schema)  # what an editor checks as you type

    bad = copy.deepcopy(doc)
    env = bad["config"]["ams-media:environment"]
    env["location"] = "mars"
    env["streamingEndpoints"][0]["scaleUnits"] = 51
    env["account"]["nmae"] = "typo"
    errors = {e.json_path for e in jsonschema.Draft202012Validator(schema).iter_errors(bad)}
    root = "$.config['ams-media:environment']"
    assert {f"{root}.location", f"{root}.streamingEndpoints[0].scaleUnits", f"{root}.account"} <= errors
