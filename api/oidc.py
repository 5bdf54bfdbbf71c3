"""Single sign-on through the city's OpenID Connect provider (Keycloak, for example), when the
settings name one (``oidc_issuer``, ``oidc_client_id``, ``oidc_client_secret``).

``/login/oidc`` sends the person to the provider; ``/login/oidc/callback`` receives them back
(authlib checks the state, the nonce and the ID token's signature, issuer, audience and
expiry). The role comes from a claim (``oidc_role_claim``, a dotted path such as
``realm_access.roles`` is followed) through ``oidc_roles`` (claim value -> role); when several
values map, the most powerful role wins. Someone whose claim maps to no role is refused and
the refusal is audited. The account is kept in ``users`` (by the provider's subject) so an
admin can see and disable it.
"""
from __future__ import annotations

from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Blueprint, Flask, abort, current_app, redirect, request, session, url_for
from sqlalchemy.exc import SQLAlchemyError

from api.preferences import language
from components.i18n import t
from data_sources import audit, users
from data_sources.db import database
from data_sources.rules.access import PEOPLE_ROLES
from data_sources.runtime import current_now, current_settings

blueprint = Blueprint("oidc", __name__)
EXTENSION = "liveroom_oidc"


def role_from_claims(claims: dict, claim: str, mapping: dict[str, str]) -> str | None:
    """The Live Room role for these claims: the claim at the dotted path ``claim`` (a text or a
    list), each value looked up in ``mapping``; the most powerful role found, or None."""
    value = claims
    for part in claim.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    values = value if isinstance(value, list) else [value] if isinstance(value, str) else []
    found = {mapping.get(str(v)) for v in values} & set(PEOPLE_ROLES)
    return next((role for role in PEOPLE_ROLES if role in found), None)


def init_app(server: Flask) -> None:
    """Register the provider on this app (one client per app: its settings are the app's)."""
    settings = server.config["LIVEROOM_SETTINGS"]
    if not settings.oidc_issuer:
        return
    oauth = OAuth(server)
    oauth.register(
        "city", client_id=settings.oidc_client_id, client_secret=settings.oidc_client_secret,
        server_metadata_url=settings.oidc_issuer.rstrip("/") + "/.well-known/openid-configuration",
        client_kwargs={"scope": "openid profile email", "timeout": 10})
    server.extensions[EXTENSION] = oauth


def _client():
    oauth = current_app.extensions.get(EXTENSION)
    if oauth is None:
        abort(404)
    return oauth.city


@blueprint.get("/login/oidc")
def start():
    from api.auth import _safe_next

    client = _client()
    session["oidc_next"] = _safe_next(request.args.get("next"))
    return client.authorize_redirect(url_for("oidc.callback", _external=True))


@blueprint.get("/login/oidc/callback")
def callback():
    from api.auth import Identity, _form, _safe_next, sign_in

    client, lang, settings = _client(), language(), current_settings()
    try:
        token = client.authorize_access_token()
        claims = dict(token.get("userinfo") or {})
        if role_from_claims(claims, settings.oidc_role_claim, settings.oidc_roles) is None:
            claims |= dict(client.userinfo(token=token))  # some providers put roles only there
    except (OAuthError, ValueError, KeyError) as exc:
        return _form(t("login.sso_failed", lang, reason=type(exc).__name__), 401)
    subject = str(claims.get("sub") or "")
    role = role_from_claims(claims, settings.oidc_role_claim, settings.oidc_roles)
    name = str(claims.get("preferred_username") or claims.get("email") or subject)
    try:
        with database.engine.begin() as conn:
            if role is None or not subject:
                audit.record(conn, current_now(), name[:100], None, "sign_in_failed", "single sign-on: no role",
                             request.remote_addr)
                return _form(t("login.sso_no_role", lang), 403)
            found = users.sso_person(conn, subject, name, role, current_now())
    except SQLAlchemyError:
        return _form(t("login.database", lang), 503)
    if found is None:
        return _form(t("login.sso_disabled", lang), 403)
    target = _safe_next(session.pop("oidc_next", "/"))  # signing in starts a fresh session
    sign_in(Identity(f"u:{found.id}", found.username, found.role), "sign_in", "single sign-on")
    return redirect(target)
