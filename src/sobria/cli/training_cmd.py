"""`sobria training`: AI literacy records (AI Act article 4), coverage by team, evidence export."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from sobria.cli.console import plain_console
from sobria.cli.context import cli_context
from sobria.cli.help import SobriaTyper
from sobria.cli.store_cmd import open_initialised
from sobria.csvfile import write_text_atomically
from sobria.errors import Location, UserInputError
from sobria.governance.committee.pack import parse_day_option
from sobria.governance.training.coverage import Coverage, Status, TrainingRecord, coverage, load_modules
from sobria.governance.training.csv_import import check_record_fields, read_training_file
from sobria.governance.training.evidence import default_evidence_name, evidence_csv, evidence_json, evidence_rows
from sobria.governance.training.store import NewPerson, read_people_teams, read_training, write_training
from sobria.i18n import Translator
from sobria.ingest.pseudonym import pseudonym
from sobria.privacy.groups import group_label
from sobria.store import open_store

app = SobriaTyper(no_args_is_help=True, help="Formation et maîtrise de l'IA (article 4 du règlement européen).")


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="CSV identifier,module,date,status[,session,team,role]")],
) -> None:
    """Importer des présences et validations de formation (tout ou rien)."""
    c = cli_context(ctx)
    store, secret = open_initialised(c)
    parsed = read_training_file(file, secret, load_modules(), dt.date.today())
    written = write_training(store, parsed.records, parsed.persons)
    typer.echo(c.t("gov.training.imported", records=written, people=len(parsed.persons), file=str(file)))


@app.command("record")
def record(
    ctx: typer.Context,
    person: Annotated[str, typer.Option("--person", help="identifiant (e-mail) ; pseudonymisé aussitôt")],
    module: Annotated[str, typer.Option("--module", help="identifiant du module (sobria training modules)")],
    date: Annotated[str | None, typer.Option("--date", help="AAAA-MM-JJ (défaut : aujourd'hui)")] = None,
    status: Annotated[str, typer.Option("--status", help="completed | attended")] = "completed",
    session: Annotated[str | None, typer.Option("--session", help="nom de la session")] = None,
    team: Annotated[str | None, typer.Option("--team", help="équipe, si la personne est nouvelle")] = None,
) -> None:
    """Enregistrer une formation suivie par une personne."""
    c = cli_context(ctx)
    today = dt.date.today()
    day = parse_day_option(date, "--date", today)
    modules = load_modules()
    problems = check_record_fields(module, day, date or today.isoformat(), status, modules, today,
                                   Location(parameter="--module"))
    if problems:
        first = problems[0]
        option = {"module": "--module", "date": "--date", "status": "--status"}.get(first.where.field or "", "")
        raise UserInputError(first.key, first.params, Location(parameter=option))
    store, secret = open_initialised(c)
    key = pseudonym(secret, person)
    chosen: Status = "completed" if status == "completed" else "attended"
    write_training(store, [TrainingRecord(key, module, day, chosen, session)], [NewPerson(key, team)])
    typer.echo(c.t("gov.training.recorded", module=module, date=day.isoformat()))


@app.command("status")
def status(
    ctx: typer.Context,
    at: Annotated[str | None, typer.Option("--at", help="date du constat AAAA-MM-JJ (défaut : aujourd'hui)")] = None,
) -> None:
    """Couverture de la formation par équipe (agrégée, équipes de moins de 5 regroupées)."""
    c = cli_context(ctx)
    day = parse_day_option(at, "--at", dt.date.today())
    store = open_store(c.settings.db, c.settings.lock_timeout_s)
    store.migrate()
    people = read_people_teams(store)
    if not people:
        raise UserInputError("gov.training.no_people", {}, Location(parameter="SOBRIA_DB"))
    modules = load_modules()
    print_coverage(coverage(people, read_training(store), modules, day, c.settings.min_group), c.t)


def print_coverage(cov: Coverage, t: Translator) -> None:
    console = plain_console()

    def share(value: float) -> str:
        return f"{round(value * 100)} %"

    console.print(t("gov.training.status_title", date=cov.at.isoformat()))
    console.print(t("gov.training.summary", trained=cov.trained, people=cov.people, share=share(cov.share),
                    sessions=cov.sessions))
    table = Table(*(t(f"gov.training.col.{k}") for k in ("team", "people", "trained", "share", "refresh")))
    for row in cov.teams:
        table.add_row(group_label(row.group, t), str(row.people), str(row.trained), share(row.share),
                      str(row.refresh_due))
    console.print(table)
    modules = Table(t("gov.training.col.module"), t("gov.training.col.completions"))
    for module, count in cov.completions_by_module.items():
        modules.add_row(module, str(count))
    console.print(modules)


@app.command("modules")
def modules_(ctx: typer.Context) -> None:
    """Le catalogue des modules (sobriété comprise)."""
    c = cli_context(ctx)
    table = Table(*(c.t(f"gov.training.col.{k}") for k in ("module", "title", "minutes", "required",
                                                            "refresh_months")))
    for m in load_modules().values():
        table.add_row(m.id, m.title, str(m.minutes), c.t("gov.training.yes" if m.required else "gov.training.no"),
                      str(m.refresh_months))
    plain_console().print(table)


@app.command("export")
def export(
    ctx: typer.Context,
    out: Annotated[Path | None, typer.Option("--out", help="fichier (défaut : preuves_formation_AAAA-MM-JJ.csv)")]
    = None,
    fmt: Annotated[str, typer.Option("--format", help="csv | json")] = "csv",
    at: Annotated[str | None, typer.Option("--at", help="date du constat AAAA-MM-JJ (défaut : aujourd'hui)")] = None,
    force: Annotated[bool, typer.Option("--force", help="écraser le fichier s'il existe")] = False,
) -> None:
    """Exporter les preuves de formation datées (pseudonymes, module, date, statut) pour un auditeur."""
    c = cli_context(ctx)
    if fmt not in ("csv", "json"):
        raise UserInputError("gov.training.bad_format", {"value": fmt}, Location(parameter="--format"))
    day = parse_day_option(at, "--at", dt.date.today())
    path = out or Path(default_evidence_name(day, fmt))
    if path.exists() and not force:
        raise UserInputError("gov.training.export_exists", {"path": str(path)}, Location(file=str(path)))
    store = open_store(c.settings.db, c.settings.lock_timeout_s)
    store.migrate()
    modules = load_modules()
    rows = evidence_rows(read_training(store), modules, day)
    org = store.organisation()
    text = evidence_csv(rows) if fmt == "csv" else evidence_json(rows, modules, str(org["name"]) if org else "", day)
    write_text_atomically(path, text, "--out")
    typer.echo(c.t("gov.training.exported", path=str(path), rows=len(rows)))
