"""The ``sobria`` command: the root Typer app and the one place where errors become exit codes."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from typer import _click as click

from sobria.cli import (
    aiact_cmd,
    audit_cmd,
    catalog_cmd,
    charter_cmd,
    committee_cmd,
    demo_cmd,
    estimate_cmd,
    gateway_cmd,
    keys_cmd,
    maturity_cmd,
    partitions_cmd,
    pii_cmd,
    policy_cmd,
    serve_cmd,
    store_cmd,
    tools_cmd,
    training_cmd,
    waste_cmd,
)
from sobria.cli.context import CliContext
from sobria.cli.help import SobriaTyper, show_usage_error
from sobria.errors import UserInputError
from sobria.i18n import Translator
from sobria.settings import Settings, build_settings

MAX_DETAILS = 50
app = SobriaTyper(
    name="sobria",
    help="Sobria : mesurer, gouverner et réduire l'empreinte de l'IA générative.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("estimate")(estimate_cmd.estimate)
app.command("init")(store_cmd.init)
app.command("import")(store_cmd.import_)
app.command("demo")(demo_cmd.demo)
app.command("audit")(audit_cmd.audit)
app.command("waste")(waste_cmd.waste)
app.command("report")(audit_cmd.report)
app.command("serve")(serve_cmd.serve)
app.add_typer(catalog_cmd.app, name="catalog")
app.add_typer(pii_cmd.app, name="pii", help="Détection de données personnelles dans les textes.")
app.add_typer(policy_cmd.app, name="policy", help="La charte comme code : fichier de politique.")
app.add_typer(charter_cmd.app, name="charter", help="Le document de charte lisible par tous.")
app.add_typer(aiact_cmd.app, name="aiact", help="Règlement européen sur l'IA : inventaire, classes et obligations.")
app.add_typer(tools_cmd.app, name="tools", help="Registre des outils d'IA : contrats, données, entraînement.")
app.add_typer(training_cmd.app, name="training", help="Formation et maîtrise de l'IA (article 4).")
app.command("maturity")(maturity_cmd.maturity)
app.add_typer(committee_cmd.app, name="committee", help="Le comité éthique : registre et dossier mensuel.")
policy_cmd.app.command("violations")(committee_cmd.violations)
app.add_typer(gateway_cmd.app, name="gateway", help="Passerelle compatible OpenAI qui applique la charte.")
app.add_typer(keys_cmd.app, name="keys", help="Clés virtuelles de la passerelle.")
app.add_typer(partitions_cmd.app, name="partitions",
              help="Événements pour l'analyse à l'échelle : partitions, conservation.")


@app.callback()
def root(
    ctx: typer.Context,
    lang: Annotated[str | None, typer.Option("--lang", help="fr | en (défaut : SOBRIA_LANG ou fr)")] = None,
) -> None:
    """Sobria : mesurer, gouverner et réduire l'empreinte de l'IA générative."""
    settings = build_settings(lang=lang)
    ctx.obj = CliContext(settings=settings, t=Translator.for_lang(settings.lang))


def main() -> None:
    """Console-script entry point: run the app, turning user errors into exit code 2."""
    sys.exit(run(sys.argv[1:]))


def run(args: list[str]) -> int:
    """Run ``sobria ARGS`` in this process and return its exit code (user errors: 2, on stderr)."""
    try:
        code = app(args=args, prog_name="sobria", standalone_mode=False)  # the code of `raise typer.Exit(n)`
    except UserInputError as err:
        t = Translator.for_lang(_lang_from_argv(args))
        typer.echo(t.error(err), err=True)
        for detail in err.details[:MAX_DETAILS]:
            typer.echo("  " + t.error(detail), err=True)
        if len(err.details) > MAX_DETAILS:
            typer.echo("  " + t("error.more_details", count=len(err.details) - MAX_DETAILS), err=True)
        return 2
    except typer.Exit as done:
        return done.exit_code
    except typer.Abort:
        return 130
    except click.ClickException as err:  # usage errors (missing option...), worded in the user's language
        show_usage_error(err, args)
        return err.exit_code
    return code if isinstance(code, int) else 0


def _lang_from_argv(argv: list[str]) -> str:
    """The language to report an error in, read without trusting the rest of the line."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv) and argv[i + 1] in ("fr", "en"):
            return argv[i + 1]
        if arg in ("--lang=fr", "--lang=en"):
            return arg.split("=", 1)[1]
    try:
        return Settings().lang
    except ValueError:
        return "fr"
