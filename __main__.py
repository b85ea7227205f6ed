"""Provision one whole Media Services stage from `stacks/Pulumi.<stage>.yaml` (`ams-media:environment`).

The schema and its validation live in `components/config.py`; a bad config fails here, before any
resource is registered, with one line per problem naming the key.
"""

import sys

import pulumi

from components.config import StageConfigError
from components.stage import run_program

try:
    run_program()
except StageConfigError as exc:
    pulumi.log.error(str(exc))
    sys.exit(1)
