"""Single sign-on against a small OpenID Connect provider served by the test (discovery, an
authorization endpoint, a token endpoint issuing RS256-signed ID tokens, JWKS, userinfo):
the role comes from a claim through the settings' mapping, someone without a mapped role or
with a disabled account is refused, a forged state is refused, and each outcome is audited."""
from __future__ import annotations

import threading
import time
import uuid
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from joserfc import jwt
from joserfc.jwk import RSAKey
from flask import Flask, jsonify, redirect, request
from sqlalchemy import text
from werkzeug.serving import make_server

from api.oidc import role_from_claims
from app import create_app
from data_sources.db import make_engine
from data_sources.users import set_active
from tests.helpers import FIXED_NOW, test_settings

CLIENT_ID, CLIENT_SECRET = "liveroom", "provider-secret"
ROLES = {"liveroom-admin": "admin", "liveroom-operator": "operator", "liveroom-view": "leadership"}


class Provider:
    """An OpenID Connect provider for one test: ``person`` is who signs in next."""

    def __init__(self):
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-key"})
        self.person: dict = {}
        self.codes: dict[str, dict] = {}
        self.app = Flask("provider")
        self._routes()
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.issuer = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def _routes(self):
        app = self.app

        @app.get("/.well-known/openid-configuration")
        def discovery():
            return jsonify({"issuer": self.issuer, "authorization_endpoint": f"{self.issuer}/authorize",
                            "token_endpoint": f"{self.issuer}/token", "jwks_uri": f"{self.issuer}/jwks",
                            "userinfo_endpoint": f"{self.issuer}/userinfo", "response_types_supported": ["code"],
                            "subject_types_supported": ["public"], "id_token_signing_alg_values_supported": ["RS256"]})

        @app.get("/authorize")
        def authorize():
            assert request.args["client_id"] == CLIENT_ID and request.args["response_type"] == "code"
            code = uuid.uuid4().hex
            self.codes[code] = {"nonce": request.args.get("nonce"), "person": dict(self.person)}
            return redirect(f"{request.args['redirect_uri']}?{urlencode({'code': code, 'state': request.args['state']})}")

        @app.post("/token")
        def token():
            granted = self.codes.pop(request.form.get("code", ""), None)
            if granted is None:
                return jsonify({"error": "invalid_grant"}), 400
            now = int(time.time())
            claims = {"iss": self.issuer, "aud": CLIENT_ID, "iat": now, "exp": now + 300, "nonce": granted["nonce"],
                      **granted["person"]}
            id_token = jwt.encode({"alg": "RS256", "kid": "test-key"}, claims, self.key)
            return jsonify({"access_token": "access-" + granted["person"]["sub"], "token_type": "Bearer",
                            "expires_in": 300, "id_token": id_token})

        @app.get("/jwks")
        def jwks():
            return jsonify({"keys": [self.key.as_dict(private=False)]})

        @app.get("/userinfo")
        def userinfo():
            return jsonify({"sub": "unused"})

    def close(self):
        self.server.shutdown()


@pytest.fixture
def provider():
    made = Provider()
    yield made
    made.close()


@pytest.fixture
def sso_app(provider, writable_city):
    app = create_app(test_settings(writable_city, frozen_now=FIXED_NOW, oidc_issuer=provider.issuer,
                                   oidc_client_id=CLIENT_ID, oidc_client_secret=CLIENT_SECRET,
                                   oidc_role_claim="realm_access.roles", oidc_roles=ROLES))
    return app.server, writable_city


def _sign_in_through(provider: Provider, client, person: dict, next_path: str = "/complaints"):
    provider.person = person
    start = client.get(f"/login/oidc?next={next_path}")
    assert start.status_code == 302 and start.headers["Location"].startswith(f"{provider.issuer}/authorize?")
    back = requests.get(start.headers["Location"], allow_redirects=False, timeout=10)
    assert back.status_code == 302
    target = urlsplit(back.headers["Location"])
    return client.get(f"{target.path}?{target.query}")


def _audit(url: str) -> list[tuple]:
    engine = make_engine(url)
    with engine.connect() as conn:
        found = conn.execute(text("SELECT actor, role, action, detail FROM audit_log ORDER BY id")).all()
    engine.dispose()
    return [tuple(row) for row in found]


def test_the_role_comes_from_a_claim_through_the_mapping():
    claims = {"realm_access": {"roles": ["offline_access", "liveroom-view", "liveroom-operator"]}, "groups": "x"}
    assert role_from_claims(claims, "realm_access.roles", ROLES) == "operator"  # the most powerful one
    assert role_from_claims({"roles": "liveroom-admin"}, "roles", ROLES) == "admin"
    assert role_from_claims(claims, "roles", ROLES) is None
    assert role_from_claims({"realm_access": "liveroom-admin"}, "realm_access.roles", ROLES) is None
    assert role_from_claims({"roles": ["liveroom-admin"]}, "roles", {"liveroom-admin": "superuser"}) is None


def test_a_person_signs_in_through_the_provider_with_the_mapped_role(provider, sso_app):
    server, url = sso_app
    client = server.test_client()
    person = {"sub": "kc-0001", "preferred_username": "rina.operator",
              "realm_access": {"roles": ["liveroom-operator"]}}
    answer = _sign_in_through(provider, client, person)
    assert answer.status_code == 302 and answer.headers["Location"] == "/complaints"
    assert client.get("/api/complaints/red-flags?limit=1").status_code == 200  # an operator may read the API
    assert client.post("/login", data={"username": "rina.operator", "password": "anything-at-all"}).status_code == 401
    assert ("rina.operator", "operator", "sign_in", "single sign-on") in _audit(url)

    # the provider changes the role: the next sign-in follows it; the account is the same one
    provider_client = server.test_client()
    person["realm_access"]["roles"] = ["liveroom-view"]
    assert _sign_in_through(provider, provider_client, person).status_code == 302
    engine = make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT username, role FROM users WHERE oidc_subject = 'kc-0001'")).all()
    engine.dispose()
    assert [tuple(r) for r in rows] == [("rina.operator", "leadership")]


def test_no_role_a_disabled_account_and_a_forged_state_are_refused(provider, sso_app):
    server, url = sso_app
    nobody = _sign_in_through(provider, server.test_client(),
                              {"sub": "kc-0002", "preferred_username": "tamu", "realm_access": {"roles": ["other"]}})
    assert nobody.status_code == 403 and "belum diberi peran" in nobody.get_data(as_text=True)
    assert ("tamu", None, "sign_in_failed", "single sign-on: no role") in _audit(url)
    assert server.test_client().get("/complaints").status_code == 302  # still signed out

    person = {"sub": "kc-0003", "preferred_username": "budi", "realm_access": {"roles": ["liveroom-admin"]}}
    assert _sign_in_through(provider, server.test_client(), person).status_code == 302
    engine = make_engine(url)
    with engine.begin() as conn:
        set_active(conn, "budi", False)
    engine.dispose()
    refused = _sign_in_through(provider, server.test_client(), person)
    assert refused.status_code == 403 and "dinonaktifkan" in refused.get_data(as_text=True)

    client = server.test_client()
    provider.person = person
    start = client.get("/login/oidc")
    back = requests.get(start.headers["Location"], allow_redirects=False, timeout=10)
    code = parse_qs(urlsplit(back.headers["Location"]).query)["code"][0]
    forged = client.get(f"/login/oidc/callback?code={code}&state=forged")
    assert forged.status_code == 401 and "Traceback" not in forged.get_data(as_text=True)


def test_without_a_provider_the_sso_routes_do_not_exist(city_db):
    client = create_app(test_settings(city_db)).server.test_client()
    assert client.get("/login/oidc").status_code == 404
    assert "SSO" not in client.get("/login").get_data(as_text=True)
