"""The one YAML reader: bounds on aliases, depth and size, and the line of every problem."""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

import pytest

from sobria.errors import Location, UserInputError
from sobria.yamlfile import MAX_ALIASES, load_yaml, parse_yaml


def alias_bomb(levels: int, width: int) -> str:
    """A "billion laughs" document: each level is ``width`` aliases of the previous one."""
    lines = ["l0: &laughs0_ [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, levels):
        lines.append(f"l{level}: &laughs{level}_ [" + ", ".join([f"*laughs{level - 1}_"] * width) + "]")
    return "\n".join(lines) + "\n"


def test_a_10_kb_alias_bomb_is_refused_in_under_a_second_and_100_mb() -> None:
    text = alias_bomb(levels=10, width=90)  # 9 levels of 90 aliases: 10 × 90^9 ≈ 3.9e18 strings once expanded
    assert 9_000 <= len(text) <= 10_240
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(UserInputError) as caught:
        parse_yaml(text, "bomb.yaml")
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert (caught.value.key, caught.value.where.file, caught.value.where.line) == ("yaml.too_many_nodes",
                                                                                    "bomb.yaml", 4)
    assert elapsed < 1.0
    assert peak < 100 * 2**20


def test_alias_count_depth_and_cycles_are_bounded_with_their_line() -> None:
    many = "a: &a x\nb: [" + ", ".join(["*a"] * (MAX_ALIASES + 1)) + "]\n"
    with pytest.raises(UserInputError) as caught:
        parse_yaml(many, "f.yaml")
    assert (caught.value.key, caught.value.where.line) == ("yaml.too_many_aliases", 2)
    with pytest.raises(UserInputError) as caught:
        parse_yaml("x:\n  " + "[" * 100_000 + "]" * 100_000 + "\n", "f.yaml")
    assert (caught.value.key, caught.value.where.line) == ("yaml.too_deep", 2)
    with pytest.raises(UserInputError) as caught:
        parse_yaml("a: &a [*a]\n", "f.yaml")
    assert (caught.value.key, caught.value.where.line) == ("yaml.recursive_alias", 1)


def test_a_few_aliases_are_still_read_and_dates_stay_text() -> None:
    doc = parse_yaml("base: &b {x: 1}\nfirst: *b\nday: 2025-02-30\n", "f.yaml")
    assert doc.data == {"base": {"x": 1}, "first": {"x": 1}, "day": "2025-02-30"}
    assert (doc.positions.line(("first", "x")), doc.positions.key_line(("day",))) == (1, 3)


def test_files_that_are_not_yaml_files(tmp_path: Path) -> None:
    cases = {tmp_path: "yaml.not_a_file", tmp_path / "absent.yaml": "yaml.no_file"}
    (tmp_path / "latin1.yaml").write_bytes(b"a: 1\nb: caf\xe9\n")
    cases[tmp_path / "latin1.yaml"] = "yaml.encoding"
    for path, key in cases.items():
        with pytest.raises(UserInputError) as caught:
            load_yaml(path)
        assert (caught.value.key, caught.value.where.file) == (key, str(path))
    assert caught.value.where.line == 2


@pytest.mark.parametrize(("text", "line", "field", "value"), [
    ("budgets:\n  default_kgco2e: .nan\n", 2, "budgets.default_kgco2e", ".nan"),
    ("a: [1, 2, -.inf]\n", 1, "a[2]", "-.inf"),
    ("x: 1\ny: 1.0e+999\n", 2, "y", "1.0e+999"),
    ("base: &b .inf\nagain: *b\n", 1, "base", ".inf"),       # an alias: named where it is written
    ("n: 1234567890123456789\n", 1, "n", "1234567890123456789"),
    ("t: !!float nan\n", 1, "t", "nan"),
])
def test_a_number_that_is_not_finite_is_refused_with_its_line_and_field(text: str, line: int, field: str,
                                                                        value: str) -> None:
    with pytest.raises(UserInputError) as caught:
        parse_yaml(text, "f.yaml")
    assert (caught.value.key, caught.value.params, caught.value.where) == (
        "yaml.not_finite", {"value": value, "field": field}, Location(file="f.yaml", line=line, field=field))


def test_finite_numbers_and_number_like_text_are_kept() -> None:
    doc = parse_yaml("a: -2.5\nb: 123456789012345678\nc: 'nan'\nd: .5\n", "f.yaml")
    assert doc.data == {"a": -2.5, "b": 123456789012345678, "c": "nan", "d": 0.5}
