"""Who may reach what: access decorators, the session loaders, the remember-me cookie and security headers.

Every view states its access with exactly one of `public`, `login_required` or
`permission_required`; a test walks the URL map to keep it that way.
"""
from functools import wraps
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, flash, g, make_response, redirect, request, session
from flask_login import current_user, login_url
from flask_login import login_required as _flask_login_required

from webapp.extensions import login_manager
from webapp.htmx import is_htmx
from webapp.models import User
from webapp.permissions import Permission
from webapp.services.sessions import resume_remembered_session, user_for_session


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
def load_user(session_key: str) -> User | None:
    return user_for_session(session_key)


@login_manager.request_loader
def load_remembered_user(req) -> User | None:
    """No live session: sign the browser back in with its remember-me token, which is replaced."""
    token = req.cookies.get(current_app.config["REMEMBER_ME_COOKIE"])
    if not token:
        return None
    resumed = resume_remembered_session(token, address=req.remote_addr, user_agent=req.user_agent.string)
    if resumed is None:
        forget_browser()
        return None
    user, keys = resumed
    session["_user_id"], session["_fresh"] = keys.key, False
    remember_browser(keys.remember_token)
    return user


def remember_browser(token: str) -> None:
    """Give the browser this remember-me token with the response."""
    g.remember_token = token


def forget_browser() -> None:
    """Take the remember-me token off the browser with the response."""
    g.remember_token = None


def _write_remember_cookie(app: Flask, response) -> None:
    if "remember_token" not in g:
        return
    name = app.config["REMEMBER_ME_COOKIE"]
    options = {"httponly": True, "samesite": "Lax", "secure": app.config["SESSION_COOKIE_SECURE"]}
    if g.remember_token is None:
        response.delete_cookie(name, **options)
    else:
        response.set_cookie(name, g.remember_token, max_age=app.config["REMEMBER_DAYS"] * 86400, **options)


@login_manager.unauthorized_handler
def sign_in_first():
    """To the sign-in page, then back. For htmx the whole page goes there (HX-Redirect, back to the page
    the person was on): a redirect htmx followed would swap the sign-in page into a fragment."""
    flash(login_manager.login_message, login_manager.login_message_category)
    if not is_htmx():
        return redirect(login_url(login_manager.login_view, next_url=request.url))
    page = urlsplit(request.headers.get("HX-Current-URL", ""))
    back = page.path + (f"?{page.query}" if page.query else "") or "/"
    response = make_response("", 401)
    response.headers["HX-Redirect"] = login_url(login_manager.login_view, next_url=back)
    return response


def init_security(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"
    # Sessions are checked on the server (services/sessions). Flask-Login's own protection would also
    # rewrite an anonymous visitor's cookie on their next request, and such a write, answered after a
    # sign-in that started meanwhile (the service worker's install), would put back the cookie of before.
    login_manager.session_protection = None

    @app.before_request
    def check_session():
        # Checking the session may record the visit (a commit): done before the view has changed anything.
        if request.endpoint != "static":
            current_user._get_current_object()

    @app.after_request
    def security_headers(response):
        _write_remember_cookie(app, response)
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
