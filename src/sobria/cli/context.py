"""What every command receives from the root callback."""

from __future__ import annotations

from dataclasses import dataclass

import typer

from sobria.i18n import Translator
from sobria.settings import Settings


@dataclass(frozen=True)
class CliContext:
    settings: Settings
    t: Translator


def cli_context(ctx: typer.Context) -> CliContext:
    obj = ctx.find_root().obj
    if not isinstance(obj, CliContext):
        raise RuntimeError("root callback did not run")
    return obj
