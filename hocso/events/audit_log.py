"""How the audit log says what happened to bridge sites (registered in EventsConfig.ready())."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from hocso.core import audit_actions as log

from .models import BridgeSite, Programme


def register() -> None:
    group = _("Bridge sites")
    log.register("bridge_site.create", _("{actor} added the bridge site {object}"), label=_("Bridge site added"),
                 group=group)
    log.register("bridge_site.update", _("{actor} edited the bridge site {object}"), label=_("Bridge site edited"),
                 group=group)
    log.register("bridge_site.import", _("{actor} imported a list of bridge sites"),
                 label=_("Bridge sites imported"), group=group)
    programmes = _("Awareness programmes")
    for action, text, label in (
        ("programme.create", _("{actor} created the programme {object}"), _("Programme created")),
        ("programme.update", _("{actor} edited the programme {object}"), _("Programme edited")),
        ("programme.sites_add", _("{actor} added bridge sites to the programme {object}"), _("Sites added")),
        ("programme.site_remove", _("{actor} removed a bridge site from the programme {object}"),
         _("Site removed")),
        ("programme.expected_set", _("{actor} set a site's expected head count in {object}"),
         _("Expected head count set")),
        ("programme.session_create", _("{actor} added a session to the programme {object}"), _("Session added")),
        ("programme.session_update", _("{actor} edited a session of the programme {object}"), _("Session edited")),
        ("programme.readiness", _("{actor} confirmed a site's preparations in {object}"),
         _("Site preparations confirmed")),
        ("programme.check_in", _("{actor} checked someone in at a site of {object}"), _("Checked in")),
        ("programme.check_in_undo", _("{actor} took back a check-in at a site of {object}"),
         _("Check-in taken back")),
        ("programme.head_count", _("{actor} recorded a site's head count in {object}"), _("Head count recorded")),
        ("programme.publish", _("{actor} published the attendance of {object}"), _("Attendance published")),
        ("programme.unpublish", _("{actor} took the attendance of {object} off the public pages"),
         _("Attendance unpublished")),
        ("programme.certificates", _("{actor} asked for certificates of participation in {object}"),
         _("Certificates of participation asked for")),
        ("programme.expected_recompute", _("{actor} counted the expected people of {object} again"),
         _("Expected people counted again")),
    ):
        log.register(action, text, label=label, group=programmes)
    log.register_object("events.programme", links=log.links_by_pk("events.programme", "events:programme_detail"),
                        in_units=lambda scope: Programme.objects.filter(scope.q("host_unit__path")))
    for key, label in (("audience_units", _("Audience units")), ("sites", _("Sites")), ("site", _("Bridge site")),
                       ("expected", _("Expected head count")), ("session", _("Session")), ("step", _("Step")),
                       ("done", _("Done")), ("head_count", _("Head count"))):
        log.register_key(key, label, object_type="events.programme")
    log.register_key("learner", _("Person"), model="people.learner", object_type="events.programme")
    log.register_object("events.bridgesite", links=log.links_by_pk("events.bridgesite", "events:site_edit"),
                        in_units=lambda scope: BridgeSite.objects.filter(scope.q("unit__path")))
    log.register_key("coordinators_added", _("Coordinator accounts added"))
    log.register_key("sites_created", _("Sites added"))
    log.register_key("sites_updated", _("Sites updated"))
