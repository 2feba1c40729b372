"""Single sign-on with the organisation's OpenID Connect provider, through Authlib's Flask client.

Authorization code flow with PKCE (S256). The state, nonce and code verifier of the round trip are
kept in a signed cookie of their own (`_StateCookie`); Authlib refuses a return whose state it did not
issue, and verifies the ID token: signature against the provider's published keys (JWKS), issuer, audience,
expiry and nonce. The identity is then judged by rules/single_sign_on.py (decision 27).
"""
from __future__ import annotations

import re
import secrets
from urllib.parse import urlencode

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.base_client import MismatchingStateError, OAuthError
from authlib.integrations.flask_client import FlaskIntegration, FlaskOAuth2App
from flask import current_app, g, request, url_for
from itsdangerous import BadSignature, URLSafeTimedSerializer
from joserfc.errors import BadSignatureError, ClaimError, ExpiredTokenError, JoseError, MissingClaimError
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from webapp.extensions import db
from webapp.models import ModuleLevel, User
from webapp.rules.single_sign_on import allowed_domains, identity_refusal
from webapp.services.accounts import hash_password
from webapp.services.audit import record_audit
from webapp.services.organisation import create_user
from webapp.services.sessions import start_session

METHOD = "oidc"
CLIENT_NAME = "oidc"
CLIENT_KEY = "fieldcert_oidc_client"
# What a provider may fail with: its own error, a token Authlib or joserfc refuses, or the network.
PROVIDER_FAILURES = (AuthlibBaseError, JoseError, requests.RequestException, ValueError)
USERNAME_LENGTH = 80
STATE_COOKIE = "fieldcert_sso"
STATE_SALT = "single-sign-on state"
# Long enough to type a password and answer a second factor at the provider.
STATE_MAX_AGE_SECONDS = 15 * 60


class SignInRefused(Exception):
    """A single sign-on was refused; the message says why, in words for the person signing in."""


def sso_enabled() -> bool:
    return bool(current_app.config["OIDC_ISSUER"])


def provider_name() -> str:
    return current_app.config["OIDC_PROVIDER_NAME"]


class _StateCookie(FlaskIntegration):
    """Keeps the round trip's state in a signed cookie of its own rather than in the Flask session.

    Any request running while the sign-in starts (the service worker's install, a page's own fetches)
    writes back the session cookie it read before the state was added, and with it the state would be
    lost: the provider's answer would then be refused as "not started in this browser". The cookie is
    scoped to the single sign-on routes, written only when a sign-in starts and removed when it ends.
    """

    def set_state_data(self, session, state, data):
        g.sso_state = {"state": state, "data": data}

    def get_state_data(self, session, state):
        saved = _saved_state()
        return saved["data"] if saved and state and saved["state"] == state else None

    def clear_state_data(self, session, state):
        """The callback's response deletes the cookie (forget_sign_in)."""


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=STATE_SALT)


def _saved_state() -> dict | None:
    try:
        return _serializer().loads(request.cookies.get(STATE_COOKIE, ""), max_age=STATE_MAX_AGE_SECONDS)
    except BadSignature:
        return None


def _client():
    """Authlib's client for the configured provider, kept with the app so the discovery document
    and keys are fetched once; made again when the configuration changes."""
    config = current_app.config
    settings = (config["OIDC_ISSUER"], config["OIDC_CLIENT_ID"], config["OIDC_CLIENT_SECRET"])
    cached = current_app.extensions.get(CLIENT_KEY)
    if cached is None or cached[0] != settings:
        issuer, client_id, client_secret = settings
        client = FlaskOAuth2App(
            _StateCookie(CLIENT_NAME), name=CLIENT_NAME, client_id=client_id, client_secret=client_secret,
            server_metadata_url=f"{issuer.rstrip('/')}/.well-known/openid-configuration",
            client_kwargs={"scope": "openid email profile", "code_challenge_method": "S256",
                           "default_timeout": config["OIDC_TIMEOUT_SECONDS"]},
        )
        cached = current_app.extensions[CLIENT_KEY] = (settings, client)
    return cached[1]


def begin_sign_in(redirect_uri: str, next_path: str | None):
    """The redirect to the provider's sign-in page, carrying the state cookie (with where to go once
    signed in); raises SignInRefused when the provider cannot be reached."""
    try:
        response = _client().authorize_redirect(redirect_uri)
    except PROVIDER_FAILURES as error:
        raise _refusal(None, f"{provider_name()} cannot be reached just now. Try again in a minute, "
                             "or sign in with your password if you have one.", error) from error
    response.set_cookie(STATE_COOKIE, _serializer().dumps({**g.sso_state, "next": next_path}),
                        max_age=STATE_MAX_AGE_SECONDS, **_state_cookie_scope(), httponly=True, samesite="Lax")
    return response


def sign_in_next_path() -> str | None:
    """Where the person asked to go when this sign-in started."""
    saved = _saved_state()
    return saved.get("next") if saved else None


def forget_sign_in(response):
    """The sign-in has ended, either way: its state cookie cannot be used again."""
    response.delete_cookie(STATE_COOKIE, **_state_cookie_scope(), httponly=True, samesite="Lax")
    return response


def _state_cookie_scope() -> dict:
    # Sent to /auth/sso and its callback only, as securely as the session cookie.
    return {"path": url_for("auth.sso_start"), "secure": current_app.config["SESSION_COOKIE_SECURE"]}


def finish_sign_in(*, address: str | None, user_agent: str | None) -> User:
    """Finish the sign-in the provider sent the browser back from: the user, whose session has started
    (`user.session_key`), as the password sign-in's does.

    Refuses (SignInRefused, audited as `user.sign_in_failed`, no session started and no account
    created) an unverifiable answer, an identity decision 27 refuses, an inactive account, and an
    unknown address unless OIDC_CREATE_USERS is on.
    """
    name, config = provider_name(), current_app.config
    # Authlib checks the audience only when told to (without it, an `azp` naming us passes any `aud`).
    issuer = config["OIDC_ISSUER"].rstrip("/")
    claims_options = {"iss": {"essential": True, "values": [issuer, f"{issuer}/"]},
                      "aud": {"essential": True, "value": config["OIDC_CLIENT_ID"]}}
    try:
        token = _client().authorize_access_token(claims_options=claims_options)
    except PROVIDER_FAILURES as error:
        raise _refusal(None, _failure_message(error, name), error) from error
    claims = token.get("userinfo")
    if claims is None:
        raise _refusal(None, f"{name} sent no ID token, so FieldCert cannot tell who you are.", "no id_token")
    email = claims.get("email")
    if problem := identity_refusal(email, claims.get("email_verified"), allowed_domains(config["OIDC_ALLOWED_DOMAINS"]),
                                   domain_owner_verified=claims.get("xms_edov")):
        raise _refusal(None, problem, "identity refused", email=email)
    user = _user_with_email(email) or _create_account(claims, name)
    if not user.active:
        raise _refusal(user, "This FieldCert account is inactive. Ask an administrator if that is a mistake.",
                       "inactive account")
    record_audit(user, "user.sign_in", user, f"{user.full_name} signed in with {name}", after={"method": METHOD})
    start_session(user, address=address, user_agent=user_agent, remember=False)
    return user


def _user_with_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.lower()))


def _create_account(claims, name: str) -> User:
    """A new account for a first sign-in, when the organisation allows it (decision 27); or the one a
    simultaneous first sign-in of the same person (another tab) created a moment before."""
    email = claims["email"].lower()
    if not current_app.config["OIDC_CREATE_USERS"]:
        raise _refusal(None, f"No FieldCert account has the address {email}. "
                             "Ask an administrator to add you, then sign in again.", "no account", email=email)
    level_name = current_app.config["OIDC_DEFAULT_MODULE_LEVEL"]
    level = db.session.scalar(select(ModuleLevel).where(ModuleLevel.name == level_name))
    if level is None:
        raise _refusal(None, "FieldCert cannot create your account: its default module level is missing. "
                             "Tell an administrator.", f"module level {level_name!r} missing", email=email)
    local_part = email.split("@", 1)[0]
    user = create_user(
        username=_free_username(local_part), email=email,
        first_name=(claims.get("given_name") or local_part)[:80], last_name=(claims.get("family_name") or "")[:80],
        # Nobody knows this password: the account signs in through the provider, or after a reset.
        password_hash=hash_password(secrets.token_urlsafe(32)),
    )
    user.module_levels = [level]
    try:
        db.session.flush()
    except IntegrityError as error:
        db.session.rollback()
        if (user := _user_with_email(email)) is not None:
            return user
        raise _refusal(None, "Someone else's account was being created at the same moment. Sign in again.",
                       error, email=email) from error
    record_audit(user, "user.created", user, f"{user.full_name}'s account was created at their first sign-in with {name}",
                 after={"method": METHOD, "module_level": level.name})
    return user


def _free_username(local_part: str) -> str:
    """The address's local part, or with a number after it when that username is taken."""
    base = re.sub(r"[^a-z0-9._-]", "", local_part.lower())[:USERNAME_LENGTH - 4] or "user"
    taken = set(db.session.scalars(select(func.lower(User.username)).where(User.username.ilike(f"{base}%"))))
    return next(candidate for candidate in (base, *(f"{base}{n}" for n in range(2, 10_000))) if candidate not in taken)


def _failure_message(error: Exception, name: str) -> str:
    again = "Start again with the button below."
    if isinstance(error, MismatchingStateError):
        return f"This sign-in was not started in this browser, or was already used. {again}"
    if isinstance(error, OAuthError):
        said = error.description or error.error
        return f"{name} did not sign you in ({said}). {again}"
    if isinstance(error, requests.RequestException):
        return f"{name} cannot be reached just now. Try again in a minute."
    if isinstance(error, BadSignatureError):
        return f"{name}'s answer failed its signature check, so FieldCert cannot trust it. {again}"
    if isinstance(error, ExpiredTokenError):
        return f"{name}'s answer had expired (is this device's clock right?). {again}"
    if isinstance(error, MissingClaimError):
        return f"{name}'s answer was not meant for this sign-in (it has no {error.claim} claim). {again}"
    if isinstance(error, ClaimError):
        return f"{name}'s answer was not meant for this sign-in (its {error.claim} claim does not match). {again}"
    return f"{name}'s answer could not be verified. {again}"


def _refusal(user: User | None, message: str, reason, *, email: str | None = None) -> SignInRefused:
    """Audit a refused single sign-on (its reason, not the token) and return the error to raise."""
    db.session.rollback()
    who = user.username if user is not None else (email or "an unknown account")
    record_audit(None, "user.sign_in_failed", user, f"Failed sign-in with {provider_name()} as {who}",
                 after={"method": METHOD, "reason": str(reason)[:200]})
    db.session.commit()
    return SignInRefused(message)


def provider_sign_out_url(post_logout_redirect_uri: str) -> str | None:
    """The provider's end-session address (RP-initiated logout), when its discovery document has one."""
    if not sso_enabled():
        return None
    try:
        endpoint = _client().load_server_metadata().get("end_session_endpoint")
    except PROVIDER_FAILURES:
        return None
    if not endpoint:
        return None
    query = urlencode({"client_id": current_app.config["OIDC_CLIENT_ID"],
                       "post_logout_redirect_uri": post_logout_redirect_uri})
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"
