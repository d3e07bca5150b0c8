"""The import pipeline: parse, validate, map people, pseudonymise, fingerprint, estimate, store.

Guarantees (docs/events.md): every bad row reported with file, line, field and what was
expected; by default any error rejects the whole batch and nothing is written; with
``skip_invalid`` the valid rows are written and the rejected ones go to a reject file; re-importing
the same data adds nothing; the store is written in one transaction.
"""

from __future__ import annotations

import csv
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from sobria.catalog import Catalog
from sobria.errors import Location, UserInputError
from sobria.events.fingerprint import fingerprint
from sobria.events.schema import EVENT_COLUMNS, conform
from sobria.i18n import Translator
from sobria.impact import Estimator, estimate_frame
from sobria.ingest.parsed import ParseOptions, RowError
from sobria.ingest.people import PersonEntry, read_people
from sobria.ingest.pseudonym import key_fingerprint, pseudonym
from sobria.ingest.registry import parser_for
from sobria.ingest.validate import validate
from sobria.store.store import BatchRecord, PersonRow, Store

Progress = Callable[[str, int, int], None]
IMPACT_RENAMES = {"cost_eur": "est_cost_eur", "status": "impact_status"}
ESTIMATE_INPUTS = ("provider", "model", "operation", "input_tokens", "output_tokens", "cached_input_tokens",
                   "images", "image_size", "image_quality", "latency_ms", "zone", "request_count")


@dataclass(frozen=True)
class ImportOptions:
    kind: str
    files: tuple[Path, ...]
    people_file: Path | None = None
    skip_invalid: bool = False
    reject_file: Path | None = None
    keep_text: bool = False
    keep_names: bool = False
    parse: ParseOptions = field(default_factory=ParseOptions)
    lang: str = "fr"                     # language of the reasons in the reject file


@dataclass(frozen=True)
class ImportSummary:
    batch_id: str
    rows_read: int
    inserted: int
    already_stored: int
    rejected: int
    period: tuple[str, str] | None
    people: int
    teams: tuple[str, ...]
    tiers: dict[str, int]
    unknown_models: dict[str, int]
    reject_file: Path | None


class ImportRejectedError(UserInputError):
    """The batch has bad rows and ``skip_invalid`` is off: nothing was written."""

    def __init__(self, errors: list[RowError]) -> None:
        details = tuple(UserInputError(e.key, e.params, Location(file=e.file, line=e.line, field=e.field))
                        for e in errors)
        super().__init__("pipeline.rejected", {"count": len(errors)}, details=details)
        self.errors = errors


def run_import(store: Store, catalog: Catalog, secret: bytes, options: ImportOptions,
               progress: Progress | None = None) -> ImportSummary:
    started = time.time_ns() // 1000
    report = progress or (lambda _stage, _done, _total: None)
    _check_secret(store, secret)
    frame, errors = _parse_all(options, catalog, report)
    rows_read = frame.height + len(errors)
    people = read_people(options.people_file) if options.people_file else {}
    known_teams = store.teams() | {p.team for p in people.values()}
    frame = _with_people(frame, people)
    frame = _with_ids(frame, options.kind)
    # An image request whose source gives no image count made one image per request (docs/events.md).
    frame = frame.with_columns(pl.when((pl.col("operation") == "image") & pl.col("images").is_null())
                               .then(pl.col("request_count")).otherwise(pl.col("images")).alias("images"))
    report("validate", 0, 1)
    valid, row_errors = validate(frame, known_teams)
    errors += row_errors
    if errors and not options.skip_invalid:
        raise ImportRejectedError(errors)
    reject_file = _write_rejects(options, errors) if errors else None
    report("prepare", 0, 1)
    valid = _privacy(valid, secret, options.keep_text)
    report("estimate", 0, valid.height)
    with_impacts = _impacts(catalog, valid)
    batch_id = hashlib.sha256(f"{options.kind}:{started}:{options.files}".encode()).hexdigest()[:16]
    stored = with_impacts.with_columns(pl.lit(batch_id).alias("batch_id"),
                                       pl.col("ts").dt.epoch("us").alias("ts_us"))
    persons = _person_rows(people, secret, options.keep_names)
    teams = {t for t in valid["team"].unique().to_list() if t} | {p.team for p in people.values()}
    report("write", 0, stored.height)
    record = BatchRecord(batch_id, options.kind, "\n".join(str(f) for f in options.files), started, rows_read,
                         len(errors))
    inserted = store.write_batch(record, stored, teams, persons)
    report("write", stored.height, stored.height)
    return _summary(batch_id, rows_read, inserted, valid, with_impacts, errors, reject_file)


def _check_secret(store: Store, secret: bytes) -> None:
    org = store.organisation()
    if org is None:
        raise UserInputError("pipeline.not_initialised", {}, Location(parameter="SOBRIA_DB"))
    if org["key_fingerprint"] != key_fingerprint(secret):
        raise UserInputError("pipeline.secret_mismatch", {}, Location(parameter="SOBRIA_SECRET_FILE"))


def _parse_all(options: ImportOptions, catalog: Catalog, report: Progress) -> tuple[pl.DataFrame, list[RowError]]:
    parse = parser_for(options.kind)
    frames: list[pl.DataFrame] = []
    errors: list[RowError] = []
    for i, path in enumerate(options.files):
        report("parse", i, len(options.files))
        parsed = parse(path, options.parse)
        errors += parsed.errors
        cost_usd = parsed.frame["_cost_usd"] if "_cost_usd" in parsed.frame.columns else None
        frame = conform(parsed.frame).with_columns(
            parsed.frame["_line"].cast(pl.Int64).alias("_line"), pl.lit(str(path)).alias("_file"))
        if cost_usd is not None:  # sources billing in dollars (LiteLLM spend): converted at the catalogue rate
            rate = catalog.constant("usd_to_eur").central
            frame = frame.with_columns(pl.coalesce(pl.col("cost_eur"), cost_usd.cast(pl.Float64) * rate))
        frames.append(frame)
    report("parse", len(options.files), len(options.files))
    return pl.concat(frames, how="vertical"), errors


def _with_people(frame: pl.DataFrame, people: dict[str, PersonEntry]) -> pl.DataFrame:
    if not people:
        return frame
    mapping = {k: p.team for k, p in people.items()}
    team = pl.col("person").str.strip_chars().str.to_lowercase().replace_strict(mapping, default=None)
    return frame.with_columns(pl.coalesce(pl.col("team"), team).alias("team"))


def _with_ids(frame: pl.DataFrame, kind: str) -> pl.DataFrame:
    """A stable id for rows the source gives none: a hash of the row's canonical content."""
    if frame["event_id"].null_count() == 0:
        return frame
    content = [c.name for c in EVENT_COLUMNS if c.name not in ("event_id", "source", "prompt_text")]
    joined = frame.select(pl.concat_str([pl.lit(kind), *(pl.col(c).cast(pl.Utf8).fill_null("") for c in content)],
                                        separator="\x1f")).to_series().to_list()
    digests = pl.Series([f"h_{hashlib.sha256(s.encode()).hexdigest()[:32]}" for s in joined], dtype=pl.Utf8)
    return frame.with_columns(pl.coalesce(pl.col("event_id"), digests).alias("event_id"))


def _privacy(frame: pl.DataFrame, secret: bytes, keep_text: bool) -> pl.DataFrame:
    persons = [p for p in frame["person"].unique().to_list() if p]
    mapping = {p: pseudonym(secret, p) for p in persons}
    texts = frame["prompt_text"]
    prints = [None if t is None else fingerprint(t) for t in texts.to_list()] if texts.null_count() < len(
        texts) else [None] * frame.height
    return frame.with_columns(
        pl.col("person").replace_strict(mapping, default=None, return_dtype=pl.Utf8),
        pl.coalesce(pl.col("prompt_fingerprint"), pl.Series(prints, dtype=pl.Utf8)).alias("prompt_fingerprint"),
        pl.col("prompt_text") if keep_text else pl.lit(None, pl.Utf8).alias("prompt_text"),
    )


def _impacts(catalog: Catalog, frame: pl.DataFrame) -> pl.DataFrame:
    estimated = estimate_frame(Estimator(catalog), frame.select(ESTIMATE_INPUTS))
    added = [c for c in estimated.columns if c not in ESTIMATE_INPUTS]
    return frame.hstack(estimated.select(added).rename(IMPACT_RENAMES))


def _person_rows(people: dict[str, PersonEntry], secret: bytes, keep_names: bool) -> list[PersonRow]:
    return [PersonRow(pseudonym(secret, p.identifier), p.team, p.role,
                      p.display_name if keep_names else None, p.identifier if keep_names else None)
            for p in people.values()]


def _write_rejects(options: ImportOptions, errors: list[RowError]) -> Path:
    path = options.reject_file or Path(f"{options.files[0]}.rejects.csv")
    t = Translator.for_lang(options.lang)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "line", "field", "reason"])
        for e in errors:
            writer.writerow([e.file, e.line, e.field or "", t(e.key, **e.params)])
    return path


def _summary(batch_id: str, rows_read: int, inserted: int, valid: pl.DataFrame, with_impacts: pl.DataFrame,
             errors: list[RowError], reject_file: Path | None) -> ImportSummary:
    period = None
    if valid.height:
        period = (str(valid["ts"].min()), str(valid["ts"].max()))
    unknown = with_impacts.filter(pl.col("impact_status").is_in(["model-guessed", "model-not-in-catalog"]))
    return ImportSummary(
        batch_id=batch_id, rows_read=rows_read, inserted=inserted, already_stored=valid.height - inserted,
        rejected=len(errors), period=period, people=valid["person"].drop_nulls().n_unique(),
        teams=tuple(sorted(t for t in valid["team"].unique().to_list() if t)),
        tiers=dict(sorted(valid.group_by("tier").len().iter_rows())),
        unknown_models=dict(sorted(unknown.group_by("model").len().iter_rows())),
        reject_file=reject_file,
    )
