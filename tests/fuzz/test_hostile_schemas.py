"""Issue 14, second round: NaN and infinite numbers in every YAML schema, training files whose rows
have a field too many or too few, and data that would be Markdown or HTML in the charter.

Same assertions as :mod:`tests.fuzz.test_hostile_inputs`: exit 2, a message naming the file and
the line (and the field), no traceback, the store byte-identical, no file left behind.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sobria.errors import UserInputError
from sobria.gateway.config import load_config
from sobria.governance.aiact.inventory import inventory_template, load_inventory
from sobria.governance.aiact.regulation import load_regulation
from sobria.governance.maturity.questionnaire import read_questionnaire
from sobria.i18n import Translator
from sobria.policy.charter import markdown_text, render_charter
from sobria.policy.loader import load_policy
from sobria.policy.schema import Policy
from tests.support.cli import Sobria, assert_refused, sobria_in

DATA = Path(__file__).parents[1] / "data"
CORPUS = DATA / "fuzz"
POLICY = (DATA / "policy" / "valid.yaml").read_text(encoding="utf-8")
GATEWAY = """\
policy: politique.yaml
tool: passerelle-sobria
journal: journal
upstreams:
  - name: openai
    base_url: https://api.openai.com/v1
    api_key_env: OPENAI_API_KEY
    models: [gpt-4o-mini]
    timeout_s: 60
"""
MATURITY = (DATA.parent / "governance" / "data" / "leaders.yaml").read_text(encoding="utf-8")
Reader = Callable[[Path], Any]
# (schema, valid text, the numeric line replaced, its number, the field it holds, the reader)
SCHEMAS: list[tuple[str, str, str, int, str, Reader]] = [
    ("policy", POLICY, "  default_kgco2e: 3             # équipes non listées", 111, "budgets.default_kgco2e",
     load_policy),
    ("gateway", GATEWAY, "    timeout_s: 60", 9, "upstreams[0].timeout_s", load_config),
    ("inventory", inventory_template(), next(line for line in inventory_template().splitlines()
                                             if line.startswith("version:")), 39, "version",
     lambda path: load_inventory(path, load_regulation())),
    ("maturity", MATURITY, "version: 1", 1, "version", read_questionnaire),
]
_SPECIAL = [".nan", ".NaN", ".NAN", ".inf", "-.inf", "+.Inf", "1.0e+999", "-1.5e+400", "1_0.0e+999",
            "12345678901234567890", "-99999999999999999999", "!!float .nan", "!!float '1e999'"]
_NON_FINITE = st.one_of(st.sampled_from(_SPECIAL),
                        st.integers(min_value=10**18, max_value=10**40).map(str),
                        st.integers(min_value=309, max_value=9999).map(lambda e: f"9.5e+{e}"))


def _with_value(text: str, line_text: str, value: str) -> str:
    key = line_text.split(":", 1)[0]
    assert text.count(line_text) == 1
    return text.replace(line_text, f"{key}: {value}")


@settings(max_examples=120, deadline=None)
@given(schema=st.sampled_from(SCHEMAS), value=_NON_FINITE)
def test_a_non_finite_number_in_any_schema_is_refused_with_its_line_and_field(
        tmp_path_factory: pytest.TempPathFactory, schema: tuple[str, str, str, int, str, Reader], value: str) -> None:
    name, text, line_text, line, field, reader = schema
    path = tmp_path_factory.mktemp(name) / f"{name}.yaml"
    path.write_text(_with_value(text, line_text, value), encoding="utf-8")
    with pytest.raises(UserInputError) as caught:
        reader(path)
    where = caught.value.where
    assert (caught.value.key, where.file, where.line, where.field) == ("yaml.not_finite", str(path), line, field)


@pytest.mark.parametrize("schema", SCHEMAS, ids=[s[0] for s in SCHEMAS])
def test_each_schema_file_is_valid_before_a_number_is_replaced(tmp_path: Path,
                                                               schema: tuple[str, str, str, int, str, Reader]) -> None:
    name, text, line_text, line, _, reader = schema
    assert text.splitlines()[line - 1] == line_text
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    reader(path)


@pytest.fixture
def sobria(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Sobria:
    return sobria_in(tmp_path, monkeypatch, capsys)


@pytest.mark.parametrize("value", [".nan", ".inf", "1.0e+999"])
def test_policy_check_and_charter_refuse_a_nan_budget(sobria: Sobria, value: str) -> None:
    (sobria.folder / "p.yaml").write_text(_with_value(POLICY, SCHEMAS[0][2], value), encoding="utf-8")
    before, files = sobria.dump_hash(), sobria.files()
    assert_refused(*sobria("policy", "check", "p.yaml"), "p.yaml", 111, "budgets.default_kgco2e")
    code, err = sobria("charter", "render", "p.yaml", "--format", "md", "--output", "charte.md")
    assert_refused(code, err, "p.yaml", 111, None)
    assert "NaN kgCO2e" not in err and (sobria.dump_hash(), sobria.files()) == (before, files)


@pytest.mark.parametrize(("name", "found"), [("training-too-many-fields.csv", 5), ("training-too-few-fields.csv", 2)])
def test_the_training_corpus_is_refused_naming_the_line_and_both_counts(sobria: Sobria, name: str,
                                                                        found: int) -> None:
    shutil.copy(CORPUS / name, sobria.folder / name)
    before, files = sobria.dump_hash(), sobria.files()
    code, err = sobria("training", "import", name)
    assert_refused(code, err, name, 3, None)
    assert f"{found} champs au lieu de 4" in err
    assert (sobria.dump_hash(), sobria.files()) == (before, files)


def test_the_markdown_charter_of_the_corpus_policy_has_no_html(sobria: Sobria) -> None:
    shutil.copy(CORPUS / "policy-html.yaml", sobria.folder / "p.yaml")
    code, out, err = sobria.run("charter", "render", "p.yaml", "--format", "md")
    assert (code, err) == (0, "")
    assert "TechVert &lt;script&gt;alert(1)&lt;/script&gt; \\[clic\\](javascript:alert(1)) \\| &lt;img" in out
    assert "<" not in out


_FIELDS = st.text(st.sampled_from("ab,;\"x"), max_size=6)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(extra=st.lists(_FIELDS, min_size=0, max_size=3), keep=st.integers(min_value=0, max_value=3))
def test_a_training_row_with_a_wrong_field_count_is_refused_naming_its_line(sobria: Sobria, extra: list[str],
                                                                            keep: int) -> None:
    fields = ["c@x.fr", "charte-ia", "2025-01-10", "completed"][: keep + 1] if not extra else \
        ["c@x.fr", "charte-ia", "2025-01-10", "completed", *(e.replace('"', "").replace(",", "") for e in extra)]
    if len(fields) == 4:
        return
    (sobria.folder / "t.csv").write_text("identifier,module,date,status\na@x.fr,charte-ia,2025-01-10,completed\n"
                                         + ",".join(fields) + "\n", encoding="utf-8")
    before, files = sobria.dump_hash(), sobria.files()
    code, err = sobria("training", "import", "t.csv")
    assert_refused(code, err, "t.csv", 3, None)
    assert f"{len(fields)} champs au lieu de 4" in err, err
    assert (sobria.dump_hash(), sobria.files()) == (before, files)


_NAME = st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), min_size=1, max_size=40).filter(
    lambda s: s.strip() != "")
_HOSTILE = st.one_of(_NAME, st.sampled_from(["<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
                                              "[clic](javascript:alert(1))", "![x](http://x/t.png)", "`code`",
                                              "**gras** _it_", "a | b", "&lt;déjà&gt;", "\\<b>"]))


@settings(max_examples=80, deadline=None)
@given(name=_HOSTILE, lang=st.sampled_from(["fr", "en"]))
def test_the_markdown_charter_prints_policy_text_as_text(name: str, lang: str) -> None:
    data = json.loads(json.dumps(_policy_data()))
    data["organisation"]["name"] = name
    policy = Policy.model_validate(data)
    markdown = render_charter(policy, Translator.for_lang(lang), "md")
    assert markdown_text(name) in markdown
    assert "<" not in markdown and ">" not in markdown.replace("\n> ", "\n").replace("\n>\n", "\n")
    assert not re.search(r"(?<!\\)\[", markdown), markdown  # no unescaped link or image bracket


def _policy_data() -> dict[str, Any]:
    from sobria.yamlfile import parse_yaml

    data: dict[str, Any] = parse_yaml(POLICY, "valid.yaml").data
    return data


@pytest.mark.parametrize("schema", SCHEMAS, ids=[s[0] for s in SCHEMAS])
@pytest.mark.parametrize("value", ["-1", "-0.5", "0"])
def test_a_negative_or_zero_number_where_none_makes_sense_is_refused_with_its_line(
        tmp_path: Path, schema: tuple[str, str, str, int, str, Reader], value: str) -> None:
    name, text, line_text, line, field, reader = schema
    if name == "policy" and value == "0":  # a zero budget is a budget: nothing allowed
        return
    path = tmp_path / f"{name}.yaml"
    path.write_text(_with_value(text, line_text, value), encoding="utf-8")
    with pytest.raises(UserInputError) as caught:
        reader(path)
    assert (caught.value.where.file, caught.value.where.line, caught.value.where.field) == (str(path), line, field)
