"""The home page: what each person needs first, by what they may do."""
from flask import Blueprint
from flask_login import current_user

from webapp.clock import today
from webapp.htmx import render
from webapp.permissions import Permission
from webapp.rules import Status
from webapp.security import login_required
from webapp.services.access import count_approvable_submissions
from webapp.services.entities import owned_entities
from webapp.services.summaries import OUTSTANDING, count_statuses, count_team_statuses, summarise_organisation

bp = Blueprint("home", __name__)


@bp.route("/")
@login_required
def index():
    day = today()
    context = {"statuses": list(Status)}
    if current_user.can(Permission.VIEW_OWN_CERTIFICATIONS):
        context["own_counts"] = count_statuses([current_user.id], day)
        context["own_outstanding"] = sum(context["own_counts"][status] for status in OUTSTANDING)
    if current_user.can(Permission.APPROVE_SUPERVISED) or current_user.can(Permission.APPROVE_ALL):
        context["pending_approvals"] = count_approvable_submissions(current_user)
    if current_user.can(Permission.VIEW_SUPERVISED_USERS) and current_user.supervised:
        context["team_counts"] = count_team_statuses(current_user, day)
    if current_user.can(Permission.MANAGE_CERTIFICATIONS):
        context["organisation"] = summarise_organisation()
    # Their pages are open to their responsible user (decision 70): this is the way there.
    context["owned"] = owned_entities(current_user)
    return render("home/index.html", **context)
