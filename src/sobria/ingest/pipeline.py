"""The import pipeline: parse, validate, map people, pseudonymise, fingerprint, estimate, store.

Guarantees (docs/events.md): every bad row reported with file, line, field and what was
expected; by default any error rejects the whole batch and nothing is written; with
``skip_invalid`` the valid rows are written and the rejected ones go to a reject file; re-importing
the same data adds nothing; the store is written in one transaction.

A batch streams: files are read in chunks of ``CHUNK_ROWS`` rows (a CSV file without quotes; any
other file in one chunk), and each chunk is checked, pseudonymised, fingerprinted and estimated in
a thread while the store writes the previous one inside the batch's transaction. An error found
in a later chunk rolls the earlier ones back; duplicates are found across chunks too.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from sobria.catalog import Catalog
from sobria.csvfile import check_writable, write_csv
from sobria.errors import Location, UserInputError
from sobria.events.fingerprint import fingerprint
from sobria.events.schema import EVENT_COLUMNS, conform
from sobria.events.semantic import SemanticModel, fill_from_texts, model_if
from sobria.i18n import Translator
from sobria.impact import Estimator, estimate_frame
from sobria.impact.options import EstimateOptions
from sobria.ingest.limits import EventLimits
from sobria.ingest.parsed import DERIVED_ID, Parsed, ParsedChunks, ParseOptions, RowError
from sobria.ingest.people import PersonEntry, read_people
from sobria.ingest.prefetch import prefetched
from sobria.ingest.pseudonym import key_fingerprint, pseudonym
from sobria.ingest.registry import chunk_parser_for
from sobria.ingest.tally import BatchTally
from sobria.ingest.validate import validate
from sobria.store import event_column_names
from sobria.store.records import PersonRow
from sobria.store.rollup_sums import BatchRollup
from sobria.store.store import BatchEnd, BatchRecord, Store
from sobria.store.web_rollup import refresh_rollup

if TYPE_CHECKING:
    from sobria.analytics.partitions import PartitionSet

Progress = Callable[[str, int, int], None]
IMPACT_RENAMES = {"cost_eur": "est_cost_eur", "status": "impact_status"}
CHUNK_ROWS = 100_000  # rows read, checked, estimated and written at a time
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
    semantic: bool = False               # the optional semantic fingerprint (Settings.semantic_fingerprint)
    parse: ParseOptions = field(default_factory=ParseOptions)
    lang: str = "fr"                     # language of the reasons in the reject file
    limits: EventLimits = field(default_factory=EventLimits)
    now: datetime | None = None          # the clock the latest plausible timestamp is relative to
    estimate: EstimateOptions = field(default_factory=EstimateOptions)  # Settings.estimate_options()

    @property
    def reject_path(self) -> Path:
        return self.reject_file or Path(f"{self.files[0]}.rejects.csv")


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
    if options.skip_invalid:
        check_writable(options.reject_path, "--reject-file")
    people = read_people(options.people_file) if options.people_file else {}
    steps = _Steps(catalog, secret, options, people, store.teams() | {p.team for p in people.values()},
                   hashlib.sha256(f"{options.kind}:{started}:{options.files}".encode()).hexdigest()[:16],
                   options.now or datetime.fromtimestamp(started / 1e6, UTC), model_if(options.semantic))
    parse = chunk_parser_for(options.kind)
    files = [(path, parse(path, options.parse, CHUNK_ROWS)) for path in options.files]
    rows = sum(parsed.rows for _, parsed in files)
    tally = BatchTally()
    written = [0]

    def done(count: int) -> None:
        written[0] += count
        report("write", written[0], rows)

    partitions = _partitions(store)
    kept: list[pl.DataFrame] | None = None if partitions is None else []  # the chunks, for the partitions
    totals = BatchRollup()   # the batch's sums for the dashboard's rollup, summed as the chunks go by

    def end() -> BatchEnd:
        record = BatchRecord(steps.batch_id, options.kind, "\n".join(str(f) for f in options.files), started,
                             tally.rows_read, len(tally.errors()))
        return BatchEnd(record, tally.teams | {p.team for p in people.values()},
                        _person_rows(people, secret, options.keep_names), totals)

    prepared = _watched(_prepared(files, rows, steps, tally, report), kept, totals)
    with closing(prefetched(prepared)) as chunks:
        inserted = store.write_chunks(rows, chunks, end, done)
    report("write", rows, rows)
    if tally.has_errors:  # only once the batch is committed, so that a failed import leaves no file
        tally.reject_file = _write_rejects(options, tally.errors())
    complete = inserted == tally.valid_rows  # the chunks are the events stored (none was there already)
    if partitions is not None and kept is not None:
        _update_partitions(store, partitions, kept if complete else [], tally)
    refresh_rollup(store)  # the months the store's write did not add the batch's sums to (a re-import…)
    return _summary(steps.batch_id, inserted, tally)


def _partitions(store: Store) -> PartitionSet | None:
    from sobria.analytics.partitions import PartitionSet

    return PartitionSet.beside(store)


def _watched(chunks: Iterator[pl.DataFrame], kept: list[pl.DataFrame] | None,
             totals: BatchRollup) -> Iterator[pl.DataFrame]:
    """The chunks, each kept (for the partitions, when ``kept`` is a list) and added to ``totals``
    on the way (in the prefetch thread, while the store writes the previous chunk)."""
    for chunk in chunks:
        if chunk.height:
            if kept is not None:
                kept.append(chunk)
            totals.add(chunk)
        yield chunk
    totals.rows()  # summed here, while the store writes the last chunk


def _update_partitions(store: Store, partitions: PartitionSet, kept: list[pl.DataFrame], tally: BatchTally) -> None:
    """The batch's events merged into the months it touched (after the commit: the partitions never
    hold an event the store does not). ``kept``: the batch's chunks when the store inserted every
    one of their events (so they are the stored copies; otherwise empty, and the months are read
    back from the store). A month whose event count then differs from the store's (events the
    partitions missed: a drain's failed write, a re-import, say) is rewritten from the store,
    which stays the reference."""
    from sobria.analytics.partitions import event_dtypes, month_bounds_us, months_between

    if tally.first is None or tally.last is None:
        return
    if kept:
        schema = pl.Schema(event_dtypes())
        partitions.write(pl.concat([c.select(event_column_names()).cast(schema) for c in kept], how="vertical"))
    kept.clear()
    for month in months_between(tally.first, tally.last):
        start, end = month_bounds_us(month)
        if partitions.month_count(month) != store.count_events(start, end):
            partitions.refresh(store, [month])


@dataclass(frozen=True)
class _Steps:
    """What preparing a chunk needs; ``names`` caches the pseudonyms already computed."""

    catalog: Catalog
    secret: bytes
    options: ImportOptions
    people: dict[str, PersonEntry]
    known_teams: set[str]
    batch_id: str
    now: datetime
    semantic: SemanticModel | None = None
    names: dict[str, str] = field(default_factory=dict)


def _prepared(files: list[tuple[Path, ParsedChunks]], rows: int, steps: _Steps, tally: BatchTally,
              report: Progress) -> Iterator[pl.DataFrame]:
    """The rows to store, chunk by chunk: read, checked, pseudonymised, fingerprinted, estimated.

    Runs ahead of the writes (in a thread). Once an error is found and ``skip_invalid`` is off,
    only empty frames follow (the store skips them), the rest is still checked, and
    :class:`ImportRejectedError` ends it with every error (the store then rolls back what it
    wrote). Counts go to ``tally``. ``report`` is called from this thread.
    """
    for path, parsed in files:
        for part in parsed.chunks:
            tally.rows_read += part.frame.height + len(part.errors)
            tally.parse_errors += part.errors
            valid, errors = validate(_canonical(path, part, steps), steps.known_teams, tally.seen,
                                     steps.options.limits, steps.now)
            tally.check_errors += errors
            report("parse", tally.rows_read, rows)
            if tally.has_errors and not steps.options.skip_invalid:
                yield pl.DataFrame()  # nothing to write; lets a consumer that stopped end this thread
                continue
            valid = _privacy(_with_semantic(valid, steps.semantic), steps.secret, steps.options.keep_text,
                             steps.names)
            tally.count_valid(valid)
            chunk = _impacts(steps.catalog, valid, steps.options.estimate)
            tally.count_impacts(chunk)
            yield chunk.with_columns(pl.lit(steps.batch_id).alias("batch_id"),
                                     pl.col("ts").dt.epoch("us").alias("ts_us"))
    if tally.has_errors and not steps.options.skip_invalid:
        raise ImportRejectedError(tally.errors())


def _check_secret(store: Store, secret: bytes) -> None:
    org = store.organisation()
    if org is None:
        raise UserInputError("pipeline.not_initialised", {}, Location(parameter="SOBRIA_DB"))
    if org["key_fingerprint"] != key_fingerprint(secret):
        raise UserInputError("pipeline.secret_mismatch", {}, Location(parameter="SOBRIA_SECRET_FILE"))


def _canonical(path: Path, part: Parsed, steps: _Steps) -> pl.DataFrame:
    """A parsed chunk as canonical rows with ``_file`` and ``_line``: teams from the people file,
    ids for rows without one, dollars converted, one image per image request by default."""
    cost_usd = part.frame["_cost_usd"] if "_cost_usd" in part.frame.columns else None
    derived = part.frame[DERIVED_ID] if DERIVED_ID in part.frame.columns else pl.lit(False)
    frame = conform(part.frame).with_columns(part.frame["_line"].cast(pl.Int64).alias("_line"),
                                             pl.lit(str(path)).alias("_file"), derived.alias(DERIVED_ID))
    if cost_usd is not None:  # sources billing in dollars (LiteLLM spend): converted at the catalogue rate
        rate = steps.catalog.constant("usd_to_eur").central
        frame = frame.with_columns(pl.coalesce(pl.col("cost_eur"), cost_usd.cast(pl.Float64) * rate))
    frame = _with_ids(_with_people(frame, steps.people), steps.options.kind)
    # An image request whose source gives no image count made one image per request (docs/events.md).
    return frame.with_columns(pl.when((pl.col("operation") == "image") & pl.col("images").is_null())
                              .then(pl.col("request_count")).otherwise(pl.col("images")).alias("images"))


def _with_people(frame: pl.DataFrame, people: dict[str, PersonEntry]) -> pl.DataFrame:
    if not people:
        return frame
    mapping = {k: p.team for k, p in people.items()}
    team = pl.col("person").str.strip_chars().str.to_lowercase().replace_strict(mapping, default=None)
    return frame.with_columns(pl.coalesce(pl.col("team"), team).alias("team"))


def _with_ids(frame: pl.DataFrame, kind: str) -> pl.DataFrame:
    """A stable id for rows the source gives none: a hash of the row's canonical content
    (``_id_derived`` marks them, so that two such rows are "identical rows", not a repeated id)."""
    frame = frame.with_columns((pl.col("event_id").is_null() | pl.col(DERIVED_ID).fill_null(False)).alias(DERIVED_ID))
    if frame["event_id"].null_count() == 0:
        return frame
    content = [c.name for c in EVENT_COLUMNS if c.name not in ("event_id", "source", "prompt_text")]
    joined = frame.select(pl.concat_str([pl.lit(kind), *(pl.col(c).cast(pl.Utf8).fill_null("") for c in content)],
                                        separator="\x1f")).to_series().to_list()
    digests = pl.Series([f"h_{hashlib.sha256(s.encode()).hexdigest()[:32]}" for s in joined], dtype=pl.Utf8)
    return frame.with_columns(pl.coalesce(pl.col("event_id"), digests).alias("event_id"))


def _with_semantic(frame: pl.DataFrame, model: SemanticModel | None) -> pl.DataFrame:
    """The semantic fingerprint of each prompt text, when the setting is on (before the text is dropped)."""
    if model is None or frame.height == 0:
        return frame
    rows: list[dict[str, Any]] = [{} for _ in range(frame.height)]
    fill_from_texts(rows, frame["prompt_text"].to_list(), model)
    computed = pl.Series([r.get("semantic_fingerprint") for r in rows], dtype=pl.Utf8)
    old = pl.col("semantic_fingerprint") if "semantic_fingerprint" in frame.columns else pl.lit(None, pl.Utf8)
    return frame.with_columns(pl.coalesce(old, computed).alias("semantic_fingerprint"))


def _privacy(frame: pl.DataFrame, secret: bytes, keep_text: bool, names: dict[str, str]) -> pl.DataFrame:
    persons = [p for p in frame["person"].unique().to_list() if p]
    mapping = {p: names.get(p) or names.setdefault(p, pseudonym(secret, p)) for p in persons}
    texts = frame["prompt_text"]
    prints = [None if t is None else fingerprint(t) for t in texts.to_list()] if texts.null_count() < len(
        texts) else [None] * frame.height
    return frame.with_columns(
        pl.col("person").replace_strict(mapping, default=None, return_dtype=pl.Utf8),
        pl.coalesce(pl.col("prompt_fingerprint"), pl.Series(prints, dtype=pl.Utf8)).alias("prompt_fingerprint"),
        pl.col("prompt_text") if keep_text else pl.lit(None, pl.Utf8).alias("prompt_text"),
    )


def _impacts(catalog: Catalog, frame: pl.DataFrame, options: EstimateOptions) -> pl.DataFrame:
    estimated = estimate_frame(Estimator(catalog, options), frame.select(ESTIMATE_INPUTS))
    added = [c for c in estimated.columns if c not in ESTIMATE_INPUTS]
    return frame.hstack(estimated.select(added).rename(IMPACT_RENAMES))


def _person_rows(people: dict[str, PersonEntry], secret: bytes, keep_names: bool) -> list[PersonRow]:
    return [PersonRow(pseudonym(secret, p.identifier), p.team, p.role,
                      p.display_name if keep_names else None, p.identifier if keep_names else None)
            for p in people.values()]


def _write_rejects(options: ImportOptions, errors: list[RowError]) -> Path:
    path = options.reject_path
    t = Translator.for_lang(options.lang)
    write_csv(path, ["file", "line", "field", "reason"],
              ([e.file, e.line, e.field or "", t(e.key, **e.params)] for e in errors), "--reject-file")
    return path


def _summary(batch_id: str, inserted: int, tally: BatchTally) -> ImportSummary:
    period = None
    if tally.first is not None and tally.last is not None:
        period = (str(tally.first), str(tally.last))
    return ImportSummary(
        batch_id=batch_id, rows_read=tally.rows_read, inserted=inserted,
        already_stored=tally.valid_rows - inserted, rejected=len(tally.errors()), period=period,
        people=len(tally.persons), teams=tuple(sorted(tally.teams)), tiers=dict(sorted(tally.tiers.items())),
        unknown_models=dict(sorted(tally.unknown_models.items())), reject_file=tally.reject_file,
    )
