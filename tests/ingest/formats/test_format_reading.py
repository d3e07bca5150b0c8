"""The shared reading helpers: files, CSV with source lines, JSON errors, typed columns."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest

from sobria.errors import UserInputError
from sobria.events.messages import message_text
from sobria.ingest.json_input import json_documents, load_json
from sobria.ingest.reading import TableReader, read_csv_table, read_text, stable_id
from sobria.ingest.timestamps import parse_timestamp
from tests.ingest.formats.helpers import errors, user_error, write


def test_missing_file_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(UserInputError) as excinfo:
        read_text(tmp_path / "absent.csv")
    assert user_error(excinfo) == ("ingest.file_missing", str(tmp_path / "absent.csv"), None, None)


def test_non_utf8_names_the_byte_offset_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, "latin1.csv", "a,b\n1,ok\n2,caf\xe9\n".encode("latin-1"))
    with pytest.raises(UserInputError) as excinfo:
        read_text(path)
    assert user_error(excinfo) == ("ingest.bad_encoding", str(path), 3, None)
    assert excinfo.value.params == {"file": str(path), "offset": 14, "line": 3}


def test_utf8_with_bom_is_read(tmp_path: Path) -> None:
    path = write(tmp_path, "bom.csv", "\ufeffa,b\n1,é\n".encode())
    table, errs = read_csv_table(path)
    assert table.columns == ["a", "b", "_line"]
    assert table.to_dicts() == [{"a": "1", "b": "é", "_line": 2}]
    assert errs == []


def test_empty_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UserInputError) as excinfo:
        read_text(write(tmp_path, "empty.csv", "  \n"))
    assert excinfo.value.key == "ingest.empty_file"


def test_csv_lines_count_multiline_fields_and_skip_blank_lines(tmp_path: Path) -> None:
    path = write(tmp_path, "t.csv", 'a;b\r\n1;"deux\r\nlignes"\r\n\r\n3;x\r\n4\r\n')
    table, errs = read_csv_table(path)
    assert table.to_dicts() == [{"a": "1", "b": "deux\r\nlignes", "_line": 2},
                                {"a": "3", "b": "x", "_line": 5}]
    assert [(e.line, e.key, e.params) for e in errs] == [
        (6, "ingest.bad_field_count", {"expected": 2, "found": 1})]


def test_empty_trailing_columns_from_a_spreadsheet(tmp_path: Path) -> None:
    table, errs = read_csv_table(write(tmp_path, "t.csv", "a;b;;\n1;2;;\n"))
    assert table.columns == ["a", "b", "_empty_2", "_empty_3", "_line"]
    assert (table.row(0), errs) == (("1", "2", "", "", 2), [])


def test_unclosed_quote_is_a_file_error(tmp_path: Path) -> None:
    path = write(tmp_path, "t.csv", 'a,b\n1,"open\n')
    with pytest.raises(UserInputError) as excinfo:
        read_csv_table(path)
    assert user_error(excinfo) == ("ingest.csv_malformed", str(path), 2, None)


def test_duplicate_header_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UserInputError) as excinfo:
        read_csv_table(write(tmp_path, "t.csv", "a,a\n1,2\n"))
    assert excinfo.value.key == "ingest.duplicate_column"


def test_truncated_json_names_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, "t.json", '{\n  "data": [\n    {"a": 1')
    with pytest.raises(UserInputError) as excinfo:
        load_json(path)
    assert user_error(excinfo) == ("ingest.truncated_json", str(path), 3, None)
    assert excinfo.value.params == {"line": 3, "column": 12, "reason": "Expecting ',' delimiter"}


def test_invalid_json_in_the_middle(tmp_path: Path) -> None:
    path = write(tmp_path, "t.json", '{"a": 1,, "b": 2}\n')
    with pytest.raises(UserInputError) as excinfo:
        load_json(path)
    assert user_error(excinfo) == ("ingest.bad_json", str(path), 1, None)


def test_json_documents_reads_json_lines_with_a_truncated_last_line(tmp_path: Path) -> None:
    path = write(tmp_path, "t.jsonl", '{"a": 1}\n\n{"a": 2}\n{"a": ')
    records, errs = json_documents(path)
    assert records == [(1, {"a": 1}), (3, {"a": 2})]
    assert [(e.line, e.key) for e in errs] == [(4, "ingest.bad_json_line")]


@pytest.mark.parametrize(("text", "epoch", "expected"), [
    ("2025-03-14T09:30:00Z", False, datetime(2025, 3, 14, 9, 30, tzinfo=UTC)),
    ("2025-03-14T10:30:00+01:00", False, datetime(2025, 3, 14, 9, 30, tzinfo=UTC)),
    ("2025-03-14 09:30:00.250", False, datetime(2025, 3, 14, 9, 30, 0, 250000, tzinfo=UTC)),
    ("2025-03-14", False, datetime(2025, 3, 14, tzinfo=UTC)),
    ("1730419200", True, datetime(2024, 11, 1, tzinfo=UTC)),
    ("1730419200", False, None),
    ("14/03/2025", False, None),
    ("", False, None),
])
def test_parse_timestamp(text: str, epoch: bool, expected: datetime | None) -> None:
    assert parse_timestamp(text, epoch=epoch) == expected


def _reader(**columns: list[str | None]) -> TableReader:
    height = len(next(iter(columns.values())))
    table = pl.DataFrame({**columns, "_line": list(range(2, height + 2))},
                         schema={**dict.fromkeys(columns, pl.Utf8()), "_line": pl.Int64()})
    return TableReader("f.csv", table)


def test_integer_column_collects_one_error_per_bad_value() -> None:
    reader = _reader(n=["12", "12.0", " 7 ", "", "-3", "abc", "1.5", "inf"])
    assert reader.integer("n").to_list()[:4] == [12, 12, 7, None]
    assert [(line, key, params) for line, _, key, params in errors(reader.result({"n": pl.Series([1] * 8)}))] == [
        (6, "ingest.negative", {"value": "-3"}),
        (7, "ingest.not_integer", {"value": "abc"}),
        (8, "ingest.not_integer", {"value": "1.5"}),
        (9, "ingest.not_integer", {"value": "inf"}),
    ]


def test_number_with_decimal_comma_and_required_values() -> None:
    reader = _reader(x=["2,5", "0.25", None, "deux"])
    assert reader.number("x", required=True, decimal_comma=True).to_list() == [2.5, 0.25, None, None]
    assert [(e.line, e.field, e.key) for e in reader.errors] == [
        (4, "x", "ingest.missing_value"), (5, "x", "ingest.not_number")]


def test_boolean_and_timestamp_columns() -> None:
    reader = _reader(b=["oui", "False", "1", "peut-être"], t=["2025-01-01", "x", None, "2025-01-02T00:00:00Z"])
    assert reader.boolean("b").to_list() == [True, False, True, None]
    assert reader.timestamp("t", required=False).to_list() == [
        datetime(2025, 1, 1, tzinfo=UTC), None, None, datetime(2025, 1, 2, tzinfo=UTC)]
    assert [(e.line, e.key) for e in reader.errors] == [(5, "ingest.bad_boolean"), (3, "ingest.bad_timestamp")]


def test_result_is_canonical_and_keeps_line_and_extras() -> None:
    reader = _reader(m=["a", "b", "c"])
    reader.skip(1)
    parsed = reader.result({"model": reader.text("m"), "_cost_usd": 0.5, "request_count": 1})
    assert parsed.frame.columns[-2:] == ["_line", "_cost_usd"]
    assert parsed.frame.select("model", "_line", "request_count").to_dicts() == [
        {"model": "a", "_line": 2, "request_count": 1}, {"model": "c", "_line": 4, "request_count": 1}]
    assert parsed.frame.schema["ts"] == pl.Datetime("us", "UTC")


def test_message_text_keeps_user_messages_only() -> None:
    messages = [{"role": "system", "content": "Tu es un assistant."},
                {"role": "user", "content": [{"type": "text", "text": "Bonjour"}, {"type": "image_url"}]},
                {"role": "user", "parts": [{"type": "text", "content": "Résume"}]}]
    assert message_text(messages) == "Bonjour\nRésume"
    assert message_text('{"input": "texte"}') is None
    assert message_text("{}") is None
    assert message_text("texte libre") == "texte libre"
    assert message_text("[pas du json") == "[pas du json"


def test_message_text_keeps_the_request_own_prompt_not_the_history() -> None:
    history = [{"role": "system", "content": "Tu es un assistant."},
               {"role": "user", "content": "Rédige un mail de relance pour Dupont"},
               {"role": "assistant", "content": "Bonjour Monsieur Dupont..."},
               {"role": "user", "content": "Plus court"}]
    assert message_text(history) == "Plus court"
    assert message_text([*history, {"role": "user", "content": "et sans formule"}]) == "Plus court\net sans formule"
    assert message_text([*history, {"role": "tool", "content": "42"}]) is None  # no prompt after the answer
    assert message_text([{"role": "model", "parts": [{"text": "Salut"}]}, {"role": "user", "parts": [
        {"text": "Merci"}]}]) == "Merci"


def test_stable_id_is_stable() -> None:
    assert stable_id("a", 1, None) == stable_id("a", 1, "") == hashlib.sha256(b"a\x1f1\x1f").hexdigest()[:32]
    assert stable_id("a", 1) != stable_id("a1")
