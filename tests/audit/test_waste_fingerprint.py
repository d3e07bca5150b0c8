"""Prompt fingerprints (mh3): layout, cues, flags, stems, salient words, old mh1/mh2 values, speed."""

from __future__ import annotations

import pytest

from sobria.events.fingerprint import (
    MINHASH_HEX,
    SALIENT_BIT,
    cue_of,
    fingerprint,
    minhash_hex,
    normalise_text,
    parse,
    similarity,
    stem,
    word_hashes,
)
from sobria.events.intent import REQUEST

MAIL = "Rédige un e-mail à Boulangeries Martin pour relancer notre proposition sur la sobriété numérique."
# The same text fingerprinted by version mh1 (before mh2 existed).
MAIL_MH1 = ("mh1:00cb6e2d006c833e0153097803958bf1000b4d160003309d00276336000475ca02ecc53b0c1dd17901c0e91c05e7e103"
            "01a3c12b023219d502e49836005773f805bf752600d51a7d0000797c005b7a7603a8ddc2004fdf6d0001ea7902c65d0e"
            "006275ff02ad6ccf01c7178400deedbb00508169008f8286008b9d4f02795874")
# The same text fingerprinted by version mh2 (before mh3 existed): same MinHash, words not stemmed.
MAIL_MH2 = "mh2:n:" + MAIL_MH1[4:] + ":9b3d2c4844ab4726d7f06a3378df"


def test_layout_and_identity() -> None:
    fp = fingerprint(MAIL)
    version, cue, flags, minhash, words = fp.split(":")
    assert (version, cue, flags, len(minhash), len(words) % 4) == ("mh3", "n", "2", MINHASH_HEX, 0)
    assert parse(fp).flags == REQUEST     # "Rédige…" asks for a deliverable
    assert fp == fingerprint(MAIL)
    assert similarity(fp, fingerprint("  rédige UN e-mail à boulangeries martin pour relancer notre proposition "
                                      "sur la sobriete numerique.")) == 1.0


def test_salient_words_are_marked() -> None:
    salient = {w & (SALIENT_BIT - 1) for w in parse(fingerprint(MAIL)).words if w & SALIENT_BIT}
    plain = parse(fingerprint(MAIL.replace("Boulangeries Martin", "boulangeries martin"))).words
    assert len(salient) == 2
    assert salient <= plain
    assert len(parse(fingerprint(MAIL)).words) == 7


@pytest.mark.parametrize(("text", "cue"), [
    ("Plus court.", "r"), ("Une autre version, s'il te plaît.", "r"),
    ("Non, recommence avec un ton plus dynamique.", "r"),
    ("Try again but keep the numbers.", "r"), ("Write the same story but in the style of Borges", "r"),
    ("Continue.", "c"), ("La suite, s'il te plaît.", "c"), ("Please continue", "c"), ("correct, next", "c"),
    (MAIL, "n"),
    ("Rewrite the following paragraph in plain English for our new clients: our offer now covers three sites.", "n"),
])
def test_cues(text: str, cue: str) -> None:
    assert cue_of(normalise_text(text)) == cue
    assert fingerprint(text)[4] == cue


def test_old_mh1_values_still_compare() -> None:
    assert "mh1:" + minhash_hex(normalise_text(MAIL)) == MAIL_MH1
    assert similarity(MAIL_MH1, fingerprint(MAIL)) == 1.0
    assert parse(MAIL_MH1).cue == "n"
    assert parse(MAIL_MH1).words == frozenset()


def test_old_mh2_values_still_compare() -> None:
    old = parse(MAIL_MH2)
    assert (old.cue, old.flags, len(old.words)) == ("n", 0, 7)
    assert old.words == parse(fingerprint(MAIL)).words   # no word of this text changes when stemmed
    assert similarity(MAIL_MH2, fingerprint(MAIL)) == 1.0
    assert similarity(MAIL_MH2, MAIL_MH1) == 1.0


@pytest.mark.parametrize("bad", ["mh4:abc", "mh1:zz", "mh2:n:" + "0" * MINHASH_HEX + ":abc",
                                 "mh3:n:z:" + "0" * MINHASH_HEX + ":", "mh3:n:" + "0" * MINHASH_HEX + ":", "garbage"])
def test_bad_values_raise(bad: str) -> None:
    with pytest.raises(ValueError, match="not a mh3 fingerprint"):
        parse(bad)


@pytest.mark.parametrize(("word", "stemmed"), [
    ("ideas", "idea"), ("idea", "idea"), ("idees", "idee"), ("stories", "story"), ("abandonment", "abando"),
    ("abandoned", "abando"), ("class", "class"), ("analysis", "analys"), ("writing", "writ"), ("bus", "bus"),
])
def test_stems(word: str, stemmed: str) -> None:
    assert stem(word) == stemmed


def test_stemmed_words_match() -> None:
    assert word_hashes("Recommend short film ideas") == word_hashes("recommend a short film idea")


def test_empty_text() -> None:
    assert parse(fingerprint("")).words == frozenset()
    assert similarity(fingerprint(""), fingerprint("")) == 1.0

