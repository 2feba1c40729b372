"""Settings page: Module Levels (and who holds them) and Module Settings."""
from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _, ngettext
from flask_login import current_user

from webapp.blueprints.common import confirm_delete, saved
from webapp.bounds import database_ids
from webapp.clock import today
from webapp.forms.settings import (
    CATEGORY_LABELS,
    AttachmentNamingForm,
    LanguageSettingsForm,
    ModuleLevelForm,
    NotificationForm,
    PhotoSettingsForm,
    TimeZoneForm,
)
from webapp.htmx import render, render_fragment
from webapp.permissions import CATEGORIES, Permission
from webapp.rules.languages import LANGUAGE_NAMES
from webapp.security import permission_required
from webapp.services.module_levels import (
    ModuleLevelInvalid,
    assign_module_levels,
    count_level_users,
    create_module_level,
    delete_module_level,
    get_module_level,
    list_module_levels,
    update_module_level,
    users_with_levels,
)
from webapp.services.settings import (
    NOTIFICATION_OPTIONS,
    TEMPLATE_TOKENS,
    attachment_naming,
    notification_defaults,
    organisation_language,
    organisation_time_zone,
    preview_attachment_name,
    show_photos_on_qr,
    update_attachment_naming,
    update_notification_defaults,
    update_organisation_language,
    update_organisation_time_zone,
    update_photo_settings,
)

bp = Blueprint("settings", __name__, url_prefix="/settings")


def _level_or_404(level_id: int):
    level = get_module_level(level_id)
    if level is None:
        abort(404)
    return level


@bp.route("/")
@permission_required(Permission.MANAGE_SETTINGS, Permission.MANAGE_MODULE_LEVELS)
def index():
    if current_user.can(Permission.MANAGE_MODULE_LEVELS):
        return redirect(url_for("settings.module_levels"))
    return redirect(url_for("settings.module_settings"))


@bp.route("/module-levels")
@permission_required(Permission.MANAGE_MODULE_LEVELS)
def module_levels():
    levels = list_module_levels()
    return render("settings/module_levels.html", levels=levels, categories=CATEGORIES)


def _level_page(form, level=None, status=200):
    return render("settings/module_level_form.html", form=form, level=level, categories=CATEGORIES,
                  category_labels=CATEGORY_LABELS, status=status)


@bp.route("/module-levels/new", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_MODULE_LEVELS)
def create_level():
    form = ModuleLevelForm()
    done = saved(form, lambda: create_module_level(current_user, form.name.data, form.permissions.data),
                 lambda level: _("Module level %(name)s created.", name=level.name), url_for("settings.module_levels"))
    return done or _level_page(form, status=422 if form.is_submitted() else 200)


@bp.route("/module-levels/<int:level_id>/edit", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_MODULE_LEVELS)
def edit_level(level_id: int):
    level = _level_or_404(level_id)
    if level.built_in:
        abort(403)
    form = ModuleLevelForm()
    done = saved(form, lambda: update_module_level(current_user, level, form.name.data, form.permissions.data),
                 lambda level: _("Module level %(name)s saved.", name=level.name), url_for("settings.module_levels"))
    if done or form.is_submitted():
        return done or _level_page(form, level, status=422)
    form.name.data = level.name
    form.permissions.data = [p.value for p in level.permissions]
    return _level_page(form, level)


@bp.route("/module-levels/<int:level_id>/delete", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_MODULE_LEVELS)
def delete_level(level_id: int):
    level = _level_or_404(level_id)
    if level.built_in:
        abort(403)
    users = count_level_users(level)
    return confirm_delete(
        heading=_("Delete Module Level: %(name)s", name=level.name),
        explanation=ngettext("%(num)d user holds this level and will lose its permissions. The users are not deleted.",
                             "%(num)d users hold this level and will lose its permissions. The users are not deleted.",
                             users),
        button=_("Delete Module Level"),
        cancel_url=url_for("settings.module_levels"),
        delete=lambda: delete_module_level(current_user, level),
        done=_("Module level %(name)s deleted.", name=level.name),
        done_url=url_for("settings.module_levels"),
    )


@bp.route("/module-levels/users", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_MODULE_LEVELS)
def assign_levels():
    levels, users = list_module_levels(), users_with_levels()
    error = None
    if request.method == "POST":
        assignments = {
            user.id: database_ids(request.form.getlist(f"levels-{user.id}"))
            for user in users
            if f"listed-{user.id}" in request.form
        }
        try:
            assign_module_levels(current_user, assignments)
        except ModuleLevelInvalid as invalid:
            error = invalid.errors["levels"]
        else:
            flash(_("Module levels saved."), "success")
            return redirect(url_for("settings.assign_levels"))
    return render("settings/assign_levels.html", levels=levels, users=users, page_error=error,
                  status=422 if error else 200)


@bp.route("/module-settings", methods=["GET"])
@permission_required(Permission.MANAGE_SETTINGS)
def module_settings():
    naming = attachment_naming()
    return render("settings/module_settings.html", notifications=notification_defaults(), options=NOTIFICATION_OPTIONS,
                  naming=naming, preview=preview_attachment_name(naming["template"], today()),
                  show_photos=show_photos_on_qr(), time_zone=organisation_time_zone(), language=organisation_language(),
                  languages=LANGUAGE_NAMES)


@bp.route("/module-settings/time-zone", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_SETTINGS)
def edit_time_zone():
    """The organisation's time zone: its midnight turns statuses, and notices go out at its hour."""
    return _edit_module_setting(TimeZoneForm, {"time_zone": organisation_time_zone()},
                                lambda form: update_organisation_time_zone(current_user, form.time_zone.data),
                                _("Time zone saved."), "settings/time_zone.html")


@bp.route("/module-settings/language", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_SETTINGS)
def edit_language():
    """The organisation's default language, for whoever has not chosen their own."""
    return _edit_module_setting(LanguageSettingsForm, {"language": organisation_language()},
                                lambda form: update_organisation_language(current_user, form.language.data),
                                _("Language settings saved."), "settings/language.html")


def _edit_module_setting(form_class, current: dict, save, done: str, template: str):
    """A one-form Module Settings page: the form filled with `current`; `save(form)` once it validates."""
    form = form_class(data=None if request.method == "POST" else current)
    return saved(form, lambda: save(form), done, url_for("settings.module_settings")) or render(
        template, form=form, status=422 if form.is_submitted() else 200)


@bp.route("/module-settings/photos", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_SETTINGS)
def edit_photos():
    return _edit_module_setting(PhotoSettingsForm, {"show_photos": show_photos_on_qr()},
                                lambda form: update_photo_settings(current_user, form.show_photos.data),
                                _("Photo settings saved."), "settings/photos.html")


@bp.route("/module-settings/notifications", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_SETTINGS)
def edit_notifications():
    form = NotificationForm(data=None if request.method == "POST" else notification_defaults())
    done = saved(form, lambda: update_notification_defaults(
        current_user, {key: form[key].data for key, _ in NOTIFICATION_OPTIONS}
        | {"send_hour": form.send_hour.data, "digest_window_days": form.digest_window_days.data}),
        _("Default notification settings saved."), url_for("settings.module_settings"))
    return done or render("settings/notifications.html", form=form, options=NOTIFICATION_OPTIONS,
                          status=422 if form.is_submitted() else 200)


@bp.route("/module-settings/attachment-naming", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_SETTINGS)
def edit_naming():
    naming = attachment_naming()
    form = AttachmentNamingForm(data=None if request.method == "POST" else
                                {"enabled": "on" if naming["enabled"] else "off", "template": naming["template"]})
    done = saved(form, lambda: update_attachment_naming(current_user, form.enabled.data == "on", form.template.data),
                 _("Attachment naming settings saved."), url_for("settings.module_settings"))
    return done or render("settings/naming.html", form=form, tokens=TEMPLATE_TOKENS,
                          preview=preview_attachment_name(form.template.data, today()),
                          status=422 if form.is_submitted() else 200)


@bp.route("/module-settings/attachment-naming/preview", methods=["POST"])
@permission_required(Permission.MANAGE_SETTINGS)
def naming_preview():
    return render_fragment("settings/naming.html", "preview",
                           preview=preview_attachment_name(request.form.get("template"), today()))
