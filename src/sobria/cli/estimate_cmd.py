"""`sobria estimate`: the footprint of one AI request, in French (or English) or JSON."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Annotated, Any

import typer
from rich.table import Table

from sobria.catalog import Catalog, load_catalog
from sobria.cli.console import plain_console
from sobria.cli.context import CliContext, cli_context
from sobria.cli.parse import parse_count, parse_positive
from sobria.cli.render import number, quantity
from sobria.errors import Location, UserInputError
from sobria.impact import EstimateOptions, Estimator, Impacts, Request, estimate_request
from sobria.impact.equivalences import equivalences
from sobria.impact.spend import SpendCheck, spend_check
from sobria.ranges import Range

Opt = typer.Option


def estimate(
    ctx: typer.Context,
    provider: Annotated[str, Opt("--provider", help="openai, anthropic, mistralai, google_genai...")],
    model: Annotated[str, Opt("--model", help="nom du modèle, tel qu'il apparaît dans les exports")],
    output_tokens: Annotated[str | None, Opt("--output-tokens", help="jetons générés")] = None,
    input_tokens: Annotated[str | None, Opt("--input-tokens", help="jetons en entrée")] = None,
    cached_tokens: Annotated[str | None, Opt("--cached-tokens", help="jetons d'entrée servis par le cache")] = None,
    images: Annotated[str | None, Opt("--images", help="nombre d'images générées")] = None,
    size: Annotated[str | None, Opt("--size", help="taille des images, LxH (ex. 1024x1024)")] = None,
    quality: Annotated[str | None, Opt("--quality", help="qualité : standard, hd, low, medium, high")] = None,
    latency: Annotated[str | None, Opt("--latency", help="latence mesurée, en secondes")] = None,
    zone: Annotated[str | None, Opt("--zone", help="zone électrique : FRA, SWE, USA, WOR...")] = None,
    method: Annotated[str | None, Opt("--method", help="sobria (défaut) ou ecologits (parité)")] = None,
    carbon: Annotated[str | None, Opt("--carbon", help="location (défaut) ou market")] = None,
    spend: Annotated[str | None, Opt("--spend-eur", help="dépense en € pour le contrôle par la dépense")] = None,
    as_json: Annotated[bool, Opt("--json", help="sortie JSON")] = False,
) -> None:
    """Estime l'énergie, le carbone, l'eau et le coût d'une requête d'IA."""
    c = cli_context(ctx)
    catalog = load_catalog()
    options = _options(c, method, carbon)
    request = _request(catalog, provider, model, output_tokens, input_tokens, cached_tokens, images, size,
                       quality, latency, zone)
    impacts = estimate_request(Estimator(catalog, options), request)
    spend_eur = parse_positive(spend, "--spend-eur") if spend else impacts.cost_eur
    check = spend_check(catalog, spend_eur, impacts.gwp_kgco2e) if spend_eur else None
    if as_json:
        typer.echo(json.dumps(_as_json(catalog, request, options, impacts, check), ensure_ascii=False, indent=2))
    else:
        _print(c, catalog, request, options, impacts, check)


def _options(c: CliContext, method: str | None, carbon: str | None) -> EstimateOptions:
    chosen_method = method or c.settings.method
    if chosen_method not in ("sobria", "ecologits"):
        raise UserInputError("cli.bad_choice", {"value": method, "expected": "sobria, ecologits"},
                             Location(parameter="--method"))
    basis = carbon or c.settings.carbon_basis
    if basis not in ("location", "market"):
        raise UserInputError("cli.bad_choice", {"value": carbon, "expected": "location, market"},
                             Location(parameter="--carbon"))
    return EstimateOptions(method=chosen_method, carbon_basis=basis)  # type: ignore[arg-type]


def _request(catalog: Catalog, provider: str, model: str, output_tokens: str | None, input_tokens: str | None,
             cached: str | None, images: str | None, size: str | None, quality: str | None,
             latency: str | None, zone: str | None) -> Request:
    if catalog.provider_key(provider) is None:
        known = sorted(p for p in catalog.providers if p != "unknown")
        raise UserInputError("estimate.unknown_provider", {"value": provider, "expected": ", ".join(known)},
                             Location(parameter="--provider"))
    if zone is not None and catalog.mix(zone) is None:
        raise UserInputError("estimate.unknown_zone", {"value": zone}, Location(parameter="--zone"))
    if not model.strip():
        raise UserInputError("estimate.empty_model", {}, Location(parameter="--model"))
    options = {"--output-tokens": "output_tokens", "--input-tokens": "input_tokens",
               "--cached-tokens": "cached_input_tokens", "--images": "images", "--size": "image_size",
               "--latency": "latency_s"}
    try:
        return Request(
            provider=provider, model=model,
            output_tokens=parse_count(output_tokens, "--output-tokens"),
            input_tokens=parse_count(input_tokens, "--input-tokens"),
            cached_input_tokens=parse_count(cached, "--cached-tokens"),
            images=parse_count(images, "--images"),
            image_size=size, image_quality=quality,
            latency_s=parse_positive(latency, "--latency"), zone=zone,
        )
    except UserInputError as err:
        names = {v: k for k, v in options.items()}
        if err.where.parameter in names:
            raise UserInputError(err.key, err.params, Location(parameter=names[err.where.parameter])) from None
        raise


def _range(r: Range) -> dict[str, float]:
    return {"min": r.min, "max": r.max, "central": r.central}


def _as_json(catalog: Catalog, req: Request, options: EstimateOptions, imp: Impacts,
             check: SpendCheck | None) -> dict[str, Any]:
    eq = equivalences(catalog, imp.gwp_kgco2e.central, imp.energy_kwh.central)
    return {
        "request": asdict(req),
        "method": options.method, "carbon_basis": options.carbon_basis,
        "reference": f"ecologits {catalog.reference_version}",
        "status": imp.status, "kind": imp.kind, "provider": imp.provider, "resolved_model": imp.model,
        "zone": imp.zone,
        "energy_kwh": _range(imp.energy_kwh), "gwp_kgco2e": _range(imp.gwp_kgco2e),
        "gwp_usage_kgco2e": _range(imp.gwp_usage_kgco2e), "gwp_embodied_kgco2e": _range(imp.gwp_embodied_kgco2e),
        "water_l": _range(imp.water_l), "adpe_kgsbeq": _range(imp.adpe_kgsbeq), "pe_mj": _range(imp.pe_mj),
        "cost_eur": imp.cost_eur,
        "spend_check": None if check is None else {
            "spend_eur": check.spend_eur, "factor": check.factor_key, "gwp_kgco2e": _range(check.gwp_kgco2e),
            "ratio_to_physical": check.ratio_central},
        "equivalences": {"car_m": eq.car_m, "led_10w_minutes": eq.led_minutes},
        "warnings": list(imp.warnings),
    }


def _print(c: CliContext, catalog: Catalog, req: Request, options: EstimateOptions, imp: Impacts,
           check: SpendCheck | None) -> None:
    t, lang = c.t, c.settings.lang
    console = plain_console()
    console.print(t("estimate.title", provider=imp.provider, model=imp.model, zone=imp.zone,
                    method=options.method, basis=t(f"estimate.basis.{options.carbon_basis}")), style="bold")
    table = Table(show_header=True, header_style="bold")
    table.add_column(t("estimate.col.indicator"))
    table.add_column(t("estimate.col.range"), justify="right")
    table.add_column(t("estimate.col.central"), justify="right")
    rows = [("energy", imp.energy_kwh, "kwh"), ("gwp", imp.gwp_kgco2e, "kgco2e"), ("water", imp.water_l, "l"),
            ("adpe", imp.adpe_kgsbeq, "kgsbeq"), ("pe", imp.pe_mj, "mj")]
    for key, value, unit in rows:
        table.add_row(t(f"estimate.row.{key}"), quantity(value, unit, lang),
                      quantity(Range.point(value.central), unit, lang))
    console.print(table)
    if imp.cost_eur is not None:
        console.print(t("estimate.cost", cost=number(imp.cost_eur, lang)))
    eq = equivalences(catalog, imp.gwp_kgco2e.central, imp.energy_kwh.central)
    console.print(t("estimate.equivalence", car=number(eq.car_m, lang, 2), led=number(eq.led_minutes, lang, 2)))
    if check is not None:
        console.print(t("estimate.spend", spend=number(check.spend_eur, lang),
                        gwp=quantity(check.gwp_kgco2e, "kgco2e", lang),
                        ratio=number(check.ratio_central or 0, lang, 2)))
        console.print(t("estimate.spend_reason"))
    if imp.status != "ok":
        console.print(t(f"status.{imp.status}", model=req.model))
    for warning in imp.warnings:
        console.print(t(f"warning.{warning}"))
