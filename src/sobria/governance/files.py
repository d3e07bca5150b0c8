"""Reading the files people give the governance commands (questionnaires, training records)."""

from __future__ import annotations

from pathlib import Path

from sobria.errors import Location, UserInputError


def read_user_text(path: Path) -> str:
    """The UTF-8 text of ``path`` (a byte-order mark is accepted); a user error names the file."""
    name = str(path)
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise UserInputError("gov.input.file_missing", {"path": name}, Location(file=name)) from None
    except UnicodeDecodeError:
        raise UserInputError("gov.input.file_encoding", {}, Location(file=name)) from None
    except OSError:  # a directory, a device without permission...
        raise UserInputError("gov.input.unreadable", {"path": name}, Location(file=name)) from None
