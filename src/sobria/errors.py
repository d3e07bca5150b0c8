"""Domain errors shared by every layer.

A :class:`UserInputError` is a mistake in what a person gave us (a parameter, a file, a
configuration): the edges turn it into a localised message and exit code 2 / HTTP 4xx.
Programming errors are ordinary exceptions and are never caught here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Location:
    """Where a bad input was found: any of file, line, field or parameter."""

    file: str | None = None
    line: int | None = None
    field: str | None = None
    parameter: str | None = None


@dataclass
class UserInputError(Exception):
    """Bad input from a person. ``key`` names a message in the locale catalogues."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)
    where: Location = field(default_factory=Location)
    details: tuple[UserInputError, ...] = ()

    def __post_init__(self) -> None:
        super().__init__(self.key, self.params)

    def __str__(self) -> str:
        return f"{self.key} {self.params} at {self.where}"
