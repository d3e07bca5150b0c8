"""`sobria serve`: the web dashboard, and its local accounts."""

from __future__ import annotations

import datetime as dt
import secrets
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from sobria.cli.context import CliContext, cli_context
from sobria.policy.schema import Policy
from sobria.settings import Settings
from sobria.store import Store, open_store
from sobria.store.web_store import WebStore
from sobria.web.auth import Auth

if TYPE_CHECKING:
    from sobria.web.oidc import OidcConfig

LOOPBACK = ("127.0.0.1", "localhost", "::1")
DEMO_ADMIN = "admin-demo"


def load_charter(path: Path | None) -> Policy:
    """The charter in ``path``, or the default French template adopted today."""
    from sobria.catalog import load_catalog
    from sobria.policy.loader import load_policy, policy_template, read_policy_text

    catalog = load_catalog()
    if path is not None:
        return load_policy(path, catalog)
    report = read_policy_text(policy_template(dt.date.today()))
    if report.policy is None:
        raise RuntimeError("the packaged policy template is invalid")
    return report.policy


def oidc_config(settings: Settings) -> OidcConfig | None:
    """The identity provider of the settings (None when no issuer is set); bad values: user errors."""
    from sobria.errors import Location, UserInputError
    from sobria.ingest.pseudonym import pseudonym, read_secret
    from sobria.web.oidc import OidcConfig, parse_role

    if not settings.oidc_issuer:
        return None
    for name in ("oidc_client_id", "oidc_client_secret"):
        if not getattr(settings, name):
            raise UserInputError("web.error.oidc_setting_needed", {"name": f"SOBRIA_{name.upper()}"},
                                 Location(parameter=f"SOBRIA_{name.upper()}"))
    for value in settings.oidc_roles.values():
        parse_role(value, "SOBRIA_OIDC_ROLES")
    secret_file = Path(settings.secret_file)
    secret = read_secret(secret_file) if secret_file.exists() else None
    return OidcConfig(settings.oidc_issuer, str(settings.oidc_client_id), str(settings.oidc_client_secret),
                      dict(settings.oidc_roles), settings.oidc_groups_claim,
                      person_of=(lambda email: pseudonym(secret, email)) if secret is not None else None)


def in_a_thread(job: Callable[[], None]) -> None:
    threading.Thread(target=job, name="sobria-figures", daemon=True).start()


def save_account(c: CliContext, store: Store, username: str, role: str, team: str | None = None,
                 person: str | None = None, password: str | None = None) -> str:
    """Create or update an account; a password is generated (and returned, to print once) when none is given."""
    chosen = password or secrets.token_urlsafe(12)
    Auth(WebStore(store), lambda: time.time_ns() // 1000).create_account(username, chosen, role, team, person)
    typer.echo(c.t("web.serve.account_saved", username=username, role=c.t(f"web.role.{role}")))
    return chosen


def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host", help="adresse d'écoute")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="port d'écoute")] = 8000,
    policy: Annotated[Path | None, typer.Option("--policy", help="fichier de politique (défaut : modèle)")] = None,
    create_account: Annotated[str | None, typer.Option(
        "--create-account", help="créer ou modifier ce compte puis quitter")] = None,
    role: Annotated[str, typer.Option("--role", help="admin | direction | committee | team_lead | employee")]
    = "admin",
    team: Annotated[str | None, typer.Option("--team", help="équipe d'un responsable d'équipe")] = None,
    person: Annotated[str | None, typer.Option("--person", help="personne (pseudonyme) d'un compte salarié")]
    = None,
    inventory: Annotated[Path | None, typer.Option(
        "--inventory", help="inventaire IA (YAML) : page Règlement IA et dossier du comité")] = None,
    questionnaire: Annotated[Path | None, typer.Option(
        "--questionnaire", help="questionnaire de maturité (YAML ou CSV) : page Maturité")] = None,
    secure_cookies: Annotated[bool | None, typer.Option(
        "--secure-cookies/--no-secure-cookies", help="cookies Secure (défaut : oui hors boucle locale)")] = None,
) -> None:
    """Lancer le tableau de bord web (ou gérer ses comptes avec --create-account)."""
    import uvicorn

    from sobria.catalog import load_catalog
    from sobria.web.app import WebConfig, create_app
    from sobria.web.pages import Figures

    c = cli_context(ctx)
    store = open_store(c.settings.db, c.settings.lock_timeout_s)
    store.migrate()
    if create_account is not None:
        password = save_account(c, store, create_account, role, team, person)
        typer.echo(c.t("web.serve.password_once", password=password))
        return
    figures = Figures.create(store, load_charter(policy), load_catalog(), c.settings.min_group, in_a_thread,
                             c.settings.estimate_options())
    secure = secure_cookies if secure_cookies is not None else host not in LOOPBACK
    config = WebConfig(c.settings.lang, secure, inventory, questionnaire)
    app = create_app(figures, config, oidc=oidc_config(c.settings))
    threading.Thread(target=figures.warm, name="sobria-warm", daemon=True).start()  # first views fast
    typer.echo(c.t("web.serve.listening", host=host, port=port))
    uvicorn.run(app, host=host, port=port, log_level="warning")
