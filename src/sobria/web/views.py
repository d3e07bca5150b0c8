"""The route handlers: check the role, ask :class:`~sobria.web.pages.Figures`, render a page or JSON."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from sobria.governance.committee.log import add_entry, decide_entry, read_entries
from sobria.policy.charter import charter_view
from sobria.web.export import XLSX_MEDIA, table_csv, table_xlsx
from sobria.web.figures import DIMENSIONS, parse_filters
from sobria.web.guard import COMMITTEE_WRITE, FIGURES, check_csrf, current_session, require, require_team
from sobria.web.render import groups_chart, trend_chart

if TYPE_CHECKING:
    from sobria.web.app import Form, WebApp

ALL = ("admin", "direction", "committee", "team_lead", "employee")


def home(web: WebApp, request: Request, _form: Form) -> Response:
    viewer = require(request, web.auth, ALL)
    if viewer.role == "team_lead":
        return RedirectResponse(f"/teams/{viewer.account.team}", status_code=303)
    if viewer.role == "employee":
        return RedirectResponse("/me", status_code=303)
    f = web.figures
    data = f.overview(f.month(request.query_params.get("month")))
    t = web.renderer.translators[web.lang(request)]
    chart = trend_chart("trend", t("web.overview.trend"), data["trend"].rows, t.lang)
    return web.html(request, "overview.html", viewer.session, data=data, chart=chart)


def login_form(web: WebApp, request: Request, _form: Form) -> Response:
    return web.html(request, "login.html", current_session(request, web.auth), failed=False, oidc_failed=False)


def login(web: WebApp, request: Request, form: Form) -> Response:
    old = current_session(request, web.auth)
    check_csrf(old, form.get("csrf"))
    client = request.client.host if request.client else "?"
    session = web.auth.login(old, form.get("username", "").strip(), form.get("password", ""), client)
    if session is None:
        return web.html(request, "login.html", old, status=401, failed=True, oidc_failed=False)
    response = RedirectResponse("/", status_code=303)
    web.set_session_cookie(response, session)
    return response


def logout(web: WebApp, request: Request, form: Form) -> Response:
    session = current_session(request, web.auth)
    check_csrf(session, form.get("csrf"))
    if session is not None:
        web.auth.logout(session)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie("sobria_session", path="/")
    return response


def _explorer_table(web: WebApp, request: Request) -> tuple[dict[str, str], str, Any]:
    filters = parse_filters(request.query_params)
    by = request.query_params.get("by") or "team"
    return filters, by, web.figures.explorer(filters, by)


def explorer(web: WebApp, request: Request, _form: Form) -> Response:
    viewer = require(request, web.auth, FIGURES)
    filters, by, table = _explorer_table(web, request)
    t = web.renderer.translators[web.lang(request)]
    chart = groups_chart("explorer-chart", t("web.explorer.chart"), table.rows, t.lang, t("web.group.others"))
    return web.html(request, "explorer.html", viewer.session, filters=filters, by=by, table=table,
                    dims=DIMENSIONS, choices=web.figures.choices(), chart=chart,
                    query=str(request.url.query))


def explorer_csv(web: WebApp, request: Request, _form: Form) -> Response:
    require(request, web.auth, FIGURES)
    _filters, by, table = _explorer_table(web, request)
    return Response(table_csv(table), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="sobria-{by}.csv"'})


def explorer_xlsx(web: WebApp, request: Request, _form: Form) -> Response:
    require(request, web.auth, FIGURES)
    _filters, by, table = _explorer_table(web, request)
    return Response(table_xlsx(table), media_type=XLSX_MEDIA,
                    headers={"Content-Disposition": f'attachment; filename="sobria-{by}.xlsx"'})


def team(web: WebApp, request: Request, _form: Form) -> Response:
    viewer = require(request, web.auth, (*FIGURES, "team_lead"))
    name = request.path_params["team"]
    require_team(viewer, name)
    f = web.figures
    data = f.team(name, f.month(request.query_params.get("month")))
    t = web.renderer.translators[web.lang(request)]
    chart = trend_chart("team-trend", t("web.team.trend"), data["trend"].rows, t.lang)
    return web.html(request, "team.html", viewer.session, data=data, chart=chart)


def team_json(web: WebApp, request: Request, _form: Form) -> Response:
    viewer = require(request, web.auth, (*FIGURES, "team_lead"))
    name = request.path_params["team"]
    require_team(viewer, name)
    f = web.figures
    data = f.team(name, f.month(request.query_params.get("month")))
    return JSONResponse({"team": name, "month": data["month"], "totals": data["this"],
                         "by_tool": data["by_tool"].rows, "budgets": data["budgets"]})


def overview_json(web: WebApp, request: Request, _form: Form) -> Response:
    require(request, web.auth, FIGURES)
    f = web.figures
    data = f.overview(f.month(request.query_params.get("month")))
    return JSONResponse({"month": data["month"], "this": data["this"], "year": data["year"],
                         "trend": data["trend"].rows, "measured_share": data["measured"], "teams": data["teams"]})


def explorer_json(web: WebApp, request: Request, _form: Form) -> Response:
    require(request, web.auth, FIGURES)
    filters, by, table = _explorer_table(web, request)
    return JSONResponse({"by": by, "filters": filters, "rows": table.rows, "total": table.total})


def me(web: WebApp, request: Request, _form: Form) -> Response:
    viewer = require(request, web.auth, ALL)
    data = web.figures.me(viewer.account.person, web.figures.month(request.query_params.get("month")))
    t = web.renderer.translators[web.lang(request)]
    chart = trend_chart("me-trend", t("web.me.trend"), data["by_month"], t.lang)
    return web.html(request, "me.html", viewer.session, data=data, chart=chart)


def me_json(web: WebApp, request: Request, _form: Form) -> Response:
    viewer = require(request, web.auth, ALL)
    data = web.figures.me(viewer.account.person, web.figures.month(request.query_params.get("month")))
    return JSONResponse({"month": data["month"], "totals": data["this"], "by_month": data["by_month"]})


def waste(web: WebApp, request: Request, _form: Form) -> Response:
    viewer = require(request, web.auth, FIGURES)
    result = web.figures.audit()
    return web.html(request, "waste.html", viewer.session, result=result,
                    stale=("audit",) in web.figures.cache.pending)


def budgets(web: WebApp, request: Request, _form: Form) -> Response:
    viewer = require(request, web.auth, FIGURES)
    f = web.figures
    month = f.month(request.query_params.get("month"))
    return web.html(request, "budgets.html", viewer.session, month=month, rows=f.team_budgets(month),
                    thresholds=f.budgets.thresholds)


def charter(web: WebApp, request: Request, _form: Form) -> Response:
    viewer = require(request, web.auth, FIGURES)
    f = web.figures
    month = f.month(request.query_params.get("month"))
    t = web.renderer.translators[web.lang(request)]
    violations = f.violations(month)
    return web.html(request, "charter.html", viewer.session, view=charter_view(f.policy, t), month=month,
                    violations=violations, stale=("violations", month) in f.cache.pending)


def committee(web: WebApp, request: Request, _form: Form) -> Response:
    viewer = require(request, web.auth, FIGURES)
    entries = list(reversed(read_entries(web.figures.store)))
    return web.html(request, "committee.html", viewer.session, entries=entries,
                    can_write=viewer.role in COMMITTEE_WRITE)


def committee_add(web: WebApp, request: Request, form: Form) -> Response:
    viewer = require(request, web.auth, COMMITTEE_WRITE)
    check_csrf(viewer.session, form.get("csrf"))
    add_entry(web.figures.store, form.get("kind", "question"), form.get("text", ""), dt.date.today(),
              form.get("team") or None)
    return RedirectResponse("/committee", status_code=303)


def committee_decide(web: WebApp, request: Request, form: Form) -> Response:
    viewer = require(request, web.auth, COMMITTEE_WRITE)
    check_csrf(viewer.session, form.get("csrf"))
    try:
        entry = int(form.get("entry", ""))
    except ValueError:
        raise HTTPException(400) from None
    decide_entry(web.figures.store, entry, form.get("decision", ""), dt.date.today())
    return RedirectResponse("/committee", status_code=303)


def accounts(web: WebApp, request: Request, _form: Form) -> Response:
    viewer = require(request, web.auth, ("admin",))
    return web.html(request, "accounts.html", viewer.session, accounts=web.auth.web.accounts())


def accounts_add(web: WebApp, request: Request, form: Form) -> Response:
    viewer = require(request, web.auth, ("admin",))
    check_csrf(viewer.session, form.get("csrf"))
    web.auth.create_account(form.get("username", ""), form.get("password") or None, form.get("role", ""),
                            form.get("team") or None, form.get("person") or None)
    return RedirectResponse("/admin/accounts", status_code=303)


ROUTES: list[tuple[str, Any, list[str]]] = [
    ("/", home, ["GET"]),
    ("/login", login_form, ["GET"]),
    ("/login", login, ["POST"]),
    ("/logout", logout, ["POST"]),
    ("/explorer", explorer, ["GET"]),
    ("/explorer.csv", explorer_csv, ["GET"]),
    ("/explorer.xlsx", explorer_xlsx, ["GET"]),
    ("/teams/{team}", team, ["GET"]),
    ("/me", me, ["GET"]),
    ("/waste", waste, ["GET"]),
    ("/budgets", budgets, ["GET"]),
    ("/charter", charter, ["GET"]),
    ("/committee", committee, ["GET"]),
    ("/committee/entries", committee_add, ["POST"]),
    ("/committee/decisions", committee_decide, ["POST"]),
    ("/admin/accounts", accounts, ["GET"]),
    ("/admin/accounts", accounts_add, ["POST"]),
    ("/api/overview.json", overview_json, ["GET"]),
    ("/api/explorer.json", explorer_json, ["GET"]),
    ("/api/teams/{team}.json", team_json, ["GET"]),
    ("/api/me.json", me_json, ["GET"]),
]
