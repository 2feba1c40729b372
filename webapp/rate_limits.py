"""Rate limits on what an attacker repeats: wrong passwords, reset requests, mail sent by hand.

Each limit is a setting (webapp/config.py) in Flask-Limiter's notation, read on every request;
Flask-Limiter counts in RATELIMIT_STORAGE_URI. Only what went through is counted (a refused
sign-in, a reset asked for, recipients mailed), and a request over the limit gets the 429 page
(webapp/errors.py) before anything is checked or sent.
"""
from flask import current_app, request
from flask_limiter.util import get_remote_address
from flask_login import current_user

from webapp.extensions import limiter
from webapp.forms.reports import split_addresses
from webapp.services.accounts import account_key

# Every person's mail sent by hand counts against one allowance, whichever page sent it.
MAIL_SCOPE = "mail sent by hand"
# Failed password sign-ins and refused single sign-ons from one address count together.
SIGN_IN_SCOPE = "failed sign-ins"


def _setting(name: str):
    return lambda: current_app.config[name]


def _account() -> str:
    return f"account {account_key(request.form.get('identifier', ''))}"


def _user() -> str:
    return f"user {current_user.id}"


def _refused(response) -> bool:
    return response.status_code == 422


def _went_through(response) -> bool:
    return response.status_code < 400


def _shared_report_recipients() -> int:
    return max(len(split_addresses(request.form.get("emails", ""))), 1)


def _ticked_people() -> int:
    return max(len(request.form.getlist("user_id")), 1)


def _limit(setting: str, key_func, counts):
    return limiter.limit(_setting(setting), key_func=key_func, methods=["POST"], deduct_when=counts)


def _failed_sign_ins(method: str):
    return limiter.shared_limit(_setting("SIGN_IN_LIMIT_PER_ADDRESS"), SIGN_IN_SCOPE, key_func=get_remote_address,
                                methods=[method], deduct_when=_refused)


def _mail_recipients(cost=1):
    return limiter.shared_limit(_setting("MAIL_RECIPIENTS_LIMIT_PER_USER"), MAIL_SCOPE, key_func=_user,
                                methods=["POST"], deduct_when=_went_through, cost=cost)


sign_in_per_account = _limit("SIGN_IN_LIMIT_PER_ACCOUNT", _account, _refused)
sign_in_per_address = _failed_sign_ins("POST")
single_sign_on_per_address = _failed_sign_ins("GET")
reset_per_account = _limit("RESET_LIMIT_PER_ACCOUNT", _account, _went_through)
reset_per_address = _limit("RESET_LIMIT_PER_ADDRESS", get_remote_address, _went_through)
shared_report_recipients = _mail_recipients(_shared_report_recipients)
notify_recipients = _mail_recipients()
notify_many_recipients = _mail_recipients(_ticked_people)
