"""`sobria init` and `sobria import`: the store and getting usage data into it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from sobria.catalog import Catalog, load_catalog
from sobria.cli.console import plain_console
from sobria.cli.context import CliContext, cli_context
from sobria.errors import Location, UserInputError
from sobria.ingest.limits import EventLimits
from sobria.ingest.parsed import ParseOptions
from sobria.ingest.pipeline import ImportOptions, ImportSummary, run_import
from sobria.ingest.pseudonym import create_secret, key_fingerprint, read_secret
from sobria.ingest.registry import KINDS
from sobria.report.format import integer, long_date
from sobria.report.view import label
from sobria.store import Store, open_initialised_store, open_store


def open_initialised(c: CliContext) -> tuple[Store, bytes]:
    """The store ``sobria init`` made (refused, creating nothing, when there is none) and the secret."""
    store = open_initialised_store(c.settings.db, c.settings.lock_timeout_s)
    return store, read_secret(Path(c.settings.secret_file))


def init(
    ctx: typer.Context,
    organisation: Annotated[str, typer.Option("--organisation", help="nom de l'organisation")] = "Mon organisation",
) -> None:
    """Crée le magasin de données et le secret de pseudonymisation."""
    c = cli_context(ctx)
    console = plain_console()
    path = Path(c.settings.secret_file)
    secret = read_secret(path) if path.exists() else create_secret(path)
    store = open_store(c.settings.db, c.settings.lock_timeout_s)
    store.migrate()
    org = store.organisation()
    if org is not None and org["key_fingerprint"] != key_fingerprint(secret):
        raise UserInputError("pipeline.secret_mismatch", {}, Location(parameter="SOBRIA_SECRET_FILE"))
    if org is None:
        store.init_organisation(organisation, key_fingerprint(secret))
    store.close()  # no connection left open to the file (an import in this process may load it through ADBC)
    console.print(c.t("init.done", db=c.settings.db, secret=str(path)))


def import_(
    ctx: typer.Context,
    kind: Annotated[str, typer.Argument(help=f"type de source : {', '.join(KINDS)}")],
    files: Annotated[list[Path], typer.Argument(help="fichiers à importer")],
    people: Annotated[Path | None, typer.Option("--people", help="CSV identifier,team[,role,display_name]")] = None,
    skip_invalid: Annotated[bool, typer.Option("--skip-invalid", help="écrire les lignes valides, rejeter les autres")]
    = False,
    reject_file: Annotated[Path | None, typer.Option("--reject-file", help="où écrire les lignes rejetées")] = None,
    keep_text: Annotated[bool, typer.Option("--keep-text", help="conserver le texte des prompts")] = False,
    survey_month: Annotated[str | None, typer.Option("--survey-month", help="mois décrit (AAAA-MM)")] = None,
) -> None:
    """Importe des exports d'usage (ligne à ligne validés, tout ou rien par défaut)."""
    c = cli_context(ctx)
    store, secret = open_initialised(c)
    options = ImportOptions(kind=kind, files=tuple(files), people_file=people, skip_invalid=skip_invalid,
                            reject_file=reject_file, keep_text=keep_text or c.settings.keep_text,
                            keep_names=c.settings.keep_names, lang=c.settings.lang,
                            parse=ParseOptions(survey_month=survey_month, max_line_bytes=c.settings.max_line_bytes),
                            limits=EventLimits.from_settings(c.settings), semantic=c.settings.semantic_fingerprint,
                            estimate=c.settings.estimate_options())
    summary = run_with_progress(c, store, secret, options, load_catalog())
    print_summary(c, summary, store.people().height)


def _day(stamp: str, lang: str) -> str:
    """'2025-01-02 07:06:27+00:00' as '2 janvier 2025' (the text itself when not a date)."""
    try:
        return long_date(dt.date.fromisoformat(stamp[:10]), lang)
    except ValueError:
        return stamp


def run_with_progress(c: CliContext, store: Store, secret: bytes, options: ImportOptions,
                      catalog: Catalog) -> ImportSummary:
    console = plain_console(stderr=True)
    with Progress(TextColumn("{task.description}", markup=False), BarColumn(),
                  TextColumn("{task.completed}/{task.total}", markup=False),
                  TimeElapsedColumn(), console=console, transient=True, disable=not console.is_terminal) as bar:
        tasks: dict[str, TaskID] = {}

        def report(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(c.t(f"import.stage.{stage}"), total=max(total, 1))
            bar.update(tasks[stage], completed=done, total=max(total, 1))

        return run_import(store, catalog, secret, options, report)


def print_summary(c: CliContext, s: ImportSummary, roster: int) -> None:
    """The import's outcome; ``roster``: the people the store knows (the directory and everyone with
    requests), the count every group size uses (sobria.privacy.groups), beside those of this batch."""
    console = plain_console()
    t, lang = c.t, c.settings.lang
    rows = "import.summary.rows_one" if s.rows_read == 1 else "import.summary.rows"
    console.print(t(rows, read=integer(s.rows_read, lang), inserted=integer(s.inserted, lang),
                    already=integer(s.already_stored, lang), rejected=integer(s.rejected, lang)))
    if s.period:
        console.print(t("import.summary.period", start=_day(s.period[0], lang), end=_day(s.period[1], lang)))
    key = "import.summary.people_one" if s.people == 1 else "import.summary.people"
    console.print(t(key, people=integer(s.people, lang), roster=integer(max(roster, s.people), lang),
                    teams=", ".join(s.teams) or "—"))
    console.print(t("import.summary.tiers", tiers=", ".join(f"{label(t, 'report.tier', k)} {integer(v, lang)}"
                                                            for k, v in s.tiers.items()) or "—"))
    if s.unknown_models:
        console.print(t("import.summary.unknown", models=", ".join(f"{k} ({v})" for k, v in s.unknown_models.items())))
    if s.reject_file:
        console.print(t("import.summary.rejects", path=str(s.reject_file)))
    if s.inserted == 0 and s.rejected == 0:  # the store records no batch that changed nothing
        console.print(t("import.summary.not_recorded"))
