"""Signing in and out."""
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, request, url_for
from flask_login import current_user, login_user, logout_user

from webapp import rate_limits
from webapp.forms.auth import ForgotPasswordForm, ResetPasswordForm, SignInForm
from webapp.htmx import render
from webapp.security import login_required, public
from webapp.services.accounts import authenticate_user, request_password_reset
from webapp.services.accounts import reset_password as reset_password_to
from webapp.services.reset_tokens import user_for_reset_token

bp = Blueprint("auth", __name__, url_prefix="/auth")


def _safe_next(target: str | None) -> str | None:
    """Only same-site paths, so the sign-in page cannot send people elsewhere."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


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
            login_user(user, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")) or url_for("home.index"))
        # One message for every failure, so it tells nobody which accounts exist.
        form.password.errors.append("Wrong username, e-mail or password, or the account is inactive.")
    return render("auth/login.html", form=form, status=200 if request.method == "GET" or not form.errors else 422)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    logout_user()
    flash("You are signed out.", "info")
    response = redirect(url_for("auth.login"))
    # The next person on a shared device must not see this person's pages: this empties the
    # browser cache, the pages the service worker saved and the queue of unsent submissions.
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


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


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str):
    user = user_for_reset_token(token)
    if user is None:
        return render("auth/reset_invalid.html", status=404)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        reset_password_to(user, form.password.data)
        if current_user.is_authenticated:
            logout_user()
        flash("Your password is changed. Sign in with the new one.", "success")
        return redirect(url_for("auth.login"))
    return render("auth/reset_password.html", form=form, user=user, status=422 if form.errors else 200)
