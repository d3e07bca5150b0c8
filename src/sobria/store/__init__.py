"""Persistence behind one interface: SQLite by default, PostgreSQL through the same code."""

from sobria.store.gateway_store import BudgetMove, GatewayBatch, KeyRecord, Reservation
from sobria.store.store import Store, StoreUnavailableError, open_initialised_store, open_store
from sobria.store.tables import event_column_names

__all__ = ["BudgetMove", "GatewayBatch", "KeyRecord", "Reservation", "Store", "StoreUnavailableError",
           "event_column_names", "open_initialised_store", "open_store"]
