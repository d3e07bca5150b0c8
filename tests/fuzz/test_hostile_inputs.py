"""Hostile files against every importer, YAML reader and CSV writer (issue 14).

Each run asserts: exit code 2, a message naming the file and the line (and the field when there is
one), no traceback, the store byte-identical (hash of its SQL dump) and no file left behind. The
corpus is committed under tests/data/fuzz/; hypothesis adds generated rows and cells.
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sobria.csvfile import FORMULA_START, csv_text
from sobria.errors import UserInputError
from sobria.gateway.config import load_config
from sobria.governance.maturity.questionnaire import read_questionnaire
from sobria.policy.loader import load_policy
from tests.support.cli import Sobria, assert_refused, sobria_in

CORPUS = Path(__file__).parent.parent / "data" / "fuzz"
IMPORTS = [  # (kind, file, line, field) the message must name
    ("events", "events-far-timestamp.csv", 3, "ts"),
    ("events", "events-int64-overflow.csv", 2, "input_tokens"),
    ("events", "events-token-sum-overflow.csv", 2, "input_tokens"),
    ("events", "events-implausible-tokens.csv", 2, "input_tokens"),
    ("events", "events-year-2001.csv", 2, "ts"),
    ("events", "events-deep.json", 1, None),
    ("events", "events-top-level-number.json", 1, None),
    ("events", "events-every-line-bad.jsonl", 1, None),
    ("events", "events-nan.jsonl", 1, None),
    ("events", "events-1e999.jsonl", 1, None),
    ("events", "events-latency-1e308.csv", 2, "latency_ms"),
    ("events", "events-long-line.jsonl", 1, None),
    ("otel", "otel-spans-5.json", None, "spans"),
    ("chatgpt-enterprise", "chatgpt-enterprise-1e999.csv", 2, "model_to_messages"),
    ("chatgpt-enterprise", "chatgpt-enterprise-nan.csv", 2, "model_to_messages"),
    ("survey", "survey-1e308.csv", 2, "usages_par_jour"),
    ("survey", "survey-year-0.csv", 2, "mois"),
    ("survey", "survey-two-rows-one-line.csv", 2, "ts"),
    ("events", "events-identical-rows.csv", 3, None),
]
YAML_FILES = [("yaml-alias-bomb.yaml", 4), ("yaml-deep.yaml", 2), ("yaml-recursive.yaml", 2),
              ("yaml-syntax.yaml", 3), ("yaml-nan.yaml", 3), ("yaml-inf-alias.yaml", 1)]


@pytest.fixture
def sobria(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Sobria:
    return sobria_in(tmp_path, monkeypatch, capsys)


@pytest.mark.parametrize(("kind", "name", "line", "field"), IMPORTS, ids=[case[1] for case in IMPORTS])
def test_a_hostile_file_is_refused_and_leaves_everything_as_it_was(sobria: Sobria, kind: str, name: str,
                                                                     line: int | None, field: str | None) -> None:
    shutil.copy(CORPUS / name, sobria.folder / name)
    before, files = sobria.dump_hash(), sobria.files()
    assert_refused(*sobria("import", kind, name), name, line, field)
    assert (sobria.dump_hash(), sobria.files()) == (before, files)
    if line is not None and field is not None:  # --skip-invalid: the row goes to the reject file, after the commit
        code, err = sobria("import", kind, name, "--skip-invalid", "--reject-file", "rejects.csv")
        assert code == 0, err
        rows = list(csv.reader(io.StringIO((sobria.folder / "rejects.csv").read_text(encoding="utf-8"))))
        assert rows[0] == ["file", "line", "field", "reason"]
        assert rows[1][:3] == [name, str(line), field]


def test_a_reject_file_that_is_a_directory_is_refused_before_any_work(sobria: Sobria) -> None:
    shutil.copy(CORPUS / "events-far-timestamp.csv", sobria.folder / "e.csv")
    (sobria.folder / "rejects").mkdir()
    before = sobria.dump_hash()
    code, err = sobria("import", "events", "e.csv", "--skip-invalid", "--reject-file", "rejects")
    assert_refused(code, err, "rejects", None, None)
    assert "--reject-file" in err and sobria.dump_hash() == before


@pytest.mark.parametrize(("name", "line"), YAML_FILES, ids=[case[0] for case in YAML_FILES])
def test_every_yaml_reader_refuses_a_hostile_file_with_its_line(tmp_path: Path, name: str, line: int) -> None:
    path = tmp_path / name
    shutil.copy(CORPUS / name, path)
    for reader in (load_policy, load_config, read_questionnaire):
        with pytest.raises(UserInputError) as caught:
            reader(path)
        assert (caught.value.key.split(".")[0], caught.value.where.file, caught.value.where.line) == (
            "yaml", str(path), line), reader


def test_policy_check_on_a_directory_and_an_alias_bomb(sobria: Sobria) -> None:
    (sobria.folder / "policy.yaml").mkdir()
    assert_refused(*sobria("policy", "check", "policy.yaml"), "policy.yaml", None, None)
    shutil.copy(CORPUS / "yaml-alias-bomb.yaml", sobria.folder / "bomb.yaml")
    code, err = sobria("policy", "check", "bomb.yaml")
    assert code == 2 and "Traceback" not in err and ":4" in err, err


def test_data_is_never_rendered_as_rich_markup(sobria: Sobria) -> None:
    (sobria.folder / "e.csv").write_text("event_id,ts,person,model,operation,input_tokens,output_tokens,tool\n"
                                         "e1,2025-01-02T10:00:00Z,a@x.fr,[/oops],chat,1,1,[bold]x[/bold]\n")
    assert sobria("import", "events", "e.csv")[0] == 0
    for command in (["audit"], ["waste"]):
        code, err = sobria(*command)
        assert code == 0 and "Traceback" not in err, err


_CELL = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30)
_NUMBERISH = st.one_of(_CELL, st.integers(min_value=-(2**70), max_value=2**70).map(str),
                       st.floats(allow_nan=True, allow_infinity=True).map(repr),
                       st.sampled_from(["1e999", "NaN", "-0", "9223372036854775808", "0x10", "1_000"]))
_TS = st.one_of(st.datetimes().map(lambda d: d.isoformat() + "Z"), _CELL,
                st.sampled_from(["9999-12-31T00:00:00Z", "0001-01-01T00:00:00Z", "1e308", "2025-02-30"]))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(_TS, _CELL, _NUMBERISH, _NUMBERISH, _NUMBERISH), min_size=1, max_size=4))
def test_generated_event_rows_either_import_or_are_refused_with_their_line(sobria: Sobria,
                                                                           rows: list[tuple[str, ...]]) -> None:
    path = sobria.folder / "gen.csv"
    path.write_text(csv_text(["ts", "model", "input_tokens", "output_tokens", "latency_ms"], rows),
                    encoding="utf-8")
    before, files = sobria.dump_hash(), sobria.files()
    code, err = sobria("import", "events", "gen.csv")
    assert code in (0, 2) and "Traceback" not in err, err
    if code == 2:
        assert "gen.csv" in err and sobria.dump_hash() == before, err
        assert sobria.files() == files


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.one_of(_CELL, st.integers()), min_size=1, max_size=4), max_size=5))
def test_the_csv_writer_never_writes_a_formula_cell(rows: list[list[str | int]]) -> None:
    width = max((len(r) for r in rows), default=1)
    padded = [r + [""] * (width - len(r)) for r in rows]
    parsed = list(csv.reader(io.StringIO(csv_text([f"c{i}" for i in range(width)], padded), newline="")))
    for written, given_row in zip(parsed[1:], padded, strict=True):
        for cell, original in zip(written, given_row, strict=True):
            assert isinstance(original, int) or not cell.startswith(FORMULA_START)
            text = str(original)
            kept = isinstance(original, int) or not text.startswith(FORMULA_START)
            assert "\r" in text or cell == (text if kept else "'" + text)


def test_training_export_neutralises_formula_cells(sobria: Sobria) -> None:
    (sobria.folder / "t.csv").write_text("person,module,date,status\n"
                                         "=HYPERLINK(\"http://x\"),ai-basics,2025-01-10,completed\n")
    sobria("training", "import", "t.csv")
    code, err = sobria("training", "export", "--out", "out.csv", "--at", "2025-12-31")
    assert code == 0, err
    assert "\n=" not in (sobria.folder / "out.csv").read_text(encoding="utf-8")
