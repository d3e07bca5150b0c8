"""Persistence behind one interface: SQLite by default, PostgreSQL through the same code."""

from sobria.store.store import Store, open_initialised_store, open_store

__all__ = ["Store", "open_initialised_store", "open_store"]
