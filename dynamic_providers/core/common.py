"""Shared constructor typing helpers for entity modules."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi import Input

__all__ = ["Input", "Props", "Tags"]

Props = Input[Mapping[str, Any]] | None
Tags = Input[Mapping[str, Input[str]]] | None
