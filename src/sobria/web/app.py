"""The Starlette application: routes, the one place where errors become HTTP answers."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from sobria.errors import UserInputError
from sobria.store.web_store import WebStore
from sobria.web import governance_views, oidc_views, views
from sobria.web.auth import SESSION_SECONDS, Auth, Session
from sobria.web.governance import Governance
from sobria.web.guard import COOKIE, LANG_COOKIE, SignInNeeded, page_lang
from sobria.web.oidc import OidcClient, OidcConfig
from sobria.web.pages import Figures
from sobria.web.render import Renderer

Form = dict[str, str]
Handler = Callable[["WebApp", Request, Form], Response]


@dataclass(frozen=True)
class WebConfig:
    lang: str = "fr"
    secure_cookies: bool = True
    inventory: Path | None = None        # the AI Act inventory (YAML) shown and used by the committee pack
    questionnaire: Path | None = None    # the maturity questionnaire (YAML or CSV)


@dataclass(frozen=True)
class WebApp:
    figures: Figures
    auth: Auth
    renderer: Renderer
    config: WebConfig
    oidc: OidcClient | None = None

    @property
    def governance(self) -> Governance:
        return Governance(self.figures, self.config.inventory, self.config.questionnaire)

    def lang(self, request: Request) -> str:
        return page_lang(request, self.config.lang)

    def html(self, request: Request, template: str, session: Session | None, status: int = 200,
             **context: object) -> Response:
        """A page; a visitor without a session gets an anonymous one (its CSRF token feeds the forms)."""
        fresh = session is None
        session = session or self.auth.new_session(None)
        lang = self.lang(request)
        body = self.renderer.page(template, lang, session=session, account=session.account,
                                  csrf=session.row.csrf, path=request.url.path,
                                  oidc=self.oidc is not None, **context)
        response = HTMLResponse(body, status_code=status)
        if fresh:
            self.set_session_cookie(response, session)
        if request.query_params.get("lang") == lang:
            response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, httponly=True, samesite="strict",
                                secure=self.config.secure_cookies)
        return response

    def set_session_cookie(self, response: Response, session: Session) -> None:
        response.set_cookie(COOKIE, session.token, max_age=SESSION_SECONDS, httponly=True, samesite="strict",
                            secure=self.config.secure_cookies, path="/")


def create_app(figures: Figures, config: WebConfig | None = None,
               clock_us: Callable[[], int] | None = None, oidc: OidcConfig | None = None) -> Starlette:
    """The dashboard over ``figures`` (store, charter, catalogue), with OpenID Connect sign-in when
    ``oidc`` is given; ``clock_us`` is injectable for tests."""
    clock = clock_us or (lambda: time.time_ns() // 1000)
    store = WebStore(figures.store)
    web = WebApp(figures, Auth(store, clock), Renderer.create(), config or WebConfig(),
                 OidcClient(oidc, store, clock) if oidc is not None else None)

    def bind(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            form: Form = {}
            if request.method == "POST":
                async with request.form(max_files=0, max_fields=50) as data:
                    form = {k: v for k, v in data.items() if isinstance(v, str)}
            return await run_in_threadpool(handler, web, request, form)
        return endpoint

    table = [*views.ROUTES, *oidc_views.ROUTES, *governance_views.ROUTES]
    routes: list[BaseRoute] = [Route(path, bind(handler), methods=methods) for path, handler, methods in table]
    static = StaticFiles(directory=str(resources.files("sobria.web") / "static"))
    routes.append(Mount("/static", static, name="static"))

    async def sign_in_needed(request: Request, _exc: Exception) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": "unauthenticated"}, status_code=401)
        return RedirectResponse("/login", status_code=303)

    async def http_error(request: Request, exc: Exception) -> Response:
        code = exc.status_code if isinstance(exc, HTTPException) else 500
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": code}, status_code=code)
        t = web.renderer.translators[web.lang(request)]
        return PlainTextResponse(t(f"web.http.{code}") if f"web.http.{code}" in t.messages else str(code),
                                 status_code=code)

    async def user_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, UserInputError)
        t = web.renderer.translators[web.lang(request)]
        return PlainTextResponse(t.error(exc), status_code=400)

    return Starlette(routes=routes, exception_handlers={SignInNeeded: sign_in_needed, HTTPException: http_error,
                                                        UserInputError: user_error})
