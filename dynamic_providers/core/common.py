"""Shared constructor typing helpers for entity modules."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi

Input = pulumi.Input
Props = Input[Mapping[str, Any]] | None
Tags = Input[Mapping[str, Input[str]]] | None
