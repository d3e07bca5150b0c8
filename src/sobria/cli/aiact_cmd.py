"""`sobria aiact inventory|assess|obligations`: the AI Act inventory, classes and obligations."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from sobria.cli.console import plain_console
from sobria.cli.context import cli_context
from sobria.cli.help import SobriaTyper
from sobria.errors import Location, UserInputError
from sobria.governance.aiact.classify import Assessment, assess
from sobria.governance.aiact.inventory import inventory_template, load_inventory
from sobria.governance.aiact.obligations import ObligationLine, all_obligations, obligation_lines
from sobria.governance.aiact.regulation import Regulation, load_regulation
from sobria.i18n import Translator

app = SobriaTyper(no_args_is_help=True, help="Règlement européen sur l'IA : inventaire, classes et obligations.")
DEFAULT_FILE = Path("inventaire-ia.yaml")


def _assessments(file: Path) -> tuple[Regulation, list[Assessment]]:
    regulation = load_regulation()
    inventory = load_inventory(file, regulation)
    return regulation, [assess(case, regulation) for case in inventory.use_cases]


@app.command("inventory")
def inventory(
    ctx: typer.Context,
    file: Annotated[Path | None, typer.Argument(help="Fichier d'inventaire YAML.")] = None,
    init: Annotated[bool, typer.Option("--init", help="Écrire le modèle commenté (usages du cas TechVert).")] = False,
    force: Annotated[bool, typer.Option("--force", help="Avec --init : écraser le fichier s'il existe.")] = False,
) -> None:
    """Écrire le modèle d'inventaire (--init), ou vérifier un inventaire et lister ses usages."""
    c = cli_context(ctx)
    if init:
        path = file or DEFAULT_FILE
        if path.exists() and not force:
            raise UserInputError("aiact.cli.init_exists", {"path": str(path)}, Location(file=str(path)))
        path.write_text(inventory_template(), encoding="utf-8")
        typer.echo(c.t("aiact.cli.init_written", path=str(path)))
        return
    if file is None:
        raise UserInputError("aiact.cli.file_required", {}, Location(parameter="FILE"))
    _, assessments = _assessments(file)
    table = Table(title=c.t("aiact.cli.inventory_title", path=str(file), count=len(assessments)))
    for column in ("id", "name", "team", "tool", "class"):
        table.add_column(c.t(f"aiact.col.{column}"))
    for a in assessments:
        case = a.use_case
        table.add_row(case.id, case.name, case.team, case.tool, c.t(f"aiact.class.{a.risk_class}"))
    plain_console().print(table)
    typer.echo(c.t("aiact.cli.not_legal_advice"))


@app.command("assess")
def assess_cmd(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Fichier d'inventaire YAML.")],
    as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON (pour d'autres outils).")] = False,
) -> None:
    """La classe de chaque usage (interdit, haut risque, transparence, minimal) et pourquoi."""
    c = cli_context(ctx)
    regulation, assessments = _assessments(file)
    if as_json:
        typer.echo(json.dumps({"regulation": regulation.data_version,
                               "use_cases": [_assessment_json(a, c.t) for a in assessments]},
                              ensure_ascii=False, indent=2))
        return
    console = plain_console()
    for a in assessments:
        point = f" — {c.t('aiact.cli.annex_point', point=a.annex_point)}" if a.annex_point else ""
        console.print(Text.assemble((a.use_case.id, "bold"), f" ({a.use_case.name}) : "
                                    f"{c.t(f'aiact.class.{a.risk_class}')}{point} ; {c.t(f'aiact.role.{a.role}')}"))
        for reason in a.reasons:
            console.print("  - " + c.t(reason.key, **reason.params), highlight=False)
    typer.echo(c.t("aiact.cli.data_version", version=regulation.data_version))
    typer.echo(c.t("aiact.cli.not_legal_advice"))


@app.command("obligations")
def obligations(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Fichier d'inventaire YAML.")],
    as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON (pour d'autres outils).")] = False,
    due_before: Annotated[str | None, typer.Option("--due-before", help="Seulement les obligations ouvertes "
                                                   "dues avant cette date (AAAA-MM-JJ).")] = None,
) -> None:
    """Les obligations de chaque usage : article, date d'application, responsable, preuve, statut."""
    c = cli_context(ctx)
    limit = _parse_date(due_before, "--due-before")
    regulation, assessments = _assessments(file)
    lines = all_obligations(assessments, limit)
    if as_json:
        typer.echo(json.dumps({"regulation": regulation.data_version,
                               "obligations": [_line_json(line, c.t) for line in lines]},
                              ensure_ascii=False, indent=2))
        return
    table = Table(title=c.t("aiact.cli.obligations_title", count=len(lines)))
    for column in ("use_case", "obligation", "article", "due", "owner", "status", "evidence"):
        table.add_column(c.t(f"aiact.col.{column}"))
    for line in lines:
        mark = "" if line.verified else " *"
        table.add_row(line.use_case, c.t(line.title_key), line.article, line.due.isoformat() + mark,
                      line.owner or c.t("aiact.cli.no_owner"), c.t(f"aiact.status.{line.status}"),
                      line.evidence_kept or c.t(line.evidence_key))
    plain_console().print(table)
    typer.echo(c.t("aiact.cli.unverified_mark"))
    typer.echo(c.t("aiact.cli.not_legal_advice"))


def _parse_date(raw: str | None, option: str) -> dt.date | None:
    if raw is None:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise UserInputError("aiact.error.bad_date", {"value": raw}, Location(parameter=option)) from None


def _assessment_json(a: Assessment, t: Translator) -> dict[str, Any]:
    return {"id": a.use_case.id, "name": a.use_case.name, "class": a.risk_class, "role": a.role,
            "annex_iii_point": a.annex_point, "prohibited_points": list(a.prohibited_points),
            "reasons": [{"key": r.key, "params": r.params, "text": t(r.key, **r.params)} for r in a.reasons],
            "obligations": [_line_json(line, t) for line in obligation_lines(a)]}


def _line_json(line: ObligationLine, t: Translator) -> dict[str, Any]:
    return {"use_case": line.use_case, "id": line.obligation, "title": t(line.title_key), "article": line.article,
            "holder": line.holder, "statutory": line.statutory, "applies_from": line.applies_from.isoformat(),
            "verified": line.verified, "status": line.status, "owner": line.owner, "due": line.due.isoformat(),
            "evidence_to_keep": t(line.evidence_key), "evidence_kept": line.evidence_kept}
