"""Client-side validation rules (names, files, durations), applied by ``check`` at preview time."""

from .names import (
    NAME_RULES,
    check_blob_name,
    check_container_name,
    check_name,
    parse_duration,
)

__all__ = ["NAME_RULES", "check_blob_name", "check_container_name", "check_name", "parse_duration"]
