"""OpenID Connect sign-in (authorization code with PKCE) through authlib, for an identity provider.

The provider is found by discovery (``{issuer}/.well-known/openid-configuration``), whose
``issuer`` must be the configured one. Starting a sign-in stores, server-side, a random
``state`` (hashed), a ``nonce`` and the PKCE verifier, bound to the browser's session; the
callback takes them back once (a replayed or foreign ``state`` is refused), exchanges the code
(client secret + verifier) and verifies the ID token: signature against the provider's JWKS with
the algorithms it announces, issuer, audience (our client id), expiry, the nonce and ``at_hash``.
The provider's groups become a role through the configured mapping (``group -> role``, or
``group -> team_lead:TEAM``); no mapped group, no sign-in.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx2
from authlib.integrations.httpx_client import OAuth2Client, OAuthError
from authlib.oauth2.rfc6749.errors import OAuth2Error
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry

from sobria.errors import Location, UserInputError
from sobria.store.web_store import OidcFlow, WebStore
from sobria.web.auth import ROLES, check_account

FLOW_SECONDS = 10 * 60   # a sign-in started must come back within this time
LEEWAY_SECONDS = 60      # clock difference tolerated with the provider
TIMEOUT_SECONDS = 10.0


class OidcError(Exception):
    """The provider's answer cannot sign anyone in (bad state, token, signature, claims, no role)."""


@dataclass(frozen=True)
class OidcConfig:
    issuer: str
    client_id: str
    client_secret: str
    roles: Mapping[str, str]            # provider group -> role, or "team_lead:TEAM"
    groups_claim: str = "groups"
    scope: str = "openid email profile"
    person_of: Callable[[str], str] | None = None  # e-mail -> pseudonym (an employee's own figures)


@dataclass(frozen=True)
class Identity:
    username: str
    role: str
    team: str | None
    person: str | None


def parse_role(value: str, where: str) -> tuple[str, str | None]:
    """``"committee"`` -> (committee, None); ``"team_lead:tech"`` -> (team_lead, tech)."""
    role, _, team = value.partition(":")
    if role not in ROLES or (role == "team_lead") != bool(team):
        raise UserInputError("web.error.bad_oidc_role", {"value": value, "expected": ", ".join(ROLES)},
                             Location(parameter=where))
    return role, team or None


def map_groups(groups: object, roles: Mapping[str, str]) -> tuple[str, str | None] | None:
    """The most powerful role among the mapped groups (order of :data:`ROLES`), or None."""
    names = [groups] if isinstance(groups, str) else groups if isinstance(groups, list) else []
    found = [parse_role(roles[g], "SOBRIA_OIDC_ROLES") for g in names if isinstance(g, str) and g in roles]
    return min(found, key=lambda rt: (ROLES.index(rt[0]), rt[1] or "")) if found else None


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


@dataclass
class OidcClient:
    """One identity provider; the discovery document is fetched once per client (``metadata``)."""

    config: OidcConfig
    web: WebStore
    clock_us: Callable[[], int]
    cached: dict[str, Any] = field(default_factory=dict)

    def _client(self, redirect_uri: str | None = None) -> OAuth2Client:
        return OAuth2Client(self.config.client_id, self.config.client_secret, scope=self.config.scope,
                            redirect_uri=redirect_uri, code_challenge_method="S256", timeout=TIMEOUT_SECONDS)

    def _get_json(self, url: str) -> dict[str, Any]:
        try:
            with self._client() as client:
                answer = client.request("GET", url, withhold_token=True)
            answer.raise_for_status()
            document = answer.json()
        except (httpx2.HTTPError, ValueError) as exc:
            raise OidcError(f"{url}: {type(exc).__name__}: {exc}") from None
        if not isinstance(document, dict):
            raise OidcError(f"{url}: not a JSON object")
        return document

    def metadata(self) -> dict[str, Any]:
        if "metadata" not in self.cached:
            document = self._get_json(self.config.issuer.rstrip("/") + "/.well-known/openid-configuration")
            if document.get("issuer") != self.config.issuer:
                raise OidcError("discovery issuer differs from the configured one")
            self.cached["metadata"] = document
        return self.cached["metadata"]  # type: ignore[no-any-return]

    def start(self, session_hash: str, redirect_uri: str) -> str:
        """The provider's authorization URL; the flow is remembered for the callback."""
        state, nonce, verifier = secrets.token_urlsafe(32), secrets.token_urlsafe(32), secrets.token_urlsafe(64)
        with self._client(redirect_uri) as client:
            url, _ = client.create_authorization_url(self.metadata()["authorization_endpoint"], state=state,
                                                     code_verifier=verifier, nonce=nonce)
        now = self.clock_us()
        self.web.add_flow(OidcFlow(_hash(state), session_hash, nonce, verifier, now + FLOW_SECONDS * 1_000_000), now)
        return str(url)

    def finish(self, session_hash: str, params: Mapping[str, str], redirect_uri: str) -> Identity:
        """The identity behind the provider's redirect, verified (see the module doc), or OidcError."""
        if "error" in params:
            raise OidcError(f"provider error: {params['error']}")
        flow = self.web.take_flow(_hash(params.get("state", "")), self.clock_us())
        if flow is None or flow.session_hash != session_hash or not params.get("code"):
            raise OidcError("unknown, expired or foreign state")
        try:
            with self._client(redirect_uri) as client:
                token = client.fetch_token(self.metadata()["token_endpoint"], grant_type="authorization_code",
                                           code=params["code"], code_verifier=flow.code_verifier)
            claims = self._verify(token, flow.nonce)
        except (OAuthError, OAuth2Error, JoseError, httpx2.HTTPError, KeyError, ValueError) as exc:
            raise OidcError(f"{type(exc).__name__}: {exc}") from None
        return self._identity(claims)

    def _verify(self, token: Mapping[str, Any], nonce: str) -> CodeIDToken:
        metadata = self.metadata()
        if "jwks" not in self.cached:
            self.cached["jwks"] = self._get_json(metadata["jwks_uri"])
        registry = JWSRegistry(algorithms=metadata.get("id_token_signing_alg_values_supported") or ["RS256"])
        decoded = jwt.decode(token["id_token"], KeySet.import_key_set(self.cached["jwks"]), registry=registry)
        expected = {"iss": {"essential": True, "value": self.config.issuer},
                    "aud": {"essential": True, "value": self.config.client_id}}
        claims = CodeIDToken(decoded.claims, decoded.header, expected,
                             {"nonce": nonce, "client_id": self.config.client_id,
                              "access_token": token.get("access_token")})
        claims.validate(now=self.clock_us() // 1_000_000, leeway=LEEWAY_SECONDS)
        return claims

    def _identity(self, claims: Mapping[str, Any]) -> Identity:
        mapped = map_groups(claims.get(self.config.groups_claim), self.config.roles)
        if mapped is None:
            raise OidcError("no mapped group")
        role, team = mapped
        email = claims.get("email")
        username = str(claims.get("preferred_username") or email or claims["sub"])
        known = self.web.account(username)
        person = known.person if known is not None else None
        if person is None and isinstance(email, str) and self.config.person_of is not None:
            person = self.config.person_of(email)
        try:
            check_account(username, role, team, person)
        except UserInputError:
            raise OidcError("account fields do not fit the role") from None
        return Identity(username, role, team, person)
