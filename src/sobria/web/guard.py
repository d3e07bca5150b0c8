"""Who is asking: the session behind a request, its role checked on the server for every route."""

from __future__ import annotations

import hmac
from collections.abc import Collection
from dataclasses import dataclass

from starlette.exceptions import HTTPException
from starlette.requests import Request

from sobria.i18n import LANGS
from sobria.store.web_store import Account
from sobria.web.auth import Auth, Session

COOKIE = "sobria_session"
LANG_COOKIE = "sobria_lang"
FIGURES = ("admin", "direction", "committee")   # every aggregated figure of the organisation
COMMITTEE_WRITE = ("admin", "committee")


class SignInNeeded(Exception):  # noqa: N818 - a control-flow signal, turned into a redirect or a 401
    """No signed-in session: HTML pages redirect to the sign-in form, JSON answers 401."""


@dataclass(frozen=True)
class Viewer:
    session: Session
    account: Account

    @property
    def role(self) -> str:
        return self.account.role


def current_session(request: Request, auth: Auth) -> Session | None:
    return auth.session(request.cookies.get(COOKIE))


def require(request: Request, auth: Auth, roles: Collection[str]) -> Viewer:
    """The signed-in viewer when their role is one of ``roles``; 403 otherwise (nothing else said)."""
    session = current_session(request, auth)
    if session is None or session.account is None:
        raise SignInNeeded
    if session.account.role not in roles:
        raise HTTPException(403)
    return Viewer(session, session.account)


def require_team(viewer: Viewer, team: str) -> None:
    """A team lead sees only their own team; the figure roles see any team."""
    if viewer.role in FIGURES:
        return
    if viewer.role == "team_lead" and viewer.account.team == team:
        return
    raise HTTPException(403)


def check_csrf(session: Session | None, sent: object) -> None:
    if session is None or not isinstance(sent, str) or not hmac.compare_digest(sent, session.row.csrf):
        raise HTTPException(403)


def page_lang(request: Request, default: str) -> str:
    asked = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE)
    return asked if asked in LANGS else default
