"""`sobria maturity`: the AI × CSR matrix, the profile, its reasons and the next three actions."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer

from sobria.cli.console import plain_console
from sobria.cli.context import CliContext, cli_context
from sobria.errors import Location, UserInputError
from sobria.governance.committee.pack import Budgets
from sobria.governance.maturity.chart import matrix_svg
from sobria.governance.maturity.json_output import assessment_json, reason_text, score_text
from sobria.governance.maturity.matrix import Assessment, Signals, assess
from sobria.governance.maturity.questionnaire import questionnaire_template, read_questionnaire


def maturity(
    ctx: typer.Context,
    questionnaire: Annotated[Path, typer.Argument(help="questionnaire YAML ou CSV (question,answer)")],
    template: Annotated[bool, typer.Option("--template", help="écrire le questionnaire modèle à ce chemin")] = False,
    before: Annotated[Path | None, typer.Option("--before", help="questionnaire précédent (flèche sur la matrice)")]
    = None,
    policy: Annotated[Path | None, typer.Option("--policy", help="fichier de politique (charte, budgets)")] = None,
    measure: Annotated[bool, typer.Option("--measure", help="compléter par les mesures du magasin")] = False,
    at: Annotated[str | None, typer.Option("--at", help="date des mesures AAAA-MM-JJ (défaut : aujourd'hui)")]
    = None,
    svg: Annotated[Path | None, typer.Option("--svg", help="écrire la matrice (SVG)")] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="écrire le résultat (JSON)")] = None,
) -> None:
    """Situer l'organisation sur la matrice IA × RSE (questionnaire + mesures)."""
    c = cli_context(ctx)
    if template:
        if questionnaire.exists():
            raise UserInputError("gov.maturity.template_exists", {"path": str(questionnaire)},
                                 Location(file=str(questionnaire)))
        questionnaire.write_text(questionnaire_template(dt.date.today()), encoding="utf-8")
        typer.echo(c.t("gov.maturity.template_written", path=str(questionnaire)))
        return
    answers = read_questionnaire(questionnaire)
    earlier = assess(read_questionnaire(before)) if before is not None else None
    signals = _signals(c, policy, measure, at)
    result = assess(answers, signals)
    _print(c, result)
    if svg is not None:
        svg.write_text(matrix_svg(result, c.t, earlier), encoding="utf-8")
        typer.echo(c.t("gov.maturity.svg_written", path=str(svg)))
    if json_out is not None:
        json_out.write_text(json.dumps(assessment_json(result, c.t), ensure_ascii=False, indent=2) + "\n",
                            encoding="utf-8")
        typer.echo(c.t("gov.maturity.json_written", path=str(json_out)))


def _signals(c: CliContext, policy_file: Path | None, measure: bool, at: str | None) -> Signals:
    from sobria.governance.committee.pack import parse_day_option

    day = parse_day_option(at, "--at", dt.date.today())
    budgets = None
    formalised = None
    if policy_file is not None:
        from sobria.catalog import load_catalog
        from sobria.policy.loader import load_policy

        catalog = load_catalog()
        policy = load_policy(policy_file, catalog)
        formalised = True
        budgets = Budgets(dict(policy.budgets.teams), policy.budgets.default_kgco2e,
                          tuple(policy.budgets.alert_thresholds_percent))
    if not measure:
        return Signals(charter_formalised=formalised)
    from sobria.governance.maturity.signals import measure_signals
    from sobria.store import open_store

    store = open_store(c.settings.db, c.settings.lock_timeout_s)
    store.migrate()
    return measure_signals(store, day, budgets, formalised)


def _print(c: CliContext, a: Assessment) -> None:
    t = c.t
    console = plain_console(soft_wrap=True)
    console.print(t("gov.maturity.result.position", ai=score_text(a.ai_score, t.lang),
                    csr=score_text(a.csr_score, t.lang)))
    console.print(t("gov.maturity.result.profile", profile=t(f"gov.maturity.profile.{a.profile}"),
                    description=t(f"gov.maturity.profile_desc.{a.profile}")))
    console.print(t("gov.maturity.result.reasons"))
    for reason in a.reasons:
        console.print("  - " + reason_text(reason, t))
    for item in a.items:
        if item.source == "measured":
            console.print("  - " + t("gov.maturity.result.measured", question=item.question,
                                     score=round(item.score), declared=round(item.declared)))
    console.print(t("gov.maturity.result.actions"))
    for number, key in enumerate(a.actions, start=1):
        console.print(f"  {number}. " + t(key))
