"""The report's analysis sections: data quality, waste, adoption, scenario, reconciliation, claim, method."""

from __future__ import annotations

from markupsafe import Markup

from sobria.audit.adoption import BANDS
from sobria.audit.result import AuditResult, WasteFigures
from sobria.audit.waste_accuracy import measured
from sobria.catalog import Catalog
from sobria.i18n import Translator
from sobria.privacy.groups import group_label
from sobria.ranges import Range
from sobria.report import format as fmt
from sobria.report.charts import Bar, Part, hbar_chart, share_bar
from sobria.report.claim import check_claim
from sobria.report.format import WIDE_SCALES
from sobria.report.recommendations import recommend
from sobria.report.view import Block, CharterRef, Recommendation, Section, Table, kg, label, tonnes

METHOD_PARAGRAPHS = ("boundary", "formulas", "extensions", "uncertainty", "unknown", "privacy")
SOURCES = ("ecologits", "ghg", "ademe", "epa", "iea")


def quality(result: AuditResult, t: Translator, lang: str) -> Section:
    k = result.kpis
    total = k.totals.gwp_kgco2e.central
    parts = [Part(label(t, "report.tier", tier), share, fmt.percent(share, lang, 1))
             for tier, tot in k.by_tier for share in [tot.gwp_kgco2e.central / total if total > 0 else 0.0]]
    rows = tuple((label(t, "report.status", status), fmt.integer(n, lang)) for status, n in k.statuses.items())
    uncertain = sum(n for status, n in k.statuses.items() if status != "ok")
    warning = t("report.quality.warning", rows=fmt.integer(uncertain, lang)) if uncertain else None
    return Section("quality", t("report.quality.title"), (
        Block(t("report.quality.tiers"), (t("report.quality.tiers_intro"),),
              chart=Markup(share_bar("chart-tier", t("report.quality.tiers"), parts))),
        Block(t("report.quality.statuses"), (t("report.quality.statuses_intro"),),
              table=Table((t("report.quality.status"), t("report.quality.rows")), rows), warning=warning),
    ))


def chain_accuracy(w: WasteFigures, t: Translator, lang: str) -> str:
    """What the reformulation chains are worth on this data: the precision and recall measured on
    real conversations for its mode (with or without conversation ids, thread signals), or for both
    modes without signals when the data's mode is not known."""
    accuracy = w.expected_accuracy()
    if accuracy is None:
        rows = measured()
        with_ids, without = rows["with_ids_fingerprint_only"], rows["without_ids_fingerprint_only"]
        return t("report.waste.accuracy_unknown", p1=fmt.percent(with_ids.precision, lang),
                 r1=fmt.percent(with_ids.recall, lang), p2=fmt.percent(without.precision, lang),
                 r2=fmt.percent(without.recall, lang))
    return t("report.waste.accuracy", precision=fmt.percent(accuracy.precision, lang),
             recall=fmt.percent(accuracy.recall, lang), mode=t(f"report.waste.mode.{accuracy.mode}"),
             ids=fmt.percent(w.conversation_id_share or 0.0, lang))


def waste(result: AuditResult, t: Translator, lang: str) -> Section:
    w = result.waste
    reasons = sorted(w.by_reason.items(), key=lambda kv: (-kv[1], kv[0]))
    total = result.kpis.totals.requests
    bars = [Bar(label(t, "report.reason", r), Range.point(n),
                t("report.waste.bar", requests=fmt.integer(n, lang), share=fmt.percent(n / total if total else 0.0,
                                                                                         lang, 1)))
            for r, n in reasons]
    paragraphs = [t("report.waste.summary", requests=fmt.integer(w.requests, lang),
                    share=fmt.percent(w.share_of_requests, lang),
                    carbon=kg(Range.point(w.gwp_kgco2e_central), lang), carbon_share=fmt.percent(w.share_of_gwp, lang),
                    cost=fmt.number(w.list_cost_eur, lang)),
                  t("report.waste.definition"), chain_accuracy(w, t, lang)]
    if w.heavy_trivial_saving_gwp_kgco2e > 0:
        paragraphs.append(t("report.waste.heavy_trivial", carbon=kg(Range.point(w.heavy_trivial_saving_gwp_kgco2e),
                                                                    lang),
                            saved=fmt.number(w.heavy_trivial_saving_eur, lang)))
    blocks = [Block(paragraphs=tuple(paragraphs))]
    if bars:
        blocks.append(Block(t("report.waste.by_reason"),
                            chart=Markup(hbar_chart("chart-waste", t("report.waste.by_reason"), bars))))
    return Section("waste", t("report.waste.title"), tuple(blocks))


def adoption(result: AuditResult, t: Translator, lang: str) -> Section:
    a = result.adoption
    bands = tuple((t(f"report.band.{b}"), fmt.integer(a.bands.get(b, 0), lang),
                   fmt.percent(a.bands.get(b, 0) / a.people if a.people else 0.0, lang)) for b in BANDS)
    teams = tuple((group_label(tm.team, t), fmt.integer(tm.people, lang),
                   *((fmt.integer(tm.bands[b], lang) for b in BANDS) if tm.bands is not None else ("—",) * len(BANDS)))
                  for tm in a.by_team)
    paragraphs = [t("report.adoption.intro", people=fmt.integer(a.people, lang))]
    if a.gini is not None and a.top20_share is not None:
        paragraphs.append(t("report.adoption.concentration", gini=fmt.number(a.gini, lang, 2),
                            top20=fmt.percent(a.top20_share, lang)))
    band_heads = tuple(t(f"report.band.{b}") for b in BANDS)
    return Section("adoption", t("report.adoption.title"), (
        Block(paragraphs=tuple(paragraphs),
              table=Table((t("report.adoption.band"), t("report.adoption.people"), t("report.adoption.share")), bands)),
        Block(t("report.adoption.by_team"), (t("report.adoption.small_teams", min=result.min_group),),
              table=Table((t("report.adoption.team"), t("report.adoption.people"), *band_heads), teams)),
    ))


def scenario_rules_text(result: AuditResult, t: Translator, purposes: dict[str, str] | None = None) -> str:
    """The rules the scenario replayed, read from them (not a fixed sentence)."""
    rules = result.scenario.rules.rules      # the compiled policy policy.decision.decide replayed
    light = ", ".join(sorted({rules.default_model, *rules.per_purpose.values()} - rules.heavy))
    retries = rules.max_regenerations
    parts = [t("report.scenario.rule_light", models=light),
             t("report.scenario.rule_retries_none") if retries == 0 else
             t("report.scenario.rule_retries_one") if retries == 1 else
             t("report.scenario.rule_retries_many", n=retries)]
    if rules.heavy_purposes:
        names = purposes or {}
        parts.append(t("report.scenario.rule_heavy", purposes=", ".join(
            sorted(t("report.scenario.purpose", name=names[p]) if p in names else p for p in rules.heavy_purposes))))
    if not rules.images_allowed or rules.image_forbidden_purposes:
        parts.append(t("report.scenario.rule_images"))
    return ", ".join(parts)


def scenario(result: AuditResult, t: Translator, lang: str, charter: CharterRef | None = None) -> Section:
    s = result.scenario
    source = t("report.scenario.builtin") if s.rules.source == "built-in" else s.rules.source
    rows = (
        (t("report.scenario.requests"), fmt.integer(s.actual.requests, lang), fmt.integer(s.projected.requests, lang)),
        (t("report.indicator.gwp_kgco2e"), kg(s.actual.gwp_kgco2e, lang), kg(s.projected.gwp_kgco2e, lang)),
        (t("report.indicator.energy_kwh"), fmt.quantity(s.actual.energy_kwh, "kwh", lang, WIDE_SCALES),
         fmt.quantity(s.projected.energy_kwh, "kwh", lang, WIDE_SCALES)),
    )
    return Section("scenario", t("report.scenario.title"), (Block(
        paragraphs=(t("report.scenario.intro", source=source,
                      rules=scenario_rules_text(result, t, charter.purposes if charter else None)),
                    t("report.scenario.result", reduction=fmt.percent(s.gwp_reduction_share, lang),
                      kept=fmt.percent(s.usages_kept_share, lang)),
                    t("report.scenario.changes", rerouted=fmt.integer(s.rerouted, lang),
                      regenerations=fmt.integer(s.dropped_regenerations, lang),
                      images=fmt.integer(s.dropped_images, lang)),
                    t("report.scenario.money", saved=fmt.number(max(s.actual.list_cost_eur - s.projected.list_cost_eur,
                                                                    0.0), lang),
                      carbon=kg(Range.point(max(s.actual.gwp_kgco2e.central - s.projected.gwp_kgco2e.central, 0.0)),
                                lang))),
        table=Table((t("report.scenario.figure"), t("report.scenario.actual"), t("report.scenario.projected")), rows)),
    ))


def comparison(result: AuditResult, t: Translator, lang: str) -> Section | None:
    c = result.comparison
    if c is None:
        return None
    before_req, before_gwp = c.per_working_day(c.before_totals, c.before)
    after_req, after_gwp = c.per_working_day(c.after_totals, c.after)

    def change(share: float | None) -> str:
        return "—" if share is None else fmt.signed_percent(share, lang)

    rows = (
        (t("report.comparison.requests"), fmt.number(before_req, lang), fmt.number(after_req, lang),
         change(c.requests_change_share)),
        (t("report.comparison.gwp"), kg(Range.point(before_gwp), lang), kg(Range.point(after_gwp), lang),
         change(c.gwp_change_share)),
    )
    head = (t("report.comparison.figure"),
            t("report.comparison.before", split=fmt.long_date(c.after.start, lang)),
            t("report.comparison.after", split=fmt.long_date(c.after.start, lang)), t("report.comparison.change"))
    return Section("comparison", t("report.comparison.title"),
                   (Block(paragraphs=(t("report.comparison.intro"),), table=Table(head, rows)),))


def reconciliation(result: AuditResult, t: Translator, lang: str, catalog: Catalog) -> Section:
    r = result.kpis.reconciliation
    if r is None:
        return Section("reconciliation", t("report.recon.title"), (Block(paragraphs=(t("report.recon.none"),)),))
    source = t(f"report.recon.source.{result.kpis.spend_source}")  # list price, reported, contract or mixed
    rows = ((t("report.recon.physical"), kg(r.physical_gwp_kgco2e, lang)),
            (t("report.recon.spend_based"), kg(r.gwp_kgco2e, lang)))
    factor = catalog.monetary_factor(r.factor_key)
    paragraphs = [t("report.recon.intro", spend=fmt.number(r.spend_eur, lang), source=source,
                    factor=factor.label_fr if lang == "fr" else factor.label_en)]
    if r.ratio_central is not None:
        paragraphs.append(t("report.recon.ratio", ratio=fmt.number(r.ratio_central, lang, 2)))
    paragraphs.append(t("report.recon.why"))
    return Section("reconciliation", t("report.recon.title"), (
        Block(paragraphs=tuple(paragraphs),
              table=Table((t("report.recon.method"), t("report.footprint.range")), rows)),))


def claim(result: AuditResult, t: Translator, lang: str, claimed: float | None) -> Section | None:
    if claimed is None:
        return None
    c = check_claim(claimed, result.kpis)
    title = t("report.claim.title", claimed=tonnes(claimed, lang))
    if c is None:
        return Section("claim", title, (Block(paragraphs=(t("report.claim.nothing"),)),))
    n = fmt.number
    rows = (
        (t("report.claim.g_per_request"), f"{n(c.g_per_request.min, lang)} – {n(c.g_per_request.max, lang)} g",
         f"{n(c.needed_g_per_request, lang)} g"),
        (t("report.claim.requests_per_day"), n(c.requests_per_working_day, lang),
         f"{n(c.needed_requests_per_working_day.min, lang)} – {n(c.needed_requests_per_working_day.max, lang)}"),
    )
    paragraphs = [t("report.claim.measured", claimed=tonnes(claimed, lang), min=n(c.measured_t.min, lang, 2),
                    max=n(c.measured_t.max, lang, 2), ratio=n(c.ratio, lang, 2))]
    if c.verdict == "too-high":
        if c.heaviest_model is not None:
            paragraphs.append(t("report.claim.heaviest", model=c.heaviest_model, g=n(c.heaviest_g_per_request, lang),
                                tonnes=tonnes(c.heaviest_t_per_year, lang)))
        paragraphs.append(t("report.claim.hint"))
    return Section("claim", title, (
        Block(paragraphs=tuple(paragraphs), warning=t(f"report.claim.verdict.{c.verdict}"),
              table=Table((t("report.claim.figure"), t("report.claim.measured_col"), t("report.claim.needed_col")),
                          rows)),))


def methodology(result: AuditResult, t: Translator) -> Section:
    paragraphs = tuple(t(f"report.method.{p}") for p in METHOD_PARAGRAPHS)
    sources = tuple(t(f"report.source.{s}") for s in SOURCES)
    return Section("methodology", t("report.method.title"), (
        Block(paragraphs=(*paragraphs, t("report.method.reference", reference=result.reference))),
        Block(t("report.method.sources"), sources),
    ))


def recommendations(result: AuditResult, t: Translator, lang: str) -> tuple[Recommendation, ...]:
    out = []
    for r in recommend(result):
        value = (fmt.percent(r.figure, lang) if r.kind == "share" else fmt.integer(r.figure, lang)
                 if r.kind == "count" else "")
        trigger = t(f"report.reco.{r.key}.trigger", value=value)
        if r.key == "light-model" and result.waste.heavy_trivial_saving_gwp_kgco2e > 0:
            trigger += " " + light_model_saving(result, t, lang)
        out.append(Recommendation(t(f"report.reco.{r.key}.title"), t(f"report.reco.{r.key}.text"), trigger))
    return tuple(out)


def light_model_saving(result: AuditResult, t: Translator, lang: str) -> str:
    """What moving trivial tasks to a light model saves: carbon, and € at the catalogue API price."""
    w = result.waste
    return t("report.reco.light-model.saving", carbon=kg(Range.point(w.heavy_trivial_saving_gwp_kgco2e), lang),
             saved=fmt.number(w.heavy_trivial_saving_eur, lang))
