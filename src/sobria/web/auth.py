"""Sign-in: scrypt password hashes, server-side sessions, CSRF tokens, login throttling, roles.

A session is a random token in an HttpOnly, SameSite=Strict cookie; the store keeps only its
SHA-256. Every visitor gets a session (anonymous before sign-in) so that the login form carries a
CSRF token too; signing in replaces it with a new token (no session fixation).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from sobria.errors import Location, UserInputError
from sobria.store.web_store import Account, SessionRow, WebStore

ROLES = ("admin", "direction", "committee", "team_lead", "employee")
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
SESSION_SECONDS = 8 * 3600
MAX_FAILURES = 5                 # failed sign-ins per account (and per client address) ...
FAILURE_WINDOW_SECONDS = 15 * 60  # ... within this window, then refused until it ends
MIN_PASSWORD = 12


def hash_password(password: str, salt: bytes | None = None) -> str:
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str | None) -> bool:
    if not stored or not stored.startswith("scrypt$"):
        return False
    _, n, r, p, salt, digest = stored.split("$")
    candidate = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p),
                               dklen=len(digest) // 2)
    return hmac.compare_digest(candidate.hex(), digest)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def check_account(username: str, role: str, team: str | None, person: str | None) -> None:
    """A user error naming the parameter when an account's fields do not fit its role."""
    if not username.strip():
        raise UserInputError("web.error.no_username", {}, Location(parameter="--username"))
    if role not in ROLES:
        raise UserInputError("web.error.bad_role", {"role": role, "expected": ", ".join(ROLES)},
                             Location(parameter="--role"))
    if role == "team_lead" and not team:
        raise UserInputError("web.error.team_needed", {}, Location(parameter="--team"))
    if role == "employee" and not person:
        raise UserInputError("web.error.person_needed", {}, Location(parameter="--person"))


@dataclass(frozen=True)
class Session:
    token: str          # the cookie value (only known right after creation) or "" when read back
    row: SessionRow
    account: Account | None


@dataclass(frozen=True)
class Auth:
    web: WebStore
    clock_us: Callable[[], int]

    def create_account(self, username: str, password: str | None, role: str, team: str | None = None,
                       person: str | None = None) -> Account:
        check_account(username, role, team, person)
        if password is not None and len(password) < MIN_PASSWORD:
            raise UserInputError("web.error.short_password", {"min": MIN_PASSWORD}, Location(parameter="--password"))
        account = Account(username.strip(), hash_password(password) if password else None, role, team, person)
        self.web.upsert_account(account, self.clock_us())
        return account

    def new_session(self, username: str | None) -> Session:
        token = secrets.token_urlsafe(32)
        now = self.clock_us()
        row = SessionRow(token_hash(token), username, secrets.token_urlsafe(32), now + SESSION_SECONDS * 1_000_000)
        self.web.add_session(row, now)
        return Session(token, row, self.web.account(username) if username else None)

    def session(self, token: str | None) -> Session | None:
        if not token:
            return None
        row = self.web.session(token_hash(token), self.clock_us())
        if row is None:
            return None
        account = self.web.account(row.username) if row.username else None
        return Session(token, row, account)

    def throttled(self, subjects: list[str]) -> bool:
        start = self.clock_us() - FAILURE_WINDOW_SECONDS * 1_000_000
        return any(self.web.failures(s, start) >= MAX_FAILURES for s in subjects)

    def login(self, old: Session | None, username: str, password: str, client: str) -> Session | None:
        """The new signed-in session, or None (wrong password, or throttled: no hash is even tried)."""
        subjects = [f"user:{username}", f"addr:{client}"]
        if self.throttled(subjects):
            return None
        account = self.web.account(username)
        if account is None or not verify_password(password, account.password_hash):
            start = self.clock_us() - FAILURE_WINDOW_SECONDS * 1_000_000
            for s in subjects:
                self.web.record_failure(s, self.clock_us(), start)
            return None
        self.web.clear_failures(subjects[0])
        return self.sign_in(old, account.username)

    def external_account(self, username: str, role: str, team: str | None, person: str | None) -> Account:
        """The account of a user the identity provider vouched for: role from its groups, local
        password (if any) kept."""
        known = self.web.account(username)
        account = Account(username, known.password_hash if known else None, role, team, person)
        self.web.upsert_account(account, self.clock_us())
        return account

    def sign_in(self, old: Session | None, username: str) -> Session:
        """Drop the old session and start a new one (new token, new CSRF token)."""
        if old is not None:
            self.web.drop_session(old.row.token_hash)
        return self.new_session(username)

    def logout(self, session: Session) -> None:
        self.web.drop_session(session.row.token_hash)
