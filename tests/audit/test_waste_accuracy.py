"""The expected precision and recall of the chains for the data's mode (measured, with its source)."""

from __future__ import annotations

import polars as pl
import pytest

from sobria.audit.result import WasteFigures
from sobria.audit.waste_accuracy import data_counts, data_shares, expected, measured
from sobria.i18n import Translator
from sobria.report.sections import chain_accuracy


def _events(ids: list[str | None], signals: list[str | None]) -> pl.DataFrame:
    n = len(ids)
    return pl.DataFrame({"operation": ["chat"] * n + ["image"], "prompt_fingerprint": ["mh3:x"] * n + [None],
                         "conversation_id": [*ids, "c9"], "thread_signal": [*signals, None]})


def test_the_mode_follows_most_of_the_data() -> None:
    shares = data_shares(_events(["c1", None, None, "c2"], ["new", "revision", None, "new"]))
    assert shares == (0.5, 0.75)
    accuracy = expected(shares)
    assert accuracy is not None
    assert (accuracy.mode, accuracy.precision, accuracy.recall, accuracy.f1) == (
        "with_ids_thread_signals", 0.622, 0.429, 0.508)
    assert "held-out" in accuracy.source and "eval_waste.py" in accuracy.source
    assert expected(data_shares(_events([None, None], [None, None]))) == measured()["without_ids_fingerprint_only"]
    assert data_shares(pl.DataFrame({"operation": ["image"], "prompt_fingerprint": [None],
                                     "conversation_id": [None]})) is None


def test_data_counts_count_chats_with_a_fingerprint() -> None:
    """Chat or completion requests with a fingerprint (not images, not a null operation), those of
    them with a conversation id, with a thread signal; no thread signal column: none."""
    events = pl.DataFrame({"operation": ["chat", "completion", "chat", None, "image", "chat"],
                           "prompt_fingerprint": ["a", "b", None, "c", "d", "e"],
                           "conversation_id": ["c1", None, "c2", "c3", "c4", "c5"],
                           "thread_signal": [None, "edit", "new", "new", "new", "revision"]})
    assert data_counts(events) == (3, 2, 2)
    assert data_counts(events.drop("thread_signal")) == (3, 2, 0)
    assert data_counts(events.head(0)) == (0, 0, 0)


@pytest.mark.parametrize(("lang", "text"), [
    ("fr", "pour des données sans identifiant de conversation, empreintes seules : "
           "précision 77\u00a0%, rappel 28\u00a0%"),
    ("en", "for data without conversation ids, fingerprints only: precision 77%, recall 28%"),
])
def test_the_report_states_it(lang: str, text: str) -> None:
    figures = WasteFigures(10, 0.1, 1.0, 0.1, {}, 0.0, conversation_id_share=0.0, thread_signal_share=0.0)
    assert text in chain_accuracy(figures, Translator.for_lang(lang), lang)
