"""BERT's uncased WordPiece tokenizer (lower case, accents stripped, punctuation split, greedy
longest-match sub-words), read from a model's ``vocab.txt``: what ``events.semantic`` feeds its
model, without a tokenizer library."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

MAX_WORD_CHARS = 100


@dataclass(frozen=True)
class WordPiece:
    vocab: dict[str, int]
    unknown: int
    cls: int
    sep: int

    @classmethod
    def from_file(cls, path: Path) -> WordPiece:
        tokens = path.read_text(encoding="utf-8").splitlines()
        vocab = {t: i for i, t in enumerate(tokens)}
        return cls(vocab, vocab["[UNK]"], vocab["[CLS]"], vocab["[SEP]"])

    def ids(self, text: str, max_tokens: int) -> list[int]:
        """``[CLS]`` + the sub-word ids of ``text`` + ``[SEP]``, at most ``max_tokens`` in all."""
        out = [self.cls]
        budget = max_tokens - 2
        for word in basic_words(text):
            out.extend(self._pieces(word))
            if len(out) > budget:
                del out[budget + 1:]
                break
        out.append(self.sep)
        return out

    def _pieces(self, word: str) -> list[int]:
        if len(word) > MAX_WORD_CHARS:
            return [self.unknown]
        pieces: list[int] = []
        start = 0
        while start < len(word):
            end = len(word)
            found = None
            while start < end:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                found = self.vocab.get(piece)
                if found is not None:
                    break
                end -= 1
            if found is None:
                return [self.unknown]
            pieces.append(found)
            start = end
        return pieces


def basic_words(text: str) -> list[str]:
    """Lower case, accents removed, control characters dropped, split on white space, around
    punctuation and around CJK ideographs (BERT's basic tokenizer)."""
    folded = unicodedata.normalize("NFD", text.lower())
    words: list[str] = []
    current: list[str] = []
    for ch in folded:
        category = unicodedata.category(ch)
        if category == "Mn" or ch == "\ufffd" or (category.startswith("C") and ch not in "\t\n\r"):
            continue
        if ch.isspace():
            _flush(current, words)
        elif _is_punctuation(ch, category) or _is_cjk(ord(ch)):
            _flush(current, words)
            words.append(ch)
        else:
            current.append(ch)
    _flush(current, words)
    return words


def _flush(current: list[str], words: list[str]) -> None:
    if current:
        words.append("".join(current))
        current.clear()


def _is_punctuation(ch: str, category: str) -> bool:
    code = ord(ch)
    return 33 <= code <= 47 or 58 <= code <= 64 or 91 <= code <= 96 or 123 <= code <= 126 or category.startswith("P")


def _is_cjk(code: int) -> bool:
    return (0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0x20000 <= code <= 0x2A6DF
            or 0xF900 <= code <= 0xFAFF or 0x2F800 <= code <= 0x2FA1F)
