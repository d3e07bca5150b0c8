"""The dashboard's persistence: accounts, sessions, login throttling, the data version and the rollup.

Only this module speaks SQL for the web layer; it returns plain records and Polars frames.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl
import sqlalchemy as sa

from sobria.store.gateway_tables import budgets
from sobria.store.store import Store
from sobria.store.tables import import_batches
from sobria.store.web_rollup import read_coverage, read_rollup, refresh_rollup
from sobria.store.web_tables import web_accounts, web_login_failures, web_oidc_flows, web_sessions


@dataclass(frozen=True)
class Account:
    username: str
    password_hash: str | None
    role: str
    team: str | None
    person: str | None


@dataclass(frozen=True)
class SessionRow:
    token_hash: str
    username: str | None
    csrf: str
    expires_us: int


@dataclass(frozen=True)
class OidcFlow:
    """A pending OpenID Connect sign-in: what the callback must find again (state hashed)."""

    state_hash: str
    session_hash: str
    nonce: str
    code_verifier: str
    expires_us: int


@dataclass(frozen=True)
class RollupRead:
    """The rollup rows as read, and the coverage (month -> events, newest ts) they reflect."""

    frame: pl.DataFrame
    coverage: dict[str, tuple[int, int]]


@dataclass(frozen=True)
class WebStore:
    store: Store

    def upsert_account(self, account: Account, now_us: int) -> None:
        values = {**account.__dict__, "created_us": now_us}
        with self.store.engine.begin() as conn:
            conn.execute(sa.delete(web_accounts).where(web_accounts.c.username == account.username))
            conn.execute(sa.insert(web_accounts).values(**values))

    def account(self, username: str) -> Account | None:
        with self.store.engine.connect() as conn:
            row = conn.execute(sa.select(web_accounts).where(web_accounts.c.username == username)).mappings().first()
        if row is None:
            return None
        return Account(row["username"], row["password_hash"], row["role"], row["team"], row["person"])

    def accounts(self) -> list[Account]:
        with self.store.engine.connect() as conn:
            rows = conn.execute(sa.select(web_accounts).order_by(web_accounts.c.username)).mappings().all()
        return [Account(r["username"], r["password_hash"], r["role"], r["team"], r["person"]) for r in rows]

    def add_session(self, row: SessionRow, now_us: int) -> None:
        with self.store.engine.begin() as conn:
            conn.execute(sa.delete(web_sessions).where(web_sessions.c.expires_us < now_us))
            conn.execute(sa.insert(web_sessions).values(**row.__dict__, created_us=now_us))

    def session(self, token_hash: str, now_us: int) -> SessionRow | None:
        with self.store.engine.connect() as conn:
            row = conn.execute(sa.select(web_sessions).where(web_sessions.c.token_hash == token_hash,
                                                             web_sessions.c.expires_us >= now_us)).mappings().first()
        if row is None:
            return None
        return SessionRow(row["token_hash"], row["username"], row["csrf"], row["expires_us"])

    def drop_session(self, token_hash: str) -> None:
        with self.store.engine.begin() as conn:
            conn.execute(sa.delete(web_sessions).where(web_sessions.c.token_hash == token_hash))

    def add_flow(self, flow: OidcFlow, now_us: int) -> None:
        with self.store.engine.begin() as conn:
            conn.execute(sa.delete(web_oidc_flows).where(web_oidc_flows.c.expires_us < now_us))
            conn.execute(sa.insert(web_oidc_flows).values(**flow.__dict__))

    def take_flow(self, state_hash: str, now_us: int) -> OidcFlow | None:
        """The flow of ``state_hash`` if not expired, deleted in the same transaction (one use only)."""
        with self.store.engine.begin() as conn:
            row = conn.execute(sa.select(web_oidc_flows).where(
                web_oidc_flows.c.state_hash == state_hash)).mappings().first()
            conn.execute(sa.delete(web_oidc_flows).where(web_oidc_flows.c.state_hash == state_hash))
        if row is None or row["expires_us"] < now_us:
            return None
        return OidcFlow(**dict(row))

    def failures(self, subject: str, window_start_us: int) -> int:
        """Failed sign-ins of ``subject`` in the window that began at or after ``window_start_us``."""
        with self.store.engine.connect() as conn:
            row = conn.execute(sa.select(web_login_failures).where(
                web_login_failures.c.subject == subject)).mappings().first()
        if row is None or row["window_start_us"] < window_start_us:
            return 0
        return int(row["failures"])

    def record_failure(self, subject: str, now_us: int, window_start_us: int) -> None:
        """Count one more failure; a failure after the window ended starts a new window at ``now_us``."""
        current = self.failures(subject, window_start_us)
        with self.store.engine.begin() as conn:
            row = conn.execute(sa.select(web_login_failures.c.window_start_us).where(
                web_login_failures.c.subject == subject)).first()
            start = int(row[0]) if (row is not None and current) else now_us
            conn.execute(sa.delete(web_login_failures).where(web_login_failures.c.subject == subject))
            conn.execute(sa.insert(web_login_failures).values(subject=subject, failures=current + 1,
                                                              window_start_us=start))

    def clear_failures(self, subject: str) -> None:
        with self.store.engine.begin() as conn:
            conn.execute(sa.delete(web_login_failures).where(web_login_failures.c.subject == subject))

    def data_version(self) -> tuple[Any, ...]:
        """Changes whenever events are written (a batch) or a gateway budget moves: the cache key."""
        with self.store.engine.connect() as conn:
            b = conn.execute(sa.select(sa.func.count(), sa.func.max(import_batches.c.finished_us),
                                       sa.func.sum(import_batches.c.rows_inserted))).one()
            g = conn.execute(sa.select(sa.func.count(), sa.func.sum(budgets.c.spent_ug))).one()
        return (*tuple(b), *tuple(g))

    def usage_rollup(self, previous: RollupRead | None = None) -> RollupRead:
        """Sums per person, team, tool, model, tier and month (``YYYY-MM``, UTC): every dashboard figure,
        from the rollup brought up to date first (:mod:`sobria.store.web_rollup`). Given the
        ``previous`` read, only the months whose coverage moved since (whoever refreshed them: this
        process or an import) are read again."""
        refresh_rollup(self.store)
        coverage = read_coverage(self.store)
        if previous is None:
            return RollupRead(read_rollup(self.store), coverage)
        moved = sorted(m for m in set(coverage) | set(previous.coverage) if coverage.get(m) != previous.coverage.get(m))
        if not moved:
            return RollupRead(previous.frame, coverage)
        kept = previous.frame.filter(~pl.col("month").is_in(moved))
        return RollupRead(pl.concat([kept, read_rollup(self.store, moved)]), coverage)

    def gateway_budgets(self) -> pl.DataFrame:
        with self.store.engine.connect() as conn:
            rows = conn.execute(sa.select(budgets.c.team, budgets.c.month,
                                          (budgets.c.reserved_ug / 1e9).label("reserved_kgco2e"),
                                          (budgets.c.spent_ug / 1e9).label("spent_kgco2e"))).all()
        return pl.DataFrame(rows, orient="row", schema={"team": pl.Utf8, "month": pl.Utf8,
                                                        "reserved_kgco2e": pl.Float64, "spent_kgco2e": pl.Float64})

