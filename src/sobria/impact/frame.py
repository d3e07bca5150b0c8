"""Vectorised estimation over a table of usage events (Polars in, Polars out).

Rows are grouped by their distinct (provider, model, operation, zone, image size, quality and
steps, video size, media seconds); each group's coefficients are built once by
:func:`sobria.impact.keyed.key_coefficients` (the single-request path's own), and applied to the
group's rows as NumPy arrays. Results are scattered back to the original row order.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
import polars as pl

from sobria.errors import Location, UserInputError
from sobria.impact.estimator import Estimator
from sobria.impact.keyed import KeyCoefficients, Media, key_coefficients
from sobria.impact.pricing import image_price_usd, price_entry
from sobria.impact.terms import ModelTerms

Array = npt.NDArray[np.float64]
KEY_COLUMNS = ("provider", "model", "operation", "zone", "image_size", "image_quality")
MEDIA_COLUMNS = ("image_steps", "video_size", "media_seconds")   # optional inputs, also keys
COUNT_COLUMNS = ("input_tokens", "output_tokens", "cached_input_tokens", "images")
OUTPUTS = ("energy_kwh", "gwp_kgco2e", "water_l", "adpe_kgsbeq", "pe_mj")
RESULT_COLUMNS = (*(f"{o}_{b}" for o in OUTPUTS for b in ("min", "max")), "cost_eur", "status", "kind",
                  "resolved_model")
CENTRAL_COLUMNS = tuple(f"{o}_central" for o in OUTPUTS)
PER_MTOK = 1_000_000
MAX_STEPS = 1000                 # as sobria.impact.request
MAX_MEDIA_SECONDS = 24 * 3600


def estimate_frame(estimator: Estimator, events: pl.DataFrame, *, central: bool = False) -> pl.DataFrame:
    """Add impact columns (``*_min``/``*_max``, and ``*_central`` when ``central``), ``cost_eur``,
    ``status``, ``kind`` and ``resolved_model`` to a table of events (columns read: see
    docs/methodology.md). The central is the explicit one of images, video and audio, the
    midpoint otherwise, as :class:`sobria.ranges.Range` reports it."""
    names = (*RESULT_COLUMNS[:11], *(CENTRAL_COLUMNS if central else ()))
    arrays, labels = _estimate(estimator, events, names, with_labels=True)
    result = [pl.Series(name, arr, nan_to_null=name == "cost_eur") for name, arr in arrays.items()]
    return events.with_columns([*result, *labels])


def estimate_columns(estimator: Estimator, events: pl.DataFrame, names: tuple[str, ...]) -> dict[str, Array]:
    """Only the result columns ``names`` (of ``*_min``/``*_max`` and ``cost_eur``) of
    :func:`estimate_frame`, as arrays in the rows' order (the same floats: ``cost_eur`` with NaN
    where unknown), without the labels nor the other columns (a re-estimate that only sums some)."""
    unknown = set(names) - set(RESULT_COLUMNS[:11])
    if unknown:
        raise ValueError(f"not a result column: {sorted(unknown)}")
    return _estimate(estimator, events, names, with_labels=False)[0]


def _estimate(estimator: Estimator, events: pl.DataFrame, names: tuple[str, ...], *, with_labels: bool
              ) -> tuple[dict[str, Array], list[pl.Series]]:
    """The result arrays ``names`` in the rows' order and, ``with_labels``, the status, kind and
    resolved-model columns."""
    frame = _normalised(events)
    n = frame.height
    # media columns are keys only when a row uses them (grouping on all-null columns costs time)
    keys = (*KEY_COLUMNS, *(c for c in MEDIA_COLUMNS if frame[c].null_count() < n))
    groups = frame.select(keys).with_row_index("row").group_by(keys).agg(pl.col("row"))
    lengths = groups["row"].list.len().to_numpy()
    perm = groups["row"].explode().to_numpy()
    bounds = np.concatenate([[0], np.cumsum(lengths)])
    count = frame["request_count"].to_numpy()[perm]
    per = {c: frame[c].to_numpy()[perm] / count for c in COUNT_COLUMNS}
    latency = frame["latency_ms"].to_numpy()[perm] / 1000
    latency = np.where(np.isnan(latency), math.inf, latency)
    sorted_out = {name: np.empty(n) for name in names}
    labels: dict[str, list[str]] = {"status": [], "kind": [], "resolved_model": []}
    for g, key in enumerate(groups.select(keys).iter_rows(named=True)):
        seg = slice(int(bounds[g]), int(bounds[g + 1]))
        steps, seconds = key.get("image_steps"), key.get("media_seconds")
        media = Media(key["image_size"], key["image_quality"], None if steps is None else int(steps),
                      key.get("video_size"), seconds)
        coef = key_coefficients(estimator, key["provider"], key["model"] or "", key["operation"], key["zone"], media)
        _group(estimator, coef, key, {c: v[seg] for c, v in per.items()}, latency[seg], count[seg],
               {name: arr[seg] for name, arr in sorted_out.items()}, labels)
    arrays: dict[str, Array] = {}
    for name, arr in sorted_out.items():
        unsorted = np.empty(n)
        unsorted[perm] = arr
        arrays[name] = unsorted
    if not with_labels:
        return arrays, []
    group_of_row = np.empty(n, dtype=np.int64)
    group_of_row[perm] = np.repeat(np.arange(len(lengths)), lengths)
    return arrays, [pl.Series(name, values, dtype=pl.Utf8).gather(group_of_row) for name, values in labels.items()]


def _group(est: Estimator, key_coef: KeyCoefficients, key: dict[str, str | None], per: dict[str, Array],
           latency: Array, count: Array, out: dict[str, Array], labels: dict[str, list[str]]) -> None:
    """Estimate one group of rows in place (``out`` holds views into the sorted result arrays)."""
    terms = key_coef.terms
    units = key_coef.units(per["images"], np.ones_like(per["images"]))
    uncached = per["input_tokens"] - per["cached_input_tokens"]
    wanted = ("min", "max", "central") if "energy_kwh_central" in out else ("min", "max")
    scenarios = {b: key_coef.scenario(b, per["output_tokens"], uncached, per["cached_input_tokens"], units, latency)
                 for b in wanted}
    for name in OUTPUTS:
        if f"{name}_min" not in out and f"{name}_max" not in out:
            continue
        lo, hi = getattr(scenarios["min"], name) * count, getattr(scenarios["max"], name) * count
        if f"{name}_min" in out:
            out[f"{name}_min"][:] = lo
        if f"{name}_max" in out:
            out[f"{name}_max"][:] = hi
        if f"{name}_central" in out:
            mid = getattr(scenarios["central"], name) * count
            out[f"{name}_central"][:] = key_coef.central(lo, hi, mid)
    if "cost_eur" in out:
        eur_in, eur_cached, eur_out, eur_image = _unit_prices(est, terms, key)
        out["cost_eur"][:] = count * (uncached * eur_in + per["cached_input_tokens"] * eur_cached
                                      + per["output_tokens"] * eur_out + per["images"] * eur_image)
    labels["status"].append(key_coef.status)
    labels["kind"].append(terms.kind)
    labels["resolved_model"].append(terms.resolution.model)


def _unit_prices(est: Estimator, terms: ModelTerms, key: dict[str, str | None]) -> tuple[float, ...]:
    """EUR per uncached input token, cached input token, output token and image (NaN if unknown)."""
    nan = math.nan
    entry = price_entry(est.catalog, terms)
    if entry is None:
        return nan, nan, nan, nan
    rate = est.catalog.constant("usd_to_eur").central
    if terms.kind == "image":
        image = image_price_usd(entry, key["image_quality"], key["image_size"])
        return 0.0, 0.0, 0.0, nan if image is None else image * rate

    def per_token(price: float | None) -> float:
        return nan if price is None else price * rate / PER_MTOK

    cached = entry.cached_input_usd_per_mtok or entry.input_usd_per_mtok
    out = per_token(entry.output_usd_per_mtok) if terms.kind == "llm" else 0.0
    return per_token(entry.input_usd_per_mtok), per_token(cached), out, 0.0


def _normalised(events: pl.DataFrame) -> pl.DataFrame:
    """The columns the estimation reads, with defaults for optional ones, validated."""
    for required in ("model", "output_tokens"):
        if required not in events.columns:
            raise UserInputError("impact.missing_column", {"column": required}, Location(field=required))
    exprs: list[pl.Expr] = []
    for name in (*KEY_COLUMNS, "video_size"):
        exprs.append(pl.col(name).cast(pl.Utf8) if name in events.columns else pl.lit(None, pl.Utf8).alias(name))
    for name in ("image_steps", "media_seconds"):
        exprs.append(pl.col(name).cast(pl.Float64) if name in events.columns else pl.lit(None, pl.Float64).alias(name))
    for name in (*COUNT_COLUMNS, "request_count"):
        default = 1 if name == "request_count" else 0
        col = pl.col(name).fill_null(default) if name in events.columns else pl.lit(default).alias(name)
        exprs.append(col.cast(pl.Float64))
    latency = pl.col("latency_ms").cast(pl.Float64) if "latency_ms" in events.columns else pl.lit(None, pl.Float64)
    exprs.append(latency.fill_null(math.nan).alias("latency_ms"))
    frame = events.select(exprs)
    _check_counts(frame)
    return frame


def _check_counts(frame: pl.DataFrame) -> None:
    steps, seconds = pl.col("image_steps"), pl.col("media_seconds")
    checks = [(c, pl.col(c) < 0) for c in COUNT_COLUMNS] + [
        ("request_count", pl.col("request_count") < 1), ("latency_ms", pl.col("latency_ms") <= 0),
        ("image_steps", (steps < 1) | (steps > MAX_STEPS) | (steps != steps.floor())),
        ("media_seconds", (seconds <= 0) | (seconds > MAX_MEDIA_SECONDS))]
    flags = frame.select([expr.any().alias(name) for name, expr in checks]).row(0, named=True)
    for name, bad_expr in checks:
        if flags[name]:
            row = frame.with_row_index().filter(bad_expr)["index"][0]
            raise UserInputError("impact.bad_column_value", {"value": frame[name][row], "column": name},
                                 Location(line=int(row) + 1, field=name))
