"""The revision score: text-free pair features, the shipped logistic regression, thread reading."""

from __future__ import annotations

import math

import pytest

from sobria.events.messages import content_text, message_text
from sobria.events.revision import (
    FEATURES,
    POSITION_CAP,
    RevisionModel,
    Turns,
    coherence,
    default_model,
    is_revision_of,
    pair_features,
    previous_request,
    revision_probability,
    thread_revision,
)

LETTER = "Write a cover letter for a data analyst job at Airbus"
MODEL = default_model()


def test_pair_features_are_golden() -> None:
    features = dict(zip(FEATURES, pair_features(LETTER, "make it shorter and more formal"), strict=True))
    assert features["cue_retry"] == 1.0 and features["edit_lead"] == 1.0 and features["refers_back"] == 1.0
    assert features["previous_request"] == 1.0 and features["request"] == 1.0
    assert (features["jaccard"], features["question"], features["new_salient"], features["coherence"]) == (0, 0, 0, 0)
    assert features["log_length_ratio"] == pytest.approx(-0.538997, abs=1e-6)
    assert (features["edit_request"], features["marker_swap"], features["position"]) == (1.0, 0.0, 0.0)


def test_position_counts_the_turns_before_up_to_a_cap() -> None:
    """``position``: log(1 + the number of user turns before this one), counted up to
    ``POSITION_CAP`` (the longest thread of the samples the model was trained on)."""
    def position(before: int) -> float:
        thread = ["write a poem"] * before
        return dict(zip(FEATURES, pair_features("write a poem", "shorter", thread=thread), strict=True))["position"]
    assert position(1) == pytest.approx(math.log(2))
    assert position(POSITION_CAP) == position(POSITION_CAP + 30) == pytest.approx(math.log1p(13))


def test_a_template_refilled_for_another_subject_and_a_request_from_further_back() -> None:
    first = "Could you write me a python test for the first scenario, and then the implementation"
    second = dict(zip(FEATURES, pair_features(first, first.replace("first", "second")), strict=True))
    assert (second["marker_swap"], second["jaccard"]) == (1.0, pytest.approx(2 / 3))
    back = pair_features("thanks, what is a fixture?", "write the python test for the login scenario again",
                         earlier=("write a python test for the login scenario", "hello"))
    assert dict(zip(FEATURES, back, strict=True))["earlier_jaccard"] == pytest.approx(0.8, abs=1e-6)


def test_coherence_of_the_thread_before_the_turn() -> None:
    """Mean word Jaccard of consecutive user turns before this one: a thread refining one
    deliverable against unrelated questions (0 with fewer than two turns)."""
    refining = ["write a python test for the login scenario", "write the python test for the login scenario again"]
    assert coherence(refining) == pytest.approx(0.8)   # "again" is the one word not shared
    assert coherence(["what is a fixture?", "how do I install Django?"]) == 0.0
    assert coherence(refining[:1]) == 0.0
    thread = (LETTER, "What is the capital of Peru?")
    features = dict(zip(FEATURES, pair_features(thread[-1], "make it shorter", thread=thread), strict=True))
    assert features["coherence"] == 0.0


def test_pushing_back_on_the_answer_and_a_text_pasted_again() -> None:
    pushed = dict(zip(FEATURES, pair_features(LETTER, "no, are you sure? It was Toulouse"), strict=True))
    assert (pushed["pushback"], pushed["pasted_both"]) == (1.0, 0.0)
    code = "def f(x):\n    return x\n" * 20
    pasted = dict(zip(FEATURES, pair_features(code, "this still fails: " + code), strict=True))
    assert (pasted["pushback"], pasted["pasted_both"], pasted["jaccard"]) == (0.0, 1.0, 0.5)


def test_a_complaint_stated_as_a_fact_and_a_new_deliverable_in_english_and_french() -> None:
    """``complaint``: a correction of the answer stated as a fact ("doesn't work", "wrong", "ne
    marche pas", "erreur"); ``new_deliverable``: "now …", "another", "new", "un autre", "maintenant"."""
    code = "Write a python function that parses a CSV file of invoices"
    def read(text: str) -> tuple[float, float]:
        features = dict(zip(FEATURES, pair_features(code, text), strict=True))
        return features["complaint"], features["new_deliverable"]
    assert read("that doesn't work, the totals are wrong") == (1.0, 0.0)
    assert read("ça ne marche pas, il y a une erreur") == (1.0, 0.0)
    assert read("now write a new function that sends them by email") == (0.0, 1.0)
    assert read("maintenant, écris un autre mail pour le client") == (0.0, 1.0)
    assert read("it is still slow") == (0.0, 0.0)   # "still" alone: not kept (it did not help)
    assert is_revision_of(code, "that doesn't work, the totals are wrong", MODEL)
    assert not is_revision_of(code, "now write a new function that sends them by email", MODEL)


def test_shipped_model_scores_a_retry_high_and_a_new_question_low() -> None:
    assert revision_probability(LETTER, "make it shorter and more formal", MODEL) == pytest.approx(0.8280, abs=1e-4)
    assert revision_probability(LETTER, "What is the capital of Peru?", MODEL) == pytest.approx(0.0969, abs=1e-4)
    assert is_revision_of(LETTER, "make it shorter and more formal", MODEL)
    assert not is_revision_of(LETTER, "What is the capital of Peru?", MODEL)
    assert MODEL.threshold == 0.45 and len(MODEL.coefficients) == len(FEATURES) == 20


def test_a_chain_under_way_raises_the_score() -> None:
    itinerary = "Write an itinerary for 5 days in Lisbon"
    alone = revision_probability(itinerary, "we have 2 kids aged 5 and 8", MODEL)
    chained = revision_probability(itinerary, "we have 2 kids aged 5 and 8", MODEL, previous_revision=True)
    assert (round(alone, 4), round(chained, 4)) == (0.3541, 0.8553)


def test_a_thread_is_read_from_the_request_before_skipping_continue_turns() -> None:
    assert previous_request(["Write a poem about the sea", "continue", "shorter"]) == 0
    assert previous_request(["Write a poem about the sea"]) is None
    assert thread_revision(["Write a poem about the sea", "continue", "make it shorter"], MODEL)
    assert not thread_revision(["Write a poem about the sea"], MODEL)
    never = RevisionModel(-100.0, tuple(0.0 for _ in FEATURES), 0.5)
    assert not thread_revision(["Write a poem about the sea", "make it shorter"], never)


def test_turns_read_once_per_decision_change_no_feature() -> None:
    """One ``Turns`` shared by every pair of a decision (``thread_revision``) gives each pair the
    features it gets alone; a turn met again under another role (previous, earlier, thread) too."""
    thread = [LETTER, "continue", "Écris plutôt une lettre pour Thalès, section IV", "make it shorter",
              "no, the second paragraph is wrong", "Write a cover letter for a data analyst job at Airbus"]
    shared = Turns()
    for end in range(2, len(thread) + 1):
        turns = thread[:end]
        previous = previous_request(turns, shared)
        assert previous == previous_request(turns)
        assert previous is not None
        earlier = turns[max(0, previous - 2):previous]
        for chained in (False, True):
            alone = pair_features(turns[previous], turns[-1], chained, earlier, turns[:-1])
            assert pair_features(turns[previous], turns[-1], chained, earlier, turns[:-1], shared) == alone
        assert coherence(turns, shared) == coherence(turns)
    decisions = [thread_revision(thread[:end], MODEL) for end in range(2, len(thread) + 1)]
    assert decisions == [thread_revision(thread[:end], MODEL, turns=shared) for end in range(2, len(thread) + 1)]
    assert decisions == [False, True, True, True, False]
    kept = Turns(keep=True)   # the gateway's: text-free features by digest, kept across requests
    for end in range(2, len(thread) + 1):
        assert thread_revision(thread[:end], MODEL, turns=kept) == decisions[end - 2]
        kept.done()
        assert not kept._digests   # no text is kept past a decision: keys are digests, values text-free
        assert all(isinstance(k, bytes) for k in (*kept._content, *kept._features))


def test_message_content_is_read_one_way() -> None:
    parts = [{"type": "text", "text": " Bonjour "}, {"type": "image_url", "image_url": {}}, {"content": "Résume"}]
    assert content_text(parts) == "Bonjour\nRésume"
    assert content_text(None) == "" and content_text("  texte ") == "texte"
    # a user's own JSON stays text (only a whole value logged as JSON is decoded)
    assert message_text([{"role": "user", "content": '{"a": 1}'}]) == '{"a": 1}'
    assert message_text('[{"role": "user", "content": "Plus court"}]') == "Plus court"
