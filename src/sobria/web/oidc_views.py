"""The OpenID Connect routes: start a sign-in at the provider, come back with a verified identity."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from sobria.web.guard import current_session
from sobria.web.oidc import OidcError

if TYPE_CHECKING:
    from sobria.web.app import Form, WebApp

log = logging.getLogger(__name__)
CALLBACK = "/login/oidc/callback"


def _redirect_uri(request: Request) -> str:
    return str(request.base_url).rstrip("/") + CALLBACK


def oidc_start(web: WebApp, request: Request, _form: Form) -> Response:
    if web.oidc is None:
        raise HTTPException(404)
    session = current_session(request, web.auth)
    fresh = session is None
    session = session or web.auth.new_session(None)
    try:
        url = web.oidc.start(session.row.token_hash, _redirect_uri(request))
    except (OidcError, KeyError) as exc:  # provider down or its discovery unusable
        log.warning("OpenID Connect: cannot start a sign-in: %s", exc)
        return web.html(request, "login.html", session, status=502, failed=False, oidc_failed=True)
    response = RedirectResponse(url, status_code=303)
    if fresh:
        web.set_session_cookie(response, session)
    return response


def oidc_callback(web: WebApp, request: Request, _form: Form) -> Response:
    if web.oidc is None:
        raise HTTPException(404)
    old = current_session(request, web.auth)
    params = {k: v for k, v in request.query_params.items()}
    try:
        if old is None:
            raise OidcError("no browser session")
        who = web.oidc.finish(old.row.token_hash, params, _redirect_uri(request))
    except OidcError as exc:
        log.warning("OpenID Connect: sign-in refused: %s", exc)
        return web.html(request, "login.html", old, status=401, failed=False, oidc_failed=True)
    web.auth.external_account(who.username, who.role, who.team, who.person)
    session = web.auth.sign_in(old, who.username)
    response = RedirectResponse("/", status_code=303)
    web.set_session_cookie(response, session)
    return response


ROUTES: list[tuple[str, Any, list[str]]] = [
    ("/login/oidc", oidc_start, ["GET"]),
    (CALLBACK, oidc_callback, ["GET"]),
]
