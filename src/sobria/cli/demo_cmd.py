"""`sobria demo`: the demo company, generated and imported through the same path as real data."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from sobria.cli.context import cli_context
from sobria.cli.store_cmd import init, print_summary, run_with_progress
from sobria.demo import DEFAULT_SEED, generate_demo, summarise, write_demo
from sobria.ingest.parsed import ParseOptions
from sobria.ingest.pipeline import ImportOptions
from sobria.ingest.pseudonym import read_secret
from sobria.store import open_store


def pct(share: float) -> str:
    return f"{share:.0%}"


def demo(
    ctx: typer.Context,
    directory: Annotated[Path, typer.Option("--dir", help="où écrire les fichiers de démonstration")] = Path(
        "sobria-demo"),
    seed: Annotated[int, typer.Option("--seed", help="graine du générateur (mêmes fichiers à graine égale)")]
    = DEFAULT_SEED,
) -> None:
    """Génère l'entreprise de démonstration TechVert et l'importe dans le magasin."""
    c = cli_context(ctx)
    console = Console(highlight=False)
    data = generate_demo(seed)
    paths = write_demo(data, directory, c.settings.lang)
    init(ctx, organisation="TechVert (démo)")
    store = open_store(c.settings.db)
    secret = read_secret(Path(c.settings.secret_file))
    options = ImportOptions(kind="events", files=(paths["events"],), people_file=paths["people"],
                            keep_text=c.settings.keep_text, keep_names=c.settings.keep_names,
                            parse=ParseOptions())
    summary = run_with_progress(c, store, secret, options)
    info = summarise(data)
    first, last = data.events["ts"].min(), data.events["ts"].max()
    console.print(c.t("demo.created", people=data.people.height, teams=data.people["team"].n_unique(),
                      events=data.events.height, first=str(first)[:10], last=str(last)[:10]))
    console.print(c.t("demo.charter_effect", charter="2025-03-17",
                      waste_before=pct(info.before.waste_share), waste_after=pct(info.after.waste_share),
                      heavy_before=pct(info.before.heavy_share), heavy_after=pct(info.after.heavy_share)))
    for month, count in info.events_per_month.items():
        console.print(c.t("demo.month", month=month, events=count))
    print_summary(c, summary)
    for name, path in paths.items():
        console.print(c.t("demo.file", name=name, path=str(path)))
