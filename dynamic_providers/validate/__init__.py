"""Client-side validation rules (names, files, durations, limits, enums, regions), each defined once.

`rules.RULES` indexes every rule by the name its error messages print."""

from .names import (
    NAME_RULES,
    check_blob_name,
    check_container_name,
    check_name,
)
from .rules import RULES, Rule, parse_duration

__all__ = [
    "NAME_RULES",
    "RULES",
    "Rule",
    "check_blob_name",
    "check_container_name",
    "check_name",
    "parse_duration",
]
