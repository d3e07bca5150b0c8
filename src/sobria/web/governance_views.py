"""The governance routes: adoption, AI Act, training, maturity, and the downloads (report, pack, charter).

Every one is for the roles that see the organisation's aggregated figures (admin, direction,
committee): a team lead or an employee gets 403 and nothing else.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from markupsafe import Markup
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from sobria.governance.maturity.json_output import reason_text
from sobria.web.guard import FIGURES, require

if TYPE_CHECKING:
    from sobria.web.app import Form, WebApp

FORMATS = ("html", "pdf")


def _today(web: WebApp) -> dt.date:
    return dt.datetime.fromtimestamp(web.auth.clock_us() / 1e6, tz=dt.UTC).date()


def adoption(web: WebApp, request: Request, _form: Form) -> Response:
    viewer = require(request, web.auth, FIGURES)
    t = web.renderer.translators[web.lang(request)]
    return web.html(request, "adoption.html", viewer.session, section=web.governance.adoption(t),
                    stale=("audit",) in web.figures.cache.pending)


def aiact(web: WebApp, request: Request, _form: Form) -> Response:
    viewer = require(request, web.auth, FIGURES)
    today = _today(web)
    return web.html(request, "aiact.html", viewer.session, aiact=web.governance.aiact(today, web.lang(request)),
                    today=today)


def training(web: WebApp, request: Request, _form: Form) -> Response:
    viewer = require(request, web.auth, FIGURES)
    return web.html(request, "training.html", viewer.session, cov=web.governance.training(_today(web)))


def maturity(web: WebApp, request: Request, _form: Form) -> Response:
    viewer = require(request, web.auth, FIGURES)
    t = web.renderer.translators[web.lang(request)]
    data = web.governance.maturity(_today(web), t)
    reasons = [reason_text(r, t) for r in data["result"].reasons] if data else []
    svg = Markup(data["svg"]) if data else Markup("")  # the chart code escapes every text
    return web.html(request, "maturity.html", viewer.session, data=data, svg=svg, reasons=reasons)


def reports(web: WebApp, request: Request, _form: Form) -> Response:
    viewer = require(request, web.auth, FIGURES)
    return web.html(request, "reports.html", viewer.session, month=web.figures.month(None))


def _download(body: str | bytes, name: str, fmt: str) -> Response:
    media = "application/pdf" if fmt == "pdf" else "text/html; charset=utf-8"
    data = body if isinstance(body, bytes) else body.encode()
    return Response(data, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'})


def _format(request: Request) -> str:
    fmt = str(request.path_params["fmt"])
    if fmt not in FORMATS:
        raise HTTPException(404)
    return fmt


def _document(web: WebApp, fmt: str, html: str) -> str | bytes:
    return web.governance.pdf(html) if fmt == "pdf" else html


def audit_report(web: WebApp, request: Request, _form: Form) -> Response:
    require(request, web.auth, FIGURES)
    fmt = _format(request)
    t = web.renderer.translators[web.lang(request)]
    html = web.governance.report_html(t)
    if html is None:
        computing = ("audit",) in web.figures.cache.pending
        return HTMLResponse(t("web.stale" if computing else "web.no_data"), status_code=503 if computing else 404)
    return _download(_document(web, fmt, html), "rapport-ia", fmt)


def committee_pack(web: WebApp, request: Request, _form: Form) -> Response:
    require(request, web.auth, FIGURES)
    fmt = _format(request)
    t = web.renderer.translators[web.lang(request)]
    month = web.figures.month(request.query_params.get("month"))
    html = web.governance.pack_html(month, t, _today(web))
    return _download(_document(web, fmt, html), f"comite_{month}", fmt)


def charter_document(web: WebApp, request: Request, _form: Form) -> Response:
    require(request, web.auth, FIGURES)
    fmt = _format(request)
    t = web.renderer.translators[web.lang(request)]
    body = web.governance.charter_pdf(t) if fmt == "pdf" else web.governance.charter_html(t)
    return _download(body, "charte-ia", fmt)


ROUTES: list[tuple[str, Any, list[str]]] = [
    ("/adoption", adoption, ["GET"]),
    ("/aiact", aiact, ["GET"]),
    ("/training", training, ["GET"]),
    ("/maturity", maturity, ["GET"]),
    ("/reports", reports, ["GET"]),
    ("/reports/audit.{fmt}", audit_report, ["GET"]),
    ("/reports/committee.{fmt}", committee_pack, ["GET"]),
    ("/reports/charter.{fmt}", charter_document, ["GET"]),
]
