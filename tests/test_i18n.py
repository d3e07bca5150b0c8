"""One locale mechanism: every message exists in French and English with the same fields."""

from __future__ import annotations

import string

from sobria.i18n import load_messages


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_french_and_english_catalogues_have_the_same_keys_and_fields() -> None:
    fr, en = load_messages("fr"), load_messages("en")
    assert sorted(fr) == sorted(en)
    assert {k for k in fr if _fields(fr[k]) != _fields(en[k])} == set()
