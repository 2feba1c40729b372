"""Signing in and out, passwords, and the signed-in user's sessions."""
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, request, url_for
from flask_login import current_user, login_user, logout_user

from webapp import rate_limits
from webapp.blueprints.common import add_errors
from webapp.forms.auth import ChangePasswordForm, ForgotPasswordForm, ResetPasswordForm, SignInForm
from webapp.htmx import render
from webapp.rules.passwords import MIN_LENGTH
from webapp.security import forget_browser, login_required, public, remember_browser
from webapp.services.accounts import (
    PasswordRefused,
    accept_invitation as accept_invitation_with,
    authenticate_user,
    change_password,
    request_password_reset,
)
from webapp.services.accounts import reset_password as reset_password_to
from webapp.services.reset_tokens import user_for_invitation_token, user_for_reset_token
from webapp.services.sessions import end_all_sessions, end_session, list_live_sessions, start_session

bp = Blueprint("auth", __name__, url_prefix="/auth")

PASSWORD_HINT = f"At least {MIN_LENGTH} characters, and not one of the most common passwords."


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


@bp.route("/login", methods=["GET", "POST"])
@public
@rate_limits.sign_in_per_address
@rate_limits.sign_in_per_account
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = SignInForm()
    if form.validate_on_submit():
        user = authenticate_user(form.identifier.data, form.password.data)
        if user is not None:
            keys = start_session(user, address=request.remote_addr, user_agent=request.user_agent.string,
                                 remember=form.remember.data)
            login_user(user)
            if keys.remember_token:
                remember_browser(keys.remember_token)
            return redirect(_safe_next(request.args.get("next")) or url_for("home.index"))
        # One message for every failure, so it tells nobody which accounts exist.
        form.password.errors.append("Wrong username, e-mail or password, or the account is inactive.")
    return render("auth/login.html", form=form, status=200 if request.method == "GET" or not form.errors else 422)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    end_session(current_user)
    return _signed_out("You are signed out.", "info")


@bp.route("/forgot-password", methods=["GET", "POST"])
@public
@rate_limits.reset_per_address
@rate_limits.reset_per_account
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        request_password_reset(form.identifier.data)
        # The same answer whether or not the account exists.
        flash("If an active account matches, we have e-mailed it a link to choose a new password.", "info")
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
                            "Your password is changed. Sign in with the new one.")


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@public
def accept_invitation(token: str):
    """An invited person chooses their password: the link works once, for 7 days."""
    return _choose_password(user_for_invitation_token(token), accept_invitation_with,
                            "Your password is set. Sign in with your username and the new password.", invitation=True)


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
            others = f" You were signed out on {ended} other device(s)." if ended else ""
            flash(f"Your password is changed.{others}", "success")
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
    flash(f"You were signed out on {ended} other device(s).", "success")
    return redirect(url_for("auth.sessions"))
