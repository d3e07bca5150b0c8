"""Chains inside one conversation (mh3): complaints, edits, restatements, another version; the
look-alikes that must not link; old mh2 fingerprints; full word sketches."""

from __future__ import annotations

import polars as pl
import pytest

from sobria.audit.chains import retry_links
from sobria.audit.waste import detect_waste
from sobria.catalog import Catalog
from sobria.events.fingerprint import MAX_WORDS, fingerprint, parse
from sobria.events.intent import REQUEST, VARIATION
from tests.audit.test_waste import chat, rows_of

SUPERHERO = "Create a superhero with an amazing support power"


def one_conversation(*texts: str) -> pl.DataFrame:
    return chat([{"text": t, "conv": "a"} for t in texts])


@pytest.mark.parametrize("complaint", [
    "No, this is not what I want.", "That doesn't work", "I did this and I still get an error 404",
    "the 5 selling points above are not 80-90 characters", "incorrect assumption, divide the sum by 4",
    "Ce n'est pas ce que je veux.", "Ça ne marche toujours pas", "Encore une erreur", "C'est faux, recommence",
])
def test_a_complaint_about_the_answer_links_to_the_request(catalog: Catalog, complaint: str) -> None:
    flagged = detect_waste(one_conversation("Write a Python script that renames my photos by date", complaint),
                           catalog)
    assert rows_of(flagged) == [("e1", "reformulation", "e0")]


@pytest.mark.parametrize("variation", [
    "give me 5 best", "Any other ideas?", "please create complete script.", "make it sound more exciting",
    "in context of the RBC model", "Let's try some other short story ideas that deal with abandonment.",
    "Donne-moi d'autres idées de titres", "Mets-le sous forme de tableau", "Avec un ton plus dynamique",
])
def test_another_take_links_to_the_request(catalog: Catalog, variation: str) -> None:
    flagged = detect_waste(one_conversation("Recommend short film ideas that deal with abandonment", variation),
                           catalog)
    assert rows_of(flagged) == [("e1", "reformulation", "e0")]


def test_a_retry_after_continue_links_to_the_continued_request(catalog: Catalog) -> None:
    flagged = detect_waste(one_conversation(SUPERHERO, "continue", "more", "Not what I asked for."), catalog)
    assert rows_of(flagged) == [("e3", "reformulation", "e0")]


def test_another_version_of_the_same_deliverable_links(catalog: Catalog) -> None:
    flagged = detect_waste(one_conversation(SUPERHERO, "Create a unique support power",
                                            "Create a bizarre support power"), catalog)
    assert rows_of(flagged) == [("e1", "reformulation", "e0"), ("e2", "reformulation", "e0")]


def test_a_restated_question_links(catalog: Catalog) -> None:
    flagged = detect_waste(one_conversation(
        "Recommend short film ideas that deal with abandonment that can be shot in one room.",
        "Any short film ideas that can be shot in one location that deals with abandonment?"), catalog)
    assert rows_of(flagged) == [("e1", "reformulation", "e0")]


@pytest.mark.parametrize("texts", [
    ("Write a version where the man asks if the dog can lend him some money.",
     "Write a version where the man asks if the dog can help with his math homework."),
    ("le code complet de User.php", "le code complet de LikeDislike.php"),
    ("provide content for Section 5: Sitting with a Neutral Spine", "provide content for Section 8: Benefits"),
    ("Explain Kafka partitions", "How do I check the partitions of a topic?"),
    ("Write a Python script that renames my photos by date", "Now add comments to the code"),
    ("Write a Python script that renames my photos by date", "Please continue"),
    ("Write a Python script that renames my photos by date", "correct, next"),
])
def test_not_waste_inside_a_conversation(catalog: Catalog, texts: tuple[str, str]) -> None:
    assert detect_waste(one_conversation(*texts), catalog).height == 0


def test_flags() -> None:
    assert parse(fingerprint("Create a unique support power")).flags == REQUEST | VARIATION
    assert parse(fingerprint("What is the capital of France?")).flags == 0


def test_old_mh2_fingerprints_are_read_and_linked(catalog: Catalog) -> None:
    frame = one_conversation(SUPERHERO, SUPERHERO, "x")
    mh2 = "mh2:r:" + fingerprint("x")[8:]             # an mh2 "try again" prompt, as stored before mh3
    old = frame.with_columns(pl.Series("prompt_fingerprint", [
        "mh2:n:" + fp[8:] for fp in frame["prompt_fingerprint"][:2]] + [mh2]))
    assert rows_of(detect_waste(old, catalog)) == [("e1", "regeneration", "e0"), ("e2", "reformulation", "e0")]


def test_mixed_and_broken_versions_do_not_crash(catalog: Catalog) -> None:
    frame = one_conversation(SUPERHERO, SUPERHERO, SUPERHERO)
    fps = frame["prompt_fingerprint"].to_list()
    mixed = frame.with_columns(pl.Series("prompt_fingerprint", [
        "mh2:n:" + fps[0][8:], fps[1][:6] + "z" + fps[1][7:], "mh3:n:2:" + "zz" * 128 + ":"]))
    assert rows_of(detect_waste(mixed, catalog)) == [("e1", "regeneration", "e0")]


def test_full_word_sketches_compare_below_their_cutoff(catalog: Catalog) -> None:
    """A long prompt keeps its 24 smallest word hashes: the same prompt with more words added can
    lose some of them; they are compared only below the smaller sketch's largest hash."""
    words = " ".join(f"word{chr(97 + i)}{chr(97 + j)}" for i in range(6) for j in range(6))
    base, longer = f"Explain these terms: {words}", f"Explain these terms: {words} and also gamma delta epsilon"
    assert len(parse(fingerprint(base)).words) == MAX_WORDS
    assert len(parse(fingerprint(base)).words - parse(fingerprint(longer)).words) > 0
    assert rows_of(detect_waste(one_conversation(base, longer), catalog)) == [("e1", "reformulation", "e0")]


def test_retry_links_skip_continuations() -> None:
    frame = pl.DataFrame({"row": [0, 1, 2, 3, 4], "session": [1, 1, 1, 1, 2],
                          "thread": ["a", "a", "b", "a", "a"], "cue": ["n", "c", "r", "r", "r"],
                          "thread_signal": [None] * 5}, schema_overrides={"thread_signal": pl.Utf8})
    child, parent = retry_links(frame)
    assert (child.tolist(), parent.tolist()) == ([3], [0])


def test_a_revision_signal_links_like_a_retry_cue_and_never_a_continuation() -> None:
    """The thread signal ``revision`` (``events.revision``, read with the previous user turn) links a
    prompt whose own wording has no retry cue; a "continue" prompt never links, whatever the signal."""
    frame = pl.DataFrame({"row": [0, 1, 2, 3, 4], "session": [1, 1, 1, 1, 1], "thread": ["a"] * 5,
                          "cue": ["n", "n", "n", "c", "r"],
                          "thread_signal": ["new", "revision", "new", "revision", "new"]})
    child, parent = retry_links(frame)
    assert (child.tolist(), parent.tolist()) == ([1, 4], [0, 2])


@pytest.mark.parametrize("correction", [
    "Sorry. I meant that I'm the author, so each project has its own client", "i mean from Hana Farms, proceed",
    "I don't want a memo but a word document", "Ok c'est pas mal. J'ai oublié de te dire le but. Tu peux refaire ?",
    "Sorry, as you can see the image didn't show up successfully", "Make them wittier",
    "hmm can you make it more playful?", "This is very descriptive. How about adding some measurable results?",
    'annot run program "model.py": error=13, Permission denied. solve this',
    "Exception in thread main java.io.IOException: Cannot run program python",
])
def test_corrections_edits_and_errors_pasted_back_link_to_the_request(catalog: Catalog, correction: str) -> None:
    flagged = detect_waste(one_conversation("Write a Python script that renames my photos by date", correction),
                           catalog)
    assert rows_of(flagged) == [("e1", "reformulation", "e0")]


@pytest.mark.parametrize("question", [
    "why do you think validation is simpler when data is organised hierarchically?",
    "What are the ingredients for the turbo fuel recipe again?", "Traduis en anglais : « La réunion est décalée. »",
    "more?", "now add to this the use of the introsort algorithm",
])
def test_questions_translations_and_continuations_do_not_link(catalog: Catalog, question: str) -> None:
    flagged = detect_waste(one_conversation("Write a Python script that renames my photos by date", question),
                           catalog)
    assert rows_of(flagged) == []


def test_without_conversation_ids_the_session_stands_for_the_conversation(catalog: Catalog) -> None:
    rows = [{"text": "Write a Python script that renames my photos by date", "conv": None},
            {"text": "That doesn't work", "conv": None},
            {"text": "That doesn't work", "conv": None, "person": "q"},          # nothing before it for q
            {"text": "That doesn't work", "conv": None, "minute": 60}]          # another session
    assert rows_of(detect_waste(chat(rows), catalog)) == [("e1", "reformulation", "e0")]


def test_thread_turns_link_a_redone_turn_to_the_last_request_at_that_turn(catalog: Catalog) -> None:
    texts = ["Write a haiku about the sea", "Now one about the mountains", "Now one about the mountains",
             "Now one about the hills", "Thanks, and what is the capital of Peru?"]
    events = one_conversation(*texts).with_columns(
        pl.Series("thread_turn", [1, 2, 2, 2, 3], pl.Int64),
        pl.Series("thread_signal", ["new", "new", "regeneration", "edit", "new"], pl.Utf8))
    assert rows_of(detect_waste(events, catalog)) == [("e2", "regeneration", "e1"), ("e3", "reformulation", "e1")]
    events = events.with_columns(pl.lit(None, pl.Utf8).alias("thread_signal"))       # derived from the fingerprints
    assert rows_of(detect_waste(events, catalog)) == [("e2", "regeneration", "e1"), ("e3", "reformulation", "e1")]
