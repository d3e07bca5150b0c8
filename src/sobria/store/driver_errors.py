"""Driver errors that are the person's to fix (a lock held too long, a file that is not a database).

Both write paths of the store map them here: SQLAlchemy's (every dialect) and the ADBC SQLite
loader's (:mod:`sobria.store.sqlite_load`), so that either gives exit 2 and one clear message.
"""

from __future__ import annotations

from sobria.errors import Location, UserInputError

_USER_ERRORS = {  # words of a driver error -> message: the store's state, not a programming error
    "database is locked": "store.locked",
    "file is not a database": "store.not_a_database",
    "lock timeout": "store.locked",
    "could not obtain lock": "store.locked",
}


def user_error(reason: str, database: str) -> UserInputError | None:
    """The user error a driver message ``reason`` about ``database`` means, or None (a bug: raise it)."""
    text = reason.lower()
    for words, key in _USER_ERRORS.items():
        if words in text:
            return UserInputError(key, {"path": database}, Location(parameter="SOBRIA_DB"))
    return None
