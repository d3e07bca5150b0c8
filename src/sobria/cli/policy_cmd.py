"""`sobria policy`: write the commented policy template, check a policy file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from sobria.audit.period import parse_day
from sobria.cli.context import cli_context
from sobria.cli.help import SobriaTyper
from sobria.errors import Location, UserInputError
from sobria.i18n import Translator
from sobria.policy.checks import PolicyIssue
from sobria.policy.loader import policy_template, read_policy_text, read_text

app = SobriaTyper(no_args_is_help=True, help="La charte comme code : fichier de politique.")

EXAMPLE_ADOPTION = dt.date(2025, 3, 17)  # the case study's charter day, until the file gives its own date


@app.command("init")
def init(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="Fichier à écrire.")] = Path("politique.yaml"),
    force: Annotated[bool, typer.Option("--force", help="Écraser le fichier s'il existe.")] = False,
    date: Annotated[str | None, typer.Option(
        "--date", metavar="AAAA-MM-JJ",
        help="Date d'adoption à écrire (« today » : aujourd'hui ; défaut : 2025-03-17, celle du cas d'étude).")]
    = None,
) -> None:
    """Écrire le modèle de politique commenté (en français)."""
    c = cli_context(ctx)
    if path.exists() and not force:
        raise UserInputError("policy.cli.init_exists", {"path": str(path)}, Location(file=str(path)))
    adopted = (dt.date.today() if date == "today" else parse_day(date, "--date")) if date else EXAMPLE_ADOPTION
    path.write_text(policy_template(adopted or EXAMPLE_ADOPTION), encoding="utf-8")
    typer.echo(c.t("policy.cli.init_written", path=str(path)))


@app.command("check")
def check(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Fichier de politique YAML.")],
) -> None:
    """Vérifier un fichier de politique : chaque erreur avec sa ligne et une suggestion."""
    from sobria.catalog import load_catalog

    c = cli_context(ctx)
    catalog = load_catalog()
    report = read_policy_text(read_text(file), catalog.knows_model, catalog.model_names())
    if report.policy is None or report.issues:
        for issue in report.issues:
            typer.echo(format_issue(issue, str(file), c.t), err=True)
        raise UserInputError("policy.cli.check_failed", {"count": len(report.issues)},
                             Location(file=str(file)))
    typer.echo(c.t("policy.cli.check_ok", path=str(file), version=report.policy.version,
                   charter_version=report.policy.charter.version))


def format_issue(issue: PolicyIssue, file: str, t: Translator) -> str:
    """``file:line, field « x » : message`` then an indented suggestion line."""
    where = t.location(Location(file=file, line=issue.line, field=issue.path or None))
    message = t(issue.key, **issue.params)
    suggestion = t("policy.cli.suggestion", text=t(issue.suggestion_key, **issue.suggestion_params))
    return f"{where}{message}\n    {suggestion}"
