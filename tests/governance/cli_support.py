"""A root app carrying the governance sub-apps, as cli/app.py will once they are registered there."""

from __future__ import annotations

import subprocess
import sys
from typing import Annotated

import typer

from sobria.cli import aiact_cmd, tools_cmd
from sobria.cli.context import CliContext
from sobria.i18n import Translator
from sobria.settings import build_settings

# Run `sobria` through its real main() (errors -> exit code 2), with the two groups registered
# when cli/app.py does not register them yet.
MAIN = (
    "from sobria.cli import aiact_cmd, tools_cmd\n"
    "from sobria.cli import app as root\n"
    "names = {g.name for g in root.app.registered_groups}\n"
    "if 'aiact' not in names: root.app.add_typer(aiact_cmd.app, name='aiact')\n"
    "if 'tools' not in names: root.app.add_typer(tools_cmd.app, name='tools')\n"
    "root.main()\n"
)


def root_app() -> typer.Typer:
    root = typer.Typer(pretty_exceptions_enable=False)

    @root.callback()
    def _root(ctx: typer.Context, lang: Annotated[str | None, typer.Option("--lang")] = None) -> None:
        settings = build_settings(lang=lang)
        ctx.obj = CliContext(settings=settings, t=Translator.for_lang(settings.lang))

    root.add_typer(aiact_cmd.app, name="aiact")
    root.add_typer(tools_cmd.app, name="tools")
    return root


def run_main(args: list[str], cwd: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", MAIN, *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=120, check=False)
