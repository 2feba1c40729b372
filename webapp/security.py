"""Who may reach what: access decorators, the session loader and security headers.

Every view states its access with exactly one of `public`, `login_required` or
`permission_required`; a test walks the URL map to keep it that way.
"""
from functools import wraps

from flask import Flask, abort, request
from flask_login import current_user
from flask_login import login_required as _flask_login_required
from sqlalchemy import select

from webapp.extensions import db, login_manager
from webapp.models import User
from webapp.permissions import Permission

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "media-src 'self' blob:",
        "object-src 'none'",
        "frame-src 'self'",
        "worker-src 'self'",
        "manifest-src 'self'",
        "frame-ancestors 'self'",
        "base-uri 'self'",
        "form-action 'self'",
    )
)


HSTS_SECONDS = 365 * 24 * 3600


def public(view):
    """Anyone may reach this view, signed in or not."""
    view.access = "public"
    return view


def login_required(view):
    """Any signed-in, active user may reach this view."""
    wrapped = _flask_login_required(view)
    wrapped.access = "login"
    return wrapped


def permission_required(*permissions: Permission):
    """A signed-in user holding at least one of `permissions` may reach this view."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not any(current_user.can(p) for p in permissions):
                abort(403)
            return view(*args, **kwargs)

        wrapped.access = tuple(permissions)
        return wrapped

    return decorator


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.scalar(select(User).where(User.id == int(user_id)))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


def init_security(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy", "geolocation=()")
        if "Cache-Control" not in response.headers and request.endpoint != "static":
            # ASVS 14.3.2: pages carry private data or a form's CSRF token, so no cache keeps them;
            # the service worker's offline copies are its own, made whatever this header says.
            response.headers["Cache-Control"] = "private, no-store"
        if app.config["HTTPS"]:
            response.headers.setdefault("Strict-Transport-Security", f"max-age={HSTS_SECONDS}; includeSubDomains")
        return response
