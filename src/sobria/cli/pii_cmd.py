"""`sobria pii`: find personal data in texts (scan) and replace it with placeholders (redact)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from sobria.cli.context import CliContext, cli_context
from sobria.cli.help import SobriaTyper
from sobria.policy.pii import Finding, PiiKind, Scanner, load_client_names, redact
from sobria.policy.pii.textfile import decode_utf8, read_utf8

JSON_SCHEMA = "sobria.pii.scan/1"
STDIN = "-"

app = SobriaTyper(no_args_is_help=True)

ClientsOpt = Annotated[Path | None, typer.Option(
    "--clients", help="export CRM (CSV) des clients dont les noms sont à détecter")]
ColumnOpt = Annotated[str | None, typer.Option(
    "--clients-column", help="colonne des noms dans l'export (défaut : détectée)")]


@app.command("scan")
def scan(
    ctx: typer.Context,
    files: Annotated[list[str] | None, typer.Argument(
        help="fichiers texte (UTF-8) ; '-' ou rien : entrée standard")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="sortie JSON (schéma stable)")] = False,
    clients: ClientsOpt = None,
    clients_column: ColumnOpt = None,
) -> None:
    """Liste les données personnelles trouvées : type, position et extrait masqué."""
    c = cli_context(ctx)
    scanner = _scanner(clients, clients_column)
    sources = files or [STDIN]
    results = [(source, scanner.scan(_read(source))) for source in sources]
    if as_json:
        typer.echo(json.dumps(scan_json(results), ensure_ascii=False, indent=2))
    else:
        _print(c, results)


@app.command("redact")
def redact_cmd(
    ctx: typer.Context,
    file: Annotated[str, typer.Argument(help="fichier texte (UTF-8) ; '-' ou rien : entrée standard")] = STDIN,
    clients: ClientsOpt = None,
    clients_column: ColumnOpt = None,
) -> None:
    """Affiche le texte avec chaque donnée personnelle remplacée par un repère typé ([IBAN_1]...)."""
    cli_context(ctx)
    text = _read(file)
    typer.echo(redact(text, _scanner(clients, clients_column).scan(text)), nl=False)


def scan_json(results: list[tuple[str, list[Finding]]]) -> dict[str, Any]:
    """The JSON document of ``sobria pii scan --json``; offsets count Unicode characters."""
    by_kind = dict.fromkeys((k.value for k in PiiKind), 0)
    for _, findings in results:
        for f in findings:
            by_kind[f.kind.value] += 1
    return {
        "schema": JSON_SCHEMA,
        "sources": [{"source": source, "findings": [
            {"kind": f.kind.value, "start": f.start, "end": f.end, "excerpt": f.excerpt} for f in findings]}
            for source, findings in results],
        "total": sum(by_kind.values()),
        "by_kind": by_kind,
    }


def _scanner(clients: Path | None, column: str | None) -> Scanner:
    return Scanner.build(load_client_names(clients, column) if clients is not None else ())


def _read(source: str) -> str:
    if source == STDIN:
        return decode_utf8(sys.stdin.buffer.read(), STDIN)
    return read_utf8(Path(source))


def _print(c: CliContext, results: list[tuple[str, list[Finding]]]) -> None:
    total = 0
    for source, findings in results:
        name = c.t("pii.source.stdin") if source == STDIN else source
        for f in findings:
            label = c.t(f"pii.kind.{f.kind.value}")
            typer.echo(f"{name}:{f.start}-{f.end}\t{label}\t{f.excerpt}")
        total += len(findings)
    if total:
        typer.echo(c.t("pii.scan.summary", count=total, sources=len(results)))
    else:
        typer.echo(c.t("pii.scan.none"))
