"""Signing in and out, passwords, and the signed-in user's sessions."""
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_user, logout_user

from webapp import rate_limits
from webapp.blueprints.common import add_errors
from webapp.forms.auth import ChangePasswordForm, ForgotPasswordForm, ResetPasswordForm, SignInForm
from webapp.htmx import render
from webapp.rules.passwords import MIN_LENGTH
from webapp.rules.single_sign_on import PASSWORD_SIGN_IN_ADMINS_ONLY
from webapp.security import forget_browser, login_required, public, remember_browser
from webapp.services.accounts import (
    PasswordRefused,
    PasswordSignInOff,
    accept_invitation as accept_invitation_with,
    authenticate_user,
    change_password,
    request_password_reset,
)
from webapp.services.accounts import reset_password as reset_password_to
from webapp.services.mail import external_url
from webapp.services.reset_tokens import user_for_invitation_token, user_for_reset_token
from webapp.services.sessions import end_all_sessions, end_session, list_live_sessions, start_session
from webapp.services.single_sign_on import (
    SignInRefused,
    begin_sign_in,
    finish_sign_in,
    forget_sign_in,
    provider_name,
    provider_sign_out_url,
    sign_in_next_path,
    sso_enabled,
)

bp = Blueprint("auth", __name__, url_prefix="/auth")

PASSWORD_HINT = _l("At least %(length)s characters, and not one of the most common passwords.", length=MIN_LENGTH)
# Kept in the Flask session: whether this sign-in came through the provider, and (once signed out)
# the provider's sign-out address to offer.
SIGNED_IN_WITH_SSO = "sso_signed_in"
PROVIDER_SIGN_OUT = "sso_sign_out_url"


def _safe_next(target: str | None) -> str | None:
    """Only same-site paths, so the sign-in page cannot send people elsewhere."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _signed_out(message: str, category: str):
    """To the sign-in page, with everything this browser kept of the person removed."""
    logout_user()
    forget_browser()
    flash(message, category)
    response = redirect(url_for("auth.login"))
    # The next person on a shared device must not see this person's pages: this empties the
    # browser cache, the pages the service worker saved and the queue of unsent submissions.
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


def _sign_in_page(form: SignInForm, *, status: int, sso_error: str | None = None):
    return render("auth/login.html", form=form, status=status, page_error=sso_error,
                  sso_provider=provider_name() if sso_enabled() else None,
                  passwords_for_administrators_only=current_app.config["PASSWORD_SIGN_IN"] == PASSWORD_SIGN_IN_ADMINS_ONLY,
                  provider_sign_out=session.pop(PROVIDER_SIGN_OUT, None))


@bp.route("/login", methods=["GET", "POST"])
@public
@rate_limits.sign_in_per_address
@rate_limits.sign_in_per_account
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = SignInForm()
    if form.validate_on_submit():
        try:
            user = authenticate_user(form.identifier.data, form.password.data)
        except PasswordSignInOff:
            form.password.errors.append(
                _("This account signs in with %(provider)s, not a password: use the button below.", provider=provider_name()))
        else:
            if user is not None:
                keys = start_session(user, address=request.remote_addr, user_agent=request.user_agent.string,
                                     remember=form.remember.data)
                login_user(user)
                if keys.remember_token:
                    remember_browser(keys.remember_token)
                return redirect(_safe_next(request.args.get("next")) or url_for("home.index"))
            # One message for every failure, so it tells nobody which accounts exist.
            form.password.errors.append(_("Wrong username, e-mail or password, or the account is inactive."))
    return _sign_in_page(form, status=200 if request.method == "GET" or not form.errors else 422)


@bp.get("/sso")
@public
def sso_start():
    """To the provider's sign-in page ("Sign in with <provider>"). A GET, as a link: starting a sign-in
    changes nothing here, and only this browser can finish it (the state is kept in its cookie)."""
    if not sso_enabled():
        abort(404)
    try:
        # The provider sends the browser back to BASE_URL, never to the Host this request named.
        return begin_sign_in(external_url("auth.sso_callback"), _safe_next(request.args.get("next")))
    except SignInRefused as refused:
        return _sign_in_page(SignInForm(), status=422, sso_error=str(refused))


@bp.get("/sso/callback")
@public
@rate_limits.single_sign_on_per_address
def sso_callback():
    """Where the provider sends the browser back: a session like the password sign-in's, or the reason why not."""
    if not sso_enabled():
        abort(404)
    try:
        user = finish_sign_in(address=request.remote_addr, user_agent=request.user_agent.string)
    except SignInRefused as refused:
        return forget_sign_in(_sign_in_page(SignInForm(), status=422, sso_error=str(refused)))
    login_user(user)
    session[SIGNED_IN_WITH_SSO] = True
    return forget_sign_in(redirect(sign_in_next_path() or url_for("home.index")))


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    end_session(current_user)
    if session.pop(SIGNED_IN_WITH_SSO, False):
        # Signing out of FieldCert leaves the provider's own session; the sign-in page offers to end it.
        session[PROVIDER_SIGN_OUT] = provider_sign_out_url(external_url("auth.login"))
    return _signed_out(_("You are signed out."), "info")


@bp.route("/forgot-password", methods=["GET", "POST"])
@public
@rate_limits.reset_per_address
@rate_limits.reset_per_account
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        request_password_reset(form.identifier.data)
        # The same answer whether or not the account exists.
        flash(_("If an active account matches, we have e-mailed it a link to choose a new password."), "info")
        return redirect(url_for("auth.login"))
    return render("auth/forgot_password.html", form=form, status=422 if form.errors else 200)


def _choose_password(user, set_password, done: str, **page):
    """The choose-a-password form of a reset or invitation link, or the link's failure page."""
    if user is None:
        return render("auth/reset_invalid.html", status=404, **page)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            set_password(user, form.password.data)
        except PasswordRefused as refused:
            add_errors(form, refused)
        else:
            return _signed_out(done, "success")
    return render("auth/reset_password.html", form=form, user=user, hint=PASSWORD_HINT,
                  status=422 if form.errors else 200, **page)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str):
    return _choose_password(user_for_reset_token(token), reset_password_to,
                            _("Your password is changed. Sign in with the new one."))


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@public
def accept_invitation(token: str):
    """An invited person chooses their password: the link works once, for 7 days."""
    return _choose_password(user_for_invitation_token(token), accept_invitation_with,
                            _("Your password is set. Sign in with your username and the new password."), invitation=True)


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    """Change password: the current one is asked again, and the user's other sessions end."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            ended = change_password(current_user, form.current.data, form.password.data)
        except PasswordRefused as refused:
            add_errors(form, refused)
        else:
            flash(ngettext("Your password is changed. You were signed out on %(num)d other device.",
                           "Your password is changed. You were signed out on %(num)d other devices.", ended)
                  if ended else _("Your password is changed."), "success")
            return redirect(url_for("auth.sessions"))
    return render("auth/password.html", form=form, hint=PASSWORD_HINT, status=422 if form.errors else 200)


@bp.get("/sessions")
@login_required
def sessions():
    """Where the user is signed in, with "End all other sessions"."""
    return render("auth/sessions.html", sessions=list_live_sessions(current_user, current_user.session_key))


@bp.post("/sessions/end")
@login_required
def end_other_sessions():
    ended = end_all_sessions(current_user, current_user, keep=current_user.session_key)
    flash(ngettext("You were signed out on %(num)d other device.", "You were signed out on %(num)d other devices.",
                   ended), "success")
    return redirect(url_for("auth.sessions"))
