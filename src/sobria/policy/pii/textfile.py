"""Reading a text file as UTF-8, every failure turned into a user error that names the file."""

from __future__ import annotations

from pathlib import Path

from sobria.errors import Location, UserInputError


def decode_utf8(raw: bytes, source: str) -> str:
    """``raw`` decoded as UTF-8 (a byte-order mark is dropped); ``source`` names it in errors."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UserInputError("pii.error.not_utf8", {"file": source, "offset": exc.start},
                             Location(file=source)) from None


def read_utf8(path: Path) -> str:
    """The text of ``path``; a missing, unreadable or non-UTF-8 file is a :class:`UserInputError`."""
    source = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise UserInputError("pii.error.missing", {"file": source}, Location(file=source)) from None
    except IsADirectoryError:
        raise UserInputError("pii.error.directory", {"file": source}, Location(file=source)) from None
    except PermissionError:
        raise UserInputError("pii.error.permission", {"file": source}, Location(file=source)) from None
    except OSError as exc:
        raise UserInputError("pii.error.unreadable", {"file": source, "reason": exc.strerror or type(exc).__name__},
                             Location(file=source)) from None
    return decode_utf8(raw, source)
