"""`sobria charter render`: the two-page charter people read, from the policy file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer

from sobria.cli.context import cli_context
from sobria.cli.help import SobriaTyper
from sobria.errors import Location, UserInputError
from sobria.i18n import Translator

app = SobriaTyper(no_args_is_help=True, help="Le document de charte lisible par tous.")


@app.command("render")
def render(
    ctx: typer.Context,
    policy_file: Annotated[Path, typer.Argument(metavar="POLICY", help="Fichier de politique YAML.")],
    lang: Annotated[Literal["fr", "en"] | None,
                    typer.Option("--lang", help="fr | en (défaut : langue globale)")] = None,
    fmt: Annotated[Literal["md", "html", "pdf"], typer.Option("--format", help="md | html | pdf")] = "md",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Fichier de sortie (défaut : écran).")]
    = None,
) -> None:
    """Produire la charte (Markdown, HTML ou PDF de deux pages) depuis le fichier de politique."""
    from sobria.catalog import load_catalog
    from sobria.policy.charter import pdf_page_count, render_charter, render_pdf
    from sobria.policy.loader import load_policy

    c = cli_context(ctx)
    catalog = load_catalog()
    policy = load_policy(policy_file, catalog)
    t = Translator.for_lang(lang) if lang is not None else c.t
    if fmt == "pdf":
        if output is None:
            raise UserInputError("policy.cli.pdf_needs_output", {}, Location(parameter="--output"))
        pdf = render_pdf(policy, t)
        output.write_bytes(pdf)
        typer.echo(c.t("policy.cli.charter_written", path=str(output), pages=pdf_page_count(pdf)))
        return
    text = render_charter(policy, t, fmt)
    if output is None:
        typer.echo(text, nl=False)
        return
    output.write_text(text, encoding="utf-8")
    typer.echo(c.t("policy.cli.charter_written_text", path=str(output)))
