"""The dashboard's tables: local accounts, sign-in sessions, login throttling, OpenID Connect flows.

Created by migrations ``0800_web`` and ``1000_web_oidc``. Passwords are stored as scrypt hashes, session ids as the
SHA-256 of the cookie's token (a stolen database gives no usable cookie).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Float, Index, Integer, String, Table, Text

from sobria.store.tables import metadata

web_accounts = Table(
    "web_accounts", metadata,
    Column("username", String(200), primary_key=True),
    Column("password_hash", Text, nullable=True),  # None: signs in through OpenID Connect only
    Column("role", String(32), nullable=False),
    Column("team", String(200), nullable=True),
    Column("person", Text, nullable=True),
    Column("created_us", BigInteger, nullable=False),
)
web_sessions = Table(
    "web_sessions", metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("username", String(200), nullable=True),  # None: an anonymous session (CSRF of the login form)
    Column("csrf", String(64), nullable=False),
    Column("created_us", BigInteger, nullable=False),
    Column("expires_us", BigInteger, nullable=False),
)
web_login_failures = Table(
    "web_login_failures", metadata,
    Column("subject", String(300), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("window_start_us", BigInteger, nullable=False),
)
web_oidc_flows = Table(  # migration 1000_web_oidc: one pending OpenID Connect sign-in per row
    "web_oidc_flows", metadata,
    Column("state_hash", String(64), primary_key=True),   # SHA-256 of the ``state`` sent to the provider
    Column("session_hash", String(64), nullable=False),   # the browser session that started it
    Column("nonce", String(64), nullable=False),
    Column("code_verifier", String(128), nullable=False),  # PKCE (S256)
    Column("expires_us", BigInteger, nullable=False),
)
ROLLUP_KEYS = ("person", "team", "tool", "model", "tier")
ROLLUP_SUMS = ("request_count", "gwp_kgco2e_min", "gwp_kgco2e_max", "energy_kwh_min", "energy_kwh_max",
               "water_l_min", "water_l_max", "est_cost_eur")
web_rollup = Table(  # migration 1010_web_rollup: event sums per person x cell x month (store.web_rollup)
    "web_rollup", metadata,
    Column("month", String(7), nullable=False),
    *(Column(k, Text, nullable=True) for k in ROLLUP_KEYS),
    Column("request_count", BigInteger, nullable=True),
    *(Column(c, Float, nullable=True) for c in ROLLUP_SUMS[1:]),
)
Index("web_rollup_month", web_rollup.c.month)
web_rollup_months = Table(  # what each month's rows cover: its events when rolled up, the newest ts_us then
    "web_rollup_months", metadata,
    Column("month", String(7), primary_key=True),
    Column("events", BigInteger, nullable=False),
    Column("max_ts_us", BigInteger, nullable=False),
)
