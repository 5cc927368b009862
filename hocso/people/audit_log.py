"""How the audit log says what happened to people's records (registered in PeopleConfig.ready())."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from hocso.core import audit_actions as log
from hocso.core.formatting import number

from .models import Learner, LearnerStatus


def _people(value) -> str:
    """A count, or the ids of the people concerned ("12 57 80")."""
    count = value if isinstance(value, int) else len(str(value).split())
    return ngettext("%(count)s person", "%(count)s people", count) % {"count": number(count)}


def _via(value) -> str:
    return str({"form": _("the form"), "import": _("a staff import"), "sso": _("single sign-on")}.get(value, value))


def _format(value) -> str:
    return {"xlsx": "Excel (.xlsx)", "csv": "CSV"}.get(value, str(value))


def _status(value) -> str:
    return str(dict(LearnerStatus.choices).get(value, value))


def register() -> None:
    group = _("People")
    log.register("learner.create", _("{actor} added {object} to the people list"), label=_("Person added"),
                 group=group)
    log.register("learner.update", _("{actor} edited the record of {object}"), label=_("Person edited"), group=group)
    log.register("learner.move", _("{actor} moved {object} to another unit"), label=_("Person moved"), group=group)
    log.register("learner.leave", _("{actor} recorded that {object} left their unit"), label=_("Person left"),
                 group=group)
    log.register("learner.view_cccd", _("{actor} looked at the full CCCD number of {object}"),
                 label=_("Full CCCD number shown"), group=group)
    log.register("learner.cccd_refused", _("{actor} entered a CCCD number that already belongs to {object}: refused"),
                 label=_("CCCD number refused"), group=group)
    log.register("learner.create_account", _("{actor} created a user account for {object}"),
                 label=_("Account created for a person"), group=group)
    log.register("learner.anonymise", _("{actor} anonymised the record of {object}"), label=_("Person anonymised"),
                 group=group)
    log.register("learner.import", _("{actor} imported the staff list {object}"), label=_("Staff list imported"),
                 group=group)
    log.register("learner.export", _("{actor} downloaded a list of people"), label=_("People list downloaded"),
                 group=group)
    log.register("privacy.export", _("{actor} downloaded a copy of the personal data of {object}"),
                 label=_("Personal data downloaded"), group=group)
    log.register_object("people.learner", links=log.links_by_pk("people.learner", "people:detail"),
                        in_units=lambda scope: Learner.objects.filter(scope.q("unit__path")))
    log.register_object("people.importjob", links=log.links_by_pk("people.importjob", "people:import_job"))
    log.register_key("learner", _("Person"), model="people.learner")
    log.register_key("learners", _("People"), show=_people)
    log.register_key("via", _("Entered through"), show=_via)
    log.register_key("file", _("File"))
    log.register_key("sheet", _("Sheet"))
    log.register_key("rows", _("Rows"))
    log.register_key("format", _("Format"), show=_format)
    log.register_key("full_cccd", _("With full CCCD numbers"))
    log.register_key("username", _("User name"))
    log.register_key("audit_entries_scrubbed", _("Log entries made anonymous"))
    log.register_key("filter_q", _("Search"))
    log.register_key("filter_unit", _("Unit"), model="org.unit")
    log.register_key("filter_target_group", _("Target group"), model="org.targetgroup")
    log.register_key("filter_status", _("Working status"), show=_status)
    log.register_key("import", _("Import"))
    for key, label in (("new", _("People added")), ("updated", _("People updated")),
                       ("moved", _("People moved")), ("left", _("People who left")), ("unchanged", _("Unchanged")),
                       ("error", _("Rows with errors")), ("duplicate", _("Duplicates"))):
        log.register_key(key, label, object_type="people.importjob")
