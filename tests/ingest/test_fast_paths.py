"""The vectorised reading paths give exactly what the exact (row by row) paths give.

* CSV without quotes: :func:`plain_csv_table` vs the csv module reader (same table, same errors).
* ISO timestamps: :func:`iso_timestamps` vs :func:`parse_timestamp` (same instant, or left to it).
* an events file read through both CSV paths: the same canonical frame and the same row errors.
"""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from sobria.errors import UserInputError
from sobria.ingest import plain_csv, reading
from sobria.ingest.formats.events import parse
from sobria.ingest.parsed import ParseOptions, RowError
from sobria.ingest.plain_csv import is_plain_csv, plain_csv_table
from sobria.ingest.reading import read_csv_table
from sobria.ingest.timestamps import iso_timestamps, parse_timestamp

PLAIN = [
    "a,b\n1,2\n",
    "a,b\n",
    "a,b\n1,2",
    "a,b\n\n1,2\n  \n3\n4,5,6\n,\n\n",
    "a;b\r\n1;2\r\n\r\n3;x\r\n4\r\n",
    "a;b;;\n1;2;;\n",
    "a\tb\n x \t y \n\t\n",
    " a , b \n\u00e9t\u00e9,\u20ac\n\u3000\n",
    "a,b\n1,2\n\x0c\n3,4\n",
]


def _quoted(name: str, text: str, delimiter: str) -> tuple[pl.DataFrame, list[RowError]]:
    return reading._quoted_csv_table(name, text, delimiter)


@pytest.mark.parametrize("text", PLAIN)
def test_plain_csv_reads_like_the_csv_module(text: str) -> None:
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    assert is_plain_csv(text, first, delimiter)
    fast = plain_csv_table("f.csv", text, delimiter)
    assert fast is not None
    slow = _quoted("f.csv", text, delimiter)
    assert_frame_equal(fast[0], slow[0])
    assert fast[1] == slow[1]


@pytest.mark.parametrize("text", [*PLAIN, "a,b\n" + "".join(f"{i},{i * 2}\n" for i in range(50)) + "\n7\n8,9"])
@pytest.mark.parametrize("rows", [1, 2, 3, 7])
def test_chunks_make_the_same_table_and_errors(text: str, rows: int) -> None:
    delimiter = max((",", ";", "\t"), key=text.split("\n", 1)[0].count)
    whole = plain_csv_table("f.csv", text, delimiter)
    assert whole is not None
    chunks = list(plain_csv.plain_csv_chunks("f.csv", text, delimiter, rows_per_chunk=rows))
    assert_frame_equal(pl.concat([t for t, _ in chunks]), whole[0])
    assert [e for _, errs in chunks for e in errs] == whole[1]
    if plain_csv.data_lines(text) > 2 * rows:
        assert len(chunks) > 1


def test_read_csv_chunks_counts_lines_and_refuses_a_field_over_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_text("a,b\n" + "".join(f"{i},x\n" for i in range(10)), encoding="utf-8")
    lines, chunks = reading.read_csv_chunks(path, rows_per_chunk=3)
    assert lines == 10
    assert [t["_line"].to_list() for t, _ in chunks] == [[2, 3, 4], [5, 6, 7], [8, 9, 10], [11]]
    long = tmp_path / "long.csv"
    long.write_text("a,b\n" + "1,2\n" * 5 + "1," + "x" * (csv.field_size_limit() + 1) + "\n", encoding="utf-8")
    lines, chunks = reading.read_csv_chunks(long, rows_per_chunk=2)
    with pytest.raises(UserInputError) as excinfo:
        list(chunks)
    assert (lines, excinfo.value.key, excinfo.value.where.line) == (6, "ingest.csv_malformed", 7)
    quoted = tmp_path / "quoted.csv"
    quoted.write_text('a,b\n1,"x"\n2,y\n', encoding="utf-8")
    lines, chunks = reading.read_csv_chunks(quoted, rows_per_chunk=1)
    assert lines == 2
    assert [t.height for t, _ in chunks] == [2]


@pytest.mark.parametrize("text", ["a,b\n1,2\n", "a,b\n1,2", "a;b;;\r\n1;2;;\r\n3;4;5;6\r\n", "a\tb\n x \t y \n"])
def test_regular_files_are_read_by_polars(text: str) -> None:
    delimiter = max((",", ";", "\t"), key=text.split("\n", 1)[0].count)
    header = plain_csv.csv_header("f.csv", text.split("\n", 1)[0].removesuffix("\r").split(delimiter))
    body = text.split("\n", 1)[1]
    regular = plain_csv._regular_body(body, body.encode(), body.count("\n"), header, delimiter, 2)
    assert regular is not None
    split, errs = plain_csv._split_body("f.csv", body, header, delimiter, 2)
    assert_frame_equal(regular, split)
    assert errs == []


@pytest.mark.parametrize("text", ["a,b\n", "a,b\n1,2\n\n3,4\n", "a,b\n1,2,3\n4\n", "a,b\n1\n2,3,4\n", "a,b\n1,2\n \n"])
def test_irregular_files_are_split_line_by_line(text: str) -> None:
    body = text.split("\n", 1)[1]
    assert plain_csv._regular_body(body, body.encode(), body.count("\n"), ["a", "b"], ",", 2) is None


@pytest.mark.parametrize("text", ["", "a", "\n", "é,\n€;\t\n", "ab\ncd,\u3000,\n"])
def test_ascii_characters_are_counted_in_the_utf8_bytes(text: str) -> None:
    for char in ("\n", ",", ";", "\t"):
        assert plain_csv._count(text.encode(), char) == text.count(char)


def test_plain_csv_golden() -> None:
    fast = plain_csv_table("f.csv", "a,b\n\n1,2\n  \n3\n4,5,6\n,\n", ",")
    assert fast is not None
    assert fast[0].to_dicts() == [{"a": "1", "b": "2", "_line": 3}, {"a": "", "b": "", "_line": 7}]
    assert [(e.line, e.key, e.params) for e in fast[1]] == [
        (5, "ingest.bad_field_count", {"expected": 2, "found": 1}),
        (6, "ingest.bad_field_count", {"expected": 2, "found": 3})]


@pytest.mark.parametrize(("text", "plain"), [
    ('a,b\n1,"x"\n', False),       # a quote: fields may span lines
    ("a,b\n1,x\r2,y\n", False),    # a lone carriage return ends a record for the csv module
    ("a,b\n1,\x00\n", False),      # NUL: the csv module refuses it
    ("a\n1\n", False),             # one column: blank lines and values look alike
    ("  \na,b\n", False),          # blank header line
    ("a,b\r\n1,2\r\n", True),
])
def test_which_files_are_plain(text: str, plain: bool) -> None:
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    assert is_plain_csv(text, first, delimiter) is plain


def test_a_field_over_the_csv_limit_is_left_to_the_exact_reader(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    path.write_text("a,b\n1," + "x" * (csv.field_size_limit() + 1) + "\n", encoding="utf-8")
    assert plain_csv_table(str(path), path.read_text(encoding="utf-8"), ",") is None
    with pytest.raises(UserInputError) as excinfo:
        read_csv_table(path)
    assert (excinfo.value.key, excinfo.value.where.line) == ("ingest.csv_malformed", 2)


def test_duplicate_header_on_the_plain_path(tmp_path: Path) -> None:
    path = tmp_path / "dup.csv"
    path.write_text("a,b,a\n1,2,3\n", encoding="utf-8")
    with pytest.raises(UserInputError) as excinfo:
        read_csv_table(path)
    assert (excinfo.value.key, excinfo.value.where.line, excinfo.value.where.field) == (
        "ingest.duplicate_column", 1, "a")


TIMESTAMPS = [
    "2025-06-10T18:25:14.000000+0000", "2025-01-01T00:00:00.1", "2025-01-01 00:00:00Z",
    "2025-01-01T00:00:00.1234567", "2025-01-01", "2025-01-01T10:00", "20250101T100000", "2025-01-01T23:59:60",
    "2025-01-01T00:00:00+05:30", "2025-01-01T00:00:00,5", "2025-02-30T00:00:00", "2024-02-29T12:00:00",
    "2025-13-01", "2024-02-29T23:59:59.999999-23:59", "1000-01-01T00:00:00+01:00", "0999-12-31T00:00:00",
    "9999-12-31T23:00:00-01:00", "2025-01-01T10:00Z", "x", "2025-01-01T10:00:00+2400", "2025-01-01 10:00:00.5+01",
    "2025-01-01T24:00:00", "2025-01-01T10:00:00-0000", "2025-1-01T10:00:00", "2025-01-01t10:00:00",
    "2025-06-10T18:25:14+0000", "2025-06-10T18:25:14.5+02:00", "2025-06-10T18:25:14Z", "2025-02-30T18:25:14Z",
    "2025-06-10T18:25:14.1234567Z", "0500-06-10T18:25:14Z", "2025-06-10T18:25:60Z", "2025-06-10T18:25:14+2400",
]


@pytest.mark.parametrize("repeat", [1, 3])
def test_iso_timestamps_agree_with_parse_timestamp(repeat: int) -> None:
    fast = iso_timestamps(pl.Series("ts", [*TIMESTAMPS, None])).to_list()
    zoned = iso_timestamps(pl.Series("ts", ["2025-06-10T18:25:14.5+02:00"] * repeat)).to_list()
    assert zoned == [datetime(2025, 6, 10, 16, 25, 14, 500000, tzinfo=UTC)] * repeat
    assert fast[-1] is None
    for text, value in zip(TIMESTAMPS, fast, strict=False):
        assert value is None or value == parse_timestamp(text), text
    read = {t for t, v in zip(TIMESTAMPS, fast, strict=False) if v is not None}
    assert read == {
        "2025-06-10T18:25:14.000000+0000", "2025-01-01T00:00:00.1", "2025-01-01 00:00:00Z", "2025-01-01",
        "2025-01-01T10:00", "2025-01-01T00:00:00+05:30", "2024-02-29T12:00:00", "2024-02-29T23:59:59.999999-23:59",
        "1000-01-01T00:00:00+01:00", "2025-01-01T10:00Z", "2025-01-01T10:00:00-0000", "2025-06-10T18:25:14+0000",
        "2025-06-10T18:25:14.5+02:00", "2025-06-10T18:25:14Z"}
    assert fast[TIMESTAMPS.index("2024-02-29T23:59:59.999999-23:59")] == datetime(
        2024, 3, 1, 23, 58, 59, 999999, tzinfo=UTC)


EVENTS = (
    "event_id,ts,person,model,operation,input_tokens,output_tokens,latency_ms,image_used,tier\n"
    "e1,2025-03-14T09:30:00.250000+0000,a@x.fr,gpt-4o,chat,12,3,250.5,true,measured\n"
    "e2,2025-03-14 09:31:00,b@x.fr,gpt-4o,chat,12.0,x,,oui,\n"
    "\n"
    "e3,2025-02-30T00:00:00,a@x.fr,gpt-4o,chat,-1,3,-2,maybe,measured\n"
    "e4,20250314T093000,a@x.fr,gpt-4o,chat,1,1,1,NON,measured\n"
    "e5,2025-03-14T09:30:00Z,a@x.fr,gpt-4o,chat,1,1\n"
    "e6,,a@x.fr,gpt-4o,chat,1,1,1,Vrai,declared\n"
)


def test_events_csv_same_frame_and_errors_on_both_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "events.csv"
    path.write_text(EVENTS, encoding="utf-8")
    fast = parse(path, ParseOptions())
    monkeypatch.setattr(reading, "is_plain_csv", lambda *_args: False)
    slow = parse(path, ParseOptions())
    assert_frame_equal(fast.frame, slow.frame)
    assert fast.errors == slow.errors
    assert fast.frame["event_id"].to_list() == ["e1", "e4"]
    assert fast.frame["ts"].to_list() == [datetime(2025, 3, 14, 9, 30, 0, 250000, tzinfo=UTC),
                                          datetime(2025, 3, 14, 9, 30, tzinfo=UTC)]
    assert fast.frame["image_used"].to_list() == [True, False]
    assert [(e.line, e.field, e.key) for e in fast.errors] == [
        (3, "output_tokens", "ingest.not_integer"),
        (5, "image_used", "ingest.bad_boolean"),
        (5, "input_tokens", "ingest.negative"),
        (5, "latency_ms", "ingest.negative"),
        (5, "ts", "ingest.bad_timestamp"),
        (7, None, "ingest.bad_field_count"),
        (8, "ts", "ingest.missing_value"),
    ]


@pytest.mark.parametrize("epoch", [False, True])
def test_timestamp_column_mixes_both_paths(epoch: bool) -> None:
    table = pl.DataFrame({"ts": ["2025-01-01T00:00:00Z", "20250101T100000", "bad", None, "1700000000"],
                          "_line": [2, 3, 4, 5, 6]})
    reader = reading.TableReader("f.csv", table)
    values = reader.timestamp("ts", required=False, epoch=epoch).to_list()
    assert values == [datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 1, 1, 10, tzinfo=UTC), None, None,
                      datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC) if epoch else None]
    assert [(e.line, e.params["value"]) for e in reader.errors] == [(4, "bad")] + ([] if epoch else [(6, "1700000000")])
