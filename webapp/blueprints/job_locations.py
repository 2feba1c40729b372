"""A job location's site clearance (issue 21 part 8): the certifications it requires of the people working
there, who works there, and whether each of them is cleared for the site today (decisions 76 and 77). Its
responsible user reads it; only administrators of certifications change it (decision 96)."""
from flask import Blueprint, abort, flash, redirect, url_for
from flask_login import current_user

from webapp.blueprints.common import saved
from webapp.clock import today
from webapp.forms.job_locations import SiteCertificationsForm, SiteWorkerForm
from webapp.forms.supervising import ActionForm
from webapp.htmx import render
from webapp.permissions import Permission
from webapp.security import login_required, permission_required
from webapp.services.entities import may_view_entity
from webapp.services.job_locations import (
    add_site_worker,
    get_job_location,
    remove_site_worker,
    requirable_certifications,
    set_site_certifications,
    site_certifications,
    site_clearance,
    site_workers,
)
from webapp.services.privacy import sight_of

bp = Blueprint("job_locations", __name__, url_prefix="/job-locations")
MANAGE = Permission.MANAGE_CERTIFICATIONS


def _location_or_404(location_id: int):
    """The job location, when the signed-in user may see it (decision 70); 404 otherwise, as for an id that
    does not exist."""
    location = get_job_location(location_id)
    if location is None or not may_view_entity(current_user, location):
        abort(404)
    return location


def _back(location) -> str:
    return url_for("job_locations.clearance", location_id=location.id)


def _page(location, certifications_form=None, worker_form=None, status: int = 200):
    certifications_form = certifications_form or SiteCertificationsForm(formdata=None)
    certifications_form.certifications.choices = [(c.id, c.name) for c in requirable_certifications()]
    required = site_certifications(location)
    if certifications_form.certifications.data is None:
        certifications_form.certifications.data = [c.id for c in required]
    sight = sight_of(current_user)
    shown = [c for c in required if sight.shows(c.id)]
    return render("job_locations/clearance.html", status=status, location=location, required=required,
                  may_manage=current_user.can(MANAGE), shown_required=shown, unshown_required=len(required) - len(shown),
                  clearance=site_clearance(location, site_workers(location), today(),
                                           lambda certification: sight.shows(certification.id)),
                  certifications_form=certifications_form, worker_form=worker_form or SiteWorkerForm(formdata=None),
                  action_form=ActionForm(), day=today())


@bp.get("/<int:location_id>/clearance")
@login_required
def clearance(location_id: int):
    return _page(_location_or_404(location_id))


@bp.post("/<int:location_id>/clearance/certifications")
@permission_required(MANAGE)
def certifications(location_id: int):
    location = _location_or_404(location_id)
    form = SiteCertificationsForm()
    form.certifications.choices = [(c.id, c.name) for c in requirable_certifications()]
    done = saved(form, lambda: set_site_certifications(current_user, location, form.certifications.data or []),
                 f"Saved what {location.name} requires of the people working there.", _back(location))
    return done or _page(location, certifications_form=form, status=422)


@bp.post("/<int:location_id>/clearance/workers")
@permission_required(MANAGE)
def add_worker(location_id: int):
    location = _location_or_404(location_id)
    form = SiteWorkerForm()
    done = saved(form, lambda: add_site_worker(current_user, location, form.who.data or ""),
                 lambda person: f"{person.full_name} now works at {location.name}.", _back(location))
    return done or _page(location, worker_form=form, status=422)


@bp.post("/<int:location_id>/clearance/workers/<int:user_id>/remove")
@permission_required(MANAGE)
def remove_worker(location_id: int, user_id: int):
    location = _location_or_404(location_id)
    if not ActionForm().validate():
        abort(400)
    person = remove_site_worker(current_user, location, user_id)
    if person is None:
        abort(404)
    flash(f"{person.full_name} no longer works at {location.name}.", "success")
    return redirect(_back(location))
