"""`sobria catalog list|show`: what the catalogue knows and where each number comes from."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from sobria.catalog import Catalog, load_catalog, resolve
from sobria.cli.console import plain_console
from sobria.cli.context import cli_context
from sobria.cli.help import SobriaTyper
from sobria.errors import Location, UserInputError
from sobria.ranges import Range

app = SobriaTyper(no_args_is_help=True, help="Le catalogue des modèles, zones et facteurs, avec leurs sources.")
KINDS = ("llm", "image", "embedding")


def _params(r: Range) -> str:
    return f"{r.min:g}" if r.min == r.max else f"{r.min:g}–{r.max:g}"


def _rows(catalog: Catalog, kind: str | None, provider: str | None) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    if kind in (None, "llm"):
        for m in catalog.llm.values():
            rows.append({"kind": "llm", "provider": m.provider, "model": m.name,
                         "params_b": f"{_params(m.active_params_b)} / {_params(m.total_params_b)}",
                         "source": f"ecologits {catalog.reference_version}"})
    if kind in (None, "image"):
        for i in catalog.images.values():
            rows.append({"kind": "image", "provider": i.provider, "model": i.name,
                         "params_b": "", "source": i.source.ref})
    if kind in (None, "embedding"):
        for e in catalog.embeddings.values():
            rows.append({"kind": "embedding", "provider": e.provider, "model": e.name,
                         "params_b": _params(e.params_b.to_range()), "source": e.source.ref})
    wanted = catalog.provider_key(provider) if provider else None
    if provider and wanted is None:
        raise UserInputError("estimate.unknown_provider", {"value": provider,
                                                           "expected": ", ".join(sorted(catalog.providers))},
                             Location(parameter="--provider"))
    if wanted:
        eco = catalog.providers[wanted].models_from or wanted
        rows = [r for r in rows if r["provider"] in (wanted, eco)]
    return sorted(rows, key=lambda r: (r["kind"], r["provider"], r["model"]))


@app.command("list")
def list_models(
    ctx: typer.Context,
    kind: Annotated[str | None, typer.Option("--kind", help="llm, image ou embedding")] = None,
    provider: Annotated[str | None, typer.Option("--provider")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Liste les modèles connus."""
    c = cli_context(ctx)
    if kind is not None and kind not in KINDS:
        raise UserInputError("cli.bad_choice", {"value": kind, "expected": ", ".join(KINDS)},
                             Location(parameter="--kind"))
    rows = _rows(load_catalog(), kind, provider)
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table(title=c.t("catalog.list.title", count=len(rows)))
    for col in ("kind", "provider", "model", "params_b", "source"):
        table.add_column(c.t(f"catalog.col.{col}"), overflow="fold")
    for row in rows:
        table.add_row(*row.values())
    plain_console().print(table)


@app.command("show")
def show(
    ctx: typer.Context,
    model: Annotated[str, typer.Argument(help="nom du modèle")],
    provider: Annotated[str | None, typer.Option("--provider")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Montre ce que le catalogue sait d'un modèle, et la source de chaque nombre."""
    c = cli_context(ctx)
    catalog = load_catalog()
    res = resolve(catalog, provider, model)
    p = catalog.providers[res.provider] if res.provider in catalog.providers else catalog.providers["unknown"]
    facts: dict[str, object] = {"query": model, "status": res.status, "kind": res.kind, "provider": res.provider,
                                "model": res.model}
    if res.llm is not None:
        facts |= {"architecture": res.llm.architecture, "active_params_b": res.llm.active_params_b.as_dict(),
                  "total_params_b": res.llm.total_params_b.as_dict(), "tokens_per_s": res.llm.tps,
                  "ttft_s": res.llm.ttft_s, "warnings": list(res.llm.warnings),
                  "sources": list(res.llm.sources) or [f"ecologits {catalog.reference_version}"]}
    if res.image is not None:
        facts |= {"family": res.image.family, "energy_wh_per_image": res.image.energy_wh_per_image.model_dump(),
                  "quality_factors": res.image.quality_factors, "source": res.image.source.model_dump(mode="json")}
    if res.embedding is not None:
        facts |= {"params_b": res.embedding.params_b.model_dump(),
                  "source": res.embedding.source.model_dump(mode="json")}
    facts |= {"datacenter": {"zone": p.datacenter.zone, "pue": p.datacenter.pue.as_dict(),
                             "wue_l_per_kwh": p.datacenter.wue_l_per_kwh.as_dict(),
                             "market_gwp_kgco2e_per_kwh": p.market_gwp_kgco2e_per_kwh.as_dict(),
                             "source": p.entry.source.model_dump(mode="json")}}
    price = catalog.prices.get((res.provider, res.model))
    if price is not None:
        facts["price"] = price.model_dump(mode="json")
    if as_json:
        typer.echo(json.dumps(facts, ensure_ascii=False, indent=2, default=str))
        return
    console = plain_console()
    console.print(c.t("catalog.show.title", model=model, status=c.t(f"status.short.{res.status}")), style="bold")
    table = Table(show_header=False)
    for key, value in facts.items():
        table.add_row(key, json.dumps(value, ensure_ascii=False, default=str))
    console.print(table)
