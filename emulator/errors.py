"""ARM error type raised by handlers and turned into ``{"error": {...}}`` responses."""

from __future__ import annotations

from typing import Any


class ArmError(Exception):
    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        target: str | None = None,
        details: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.target = target
        self.details = details or []
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        return {
            "error": {
                "code": self.code,
                "message": self.message,
                "target": self.target,
                "details": self.details,
                "additionalInfo": [],
            }
        }


def conflict(code: str, message: str, target: str | None = None) -> ArmError:
    """A wrong-state error: 409 Conflict with a specific detail code."""
    return ArmError(409, code, message, target, [{"code": code, "message": message}])


def not_found(type_path: str, rg: str) -> ArmError:
    return ArmError(
        404, "ResourceNotFound", f"The Resource '{type_path}' under resource group '{rg}' was not found."
    )


def parent_not_found(parent_name: str) -> ArmError:
    return ArmError(
        404,
        "ParentResourceNotFound",
        f"Can not perform requested operation on nested resource. Parent resource '{parent_name}' not found.",
    )
