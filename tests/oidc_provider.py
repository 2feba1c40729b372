"""A real OpenID Connect provider for the tests: a small Flask app on 127.0.0.1, served by
werkzeug in a thread, with discovery, JWKS, a sign-in page, a token endpoint that checks the
client's secret and PKCE verifier, RS256-signed ID tokens (joserfc) and an end-session page.

`Knobs` make it misbehave the ways a provider (or someone in the middle) can: a token signed with
another key, for another audience, from another issuer, with another nonce, expired, with an unverified e-mail address.
"""
from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import time
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit

import requests
from flask import Flask, abort, jsonify, redirect, render_template_string, request
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from werkzeug.serving import make_server

CLIENT_ID = "fieldcert-tests"
CLIENT_SECRET = "provider-test-secret"
KEY_ID = "test-key"
PROVIDER_NAME = "Test Identity"

SIGN_IN_PAGE = """<!doctype html><html lang="en"><head><title>Test Identity sign-in</title></head>
<body><main><h1>Test Identity</h1>
<form method="post">
  {% for name, value in params.items() %}<input type="hidden" name="{{ name }}" value="{{ value }}">{% endfor %}
  <label for="email">Company e-mail</label> <input id="email" name="email" type="email" value="{{ email }}">
  <button type="submit">Continue</button>
</form></main></body></html>"""


@dataclass
class Knobs:
    """How the next ID token is made; a fresh set for each test."""

    email_verified: object = True
    wrong_signature: bool = False
    audience: str | list[str] | None = None  # None: the client's id
    nonce: str | None = None  # None: the one the client sent
    issuer: str | None = None  # None: the provider's own
    expired: bool = False
    given_name: str = "Erin"
    family_name: str = "Field"


def _s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


class Provider:
    def __init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": KEY_ID})
        # Same key id, another key: a token it signs fails the signature check, not the key lookup.
        self.impostor_key = RSAKey.generate_key(2048, parameters={"kid": KEY_ID})
        self.knobs = Knobs()
        self.codes: dict[str, dict] = {}
        self.token_requests: list[dict] = []
        self.server = make_server("127.0.0.1", 0, self._build(), threaded=True)
        self.issuer = f"http://127.0.0.1:{self.server.server_port}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def reset(self) -> None:
        self.knobs = Knobs()
        self.codes.clear()
        self.token_requests.clear()

    def stop(self) -> None:
        self.server.shutdown()
        self._thread.join(timeout=5)

    def approve(self, authorize_url: str, email: str) -> str:
        """Sign in on the provider's page as `email`, as a person would: the address it sends the browser back to."""
        params = {name: values[0] for name, values in parse_qs(urlsplit(authorize_url).query).items()}
        response = requests.post(f"{self.issuer}/authorize", data={**params, "email": email},
                                 allow_redirects=False, timeout=10)
        assert response.status_code == 302, response.text
        return response.headers["Location"]

    def _id_token(self, grant: dict) -> str:
        knobs, now = self.knobs, int(time.time())
        claims = {
            "iss": knobs.issuer or self.issuer, "sub": f"subject-{grant['email']}", "aud": knobs.audience or CLIENT_ID, "azp": CLIENT_ID,
            "iat": now - 3600 if knobs.expired else now, "exp": now - 1800 if knobs.expired else now + 300,
            "nonce": knobs.nonce or grant["nonce"], "email": grant["email"],
            "email_verified": knobs.email_verified,
            "given_name": knobs.given_name, "family_name": knobs.family_name,
        }
        key = self.impostor_key if knobs.wrong_signature else self.key
        return jwt.encode({"alg": "RS256", "kid": KEY_ID}, claims, key)

    def _build(self) -> Flask:
        app = Flask("test_oidc_provider")

        @app.get("/.well-known/openid-configuration")
        def discovery():
            return jsonify({
                "issuer": self.issuer,
                "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token",
                "jwks_uri": f"{self.issuer}/jwks",
                "end_session_endpoint": f"{self.issuer}/logout",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            })

        @app.get("/jwks")
        def jwks():
            return jsonify(KeySet([self.key]).as_dict(private=False))

        @app.route("/authorize", methods=["GET", "POST"])
        def authorize():
            source = request.values
            params = {name: source.get(name, "") for name in
                      ("client_id", "redirect_uri", "response_type", "scope", "state", "nonce",
                       "code_challenge", "code_challenge_method")}
            if params["client_id"] != CLIENT_ID or params["response_type"] != "code" or not params["redirect_uri"]:
                abort(400)
            if request.method == "GET":
                return render_template_string(SIGN_IN_PAGE, params=params, email="")
            code = secrets.token_urlsafe(16)
            self.codes[code] = {**params, "email": source["email"]}
            return redirect(f"{params['redirect_uri']}?{urlencode({'code': code, 'state': params['state']})}")

        @app.post("/token")
        def token():
            form = request.form.to_dict()
            self.token_requests.append(form)
            auth = request.authorization
            client_id, secret = (auth.username, auth.password) if auth else (form.get("client_id"), form.get("client_secret"))
            if (client_id, secret) != (CLIENT_ID, CLIENT_SECRET):
                return jsonify(error="invalid_client"), 401
            grant = self.codes.pop(form.get("code", ""), None)
            if (grant is None or form.get("grant_type") != "authorization_code"
                    or form.get("redirect_uri") != grant["redirect_uri"]):
                return jsonify(error="invalid_grant"), 400
            if grant["code_challenge_method"] != "S256" or _s256(form.get("code_verifier", "")) != grant["code_challenge"]:
                return jsonify(error="invalid_grant", error_description="PKCE verification failed"), 400
            return jsonify(access_token=secrets.token_urlsafe(16), token_type="Bearer", expires_in=300,
                           id_token=self._id_token(grant))

        @app.get("/logout")
        def logout():
            return "<!doctype html><title>Signed out</title><p>You are signed out of Test Identity.</p>"

        return app
