"""How the audit log says what happened in training: courses, classes, enrolments, sessions, certificates and plans
(registered in TrainingConfig.ready())."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from hocso.core import audit_actions as log
from hocso.core.formatting import number
from hocso.org.models import TargetGroup

from .models import Certificate, Enrolment


def _ids(ids: list[str]) -> list[int]:
    return [int(i) for i in ids if i.isdigit()]


def _certificate_links(ids: list[str]) -> dict[str, str]:
    pairs = Certificate.objects.filter(pk__in=_ids(ids)).values_list("pk", "code")
    return {str(pk): reverse("training:certificate_verify", args=[code]) for pk, code in pairs}


def _enrolment_links(ids: list[str]) -> dict[str, str]:
    """An enrolment is shown on its class's page, or its course's when it is in no class."""
    links = {}
    for pk, klass_id, course_id in Enrolment.objects.filter(pk__in=_ids(ids)).values_list("pk", "klass_id",
                                                                                            "course_id"):
        links[str(pk)] = (reverse("training:class", args=[klass_id]) if klass_id
                          else reverse("training:course", args=[course_id]))
    return links


def _targets(value) -> str:
    """A plan's targets, {"2026/3": 500}: year, target group and count."""
    if not isinstance(value, dict):
        return str(value)
    groups = dict(TargetGroup.objects.values_list("pk", "name"))
    parts = []
    for key, count in sorted(value.items()):
        year, _sep, group = str(key).partition("/")
        name = groups.get(int(group)) if group.isdigit() else None
        parts.append(f"{year} · {name or group}: {number(count)}")
    return "; ".join(parts)


def _lessons(value) -> str:
    count = len(value) if isinstance(value, list) else 1
    return ngettext("%(count)s lesson", "%(count)s lessons", count) % {"count": number(count)}


def register() -> None:
    courses, classes, certificates = _("Courses"), _("Classes and enrolment"), _("Certificates and plans")
    log.register("course.create", _("{actor} created the course {object}"), label=_("Course created"),
                 group=courses)
    log.register("course.update", _("{actor} edited the course {object}"), label=_("Course edited"), group=courses)
    log.register("course.module_create", _("{actor} added a module to the course {object}"),
                 label=_("Module added"), group=courses)
    log.register("course.module_update", _("{actor} renamed a module of the course {object}"),
                 label=_("Module renamed"), group=courses)
    log.register("course.module_delete", _("{actor} deleted a module of the course {object}"),
                 label=_("Module deleted"), group=courses)
    log.register("lesson.create", _("{actor} created the lesson {object}"), label=_("Lesson created"), group=courses)
    log.register("lesson.update", _("{actor} edited the lesson {object}"), label=_("Lesson edited"), group=courses)
    log.register("lesson.delete", _("{actor} deleted the lesson {object}"), label=_("Lesson deleted"), group=courses)
    log.register("enrolment.self", _("{actor} enrolled in a course: {object}"), label=_("Enrolled in a course"),
                 group=courses)
    log.register("class.create", _("{actor} created the class {object}"), label=_("Class created"), group=classes)
    log.register("class.update", _("{actor} edited the class {object}"), label=_("Class edited"), group=classes)
    log.register("enrolment.create", _("{actor} enrolled {object}"), label=_("Enrolled in a class"), group=classes)
    log.register("enrolment.bulk", _("{actor} enrolled {object} with their unit"),
                 label=_("Enrolled with a unit"), group=classes)
    log.register("class.enrol_bulk", _("{actor} enrolled a unit's people in the class {object}"),
                 label=_("Unit enrolled in a class"), group=classes)
    log.register("class.enrol_list", _("{actor} enrolled people from a list in the class {object}"),
                 label=_("List enrolled in a class"), group=classes)
    log.register("enrolment.request", _("{actor} asked to join a class: {object}"), label=_("Asked to join a class"),
                 group=classes)
    log.register("enrolment.decide", _("{actor} answered a request to join: {object}"),
                 label=_("Request to join answered"), group=classes)
    log.register("enrolment.withdraw", _("{actor} withdrew {object} from the class"), label=_("Withdrawn from a class"),
                 group=classes)
    log.register("enrolment.promote", _("{actor} moved {object} from the waiting list into the class"),
                 label=_("Moved up from the waiting list"), group=classes)
    log.register("session.create", _("{actor} scheduled the session {object}"), label=_("Session scheduled"),
                 group=classes)
    log.register("session.update", _("{actor} edited the session {object}"), label=_("Session edited"),
                 group=classes)
    log.register("session.delete", _("{actor} deleted the session {object}"), label=_("Session deleted"),
                 group=classes)
    log.register("session.attendance", _("{actor} took attendance at the session {object}"),
                 label=_("Attendance taken"), group=classes)
    log.register("session.checkin", _("{actor} checked in at the session {object}"), label=_("Checked in"),
                 group=classes)
    log.register("certificate.issue", _("{actor} issued the certificate {object}"), label=_("Certificate issued"),
                 group=certificates)
    log.register("certificate.revoke", _("{actor} revoked the certificate {object}"), label=_("Certificate revoked"),
                 group=certificates)
    log.register("class.certificates_request", _("{actor} asked for the certificates of the class {object}"),
                 label=_("Class certificates requested"), group=certificates)
    log.register("training_plan.create", _("{actor} created the training plan {object}"),
                 label=_("Training plan created"), group=certificates)
    log.register("training_plan.update", _("{actor} edited the training plan {object}"),
                 label=_("Training plan edited"), group=certificates)

    log.register_object("training.course", links=log.links_by_pk("training.course", "training:manage_course"))
    log.register_object("training.lesson", links=log.links_by_pk("training.lesson", "training:manage_lesson"))
    log.register_object("training.courseclass", links=log.links_by_pk("training.courseclass", "training:class"))
    log.register_object("training.session", links=log.links_by_pk("training.session", "training:session"))
    log.register_object("training.trainingplan", links=log.links_by_pk("training.trainingplan", "training:plan_edit"))
    log.register_object("training.enrolment", links=_enrolment_links,
                        in_units=lambda scope: Enrolment.objects.filter(scope.q("learner__unit__path")))
    log.register_object("training.certificate", links=_certificate_links,
                        in_units=lambda scope: Certificate.objects.filter(scope.q("learner__unit__path")))
    log.register_key("course", _("Course"), model="training.course")
    log.register_key("klass", _("Class"), model="training.courseclass")
    log.register_key("module", _("Module"), model="training.module")
    log.register_key("lessons", _("Lessons"), show=_lessons)
    log.register_key("title", _("Title"))
    log.register_key("batch", _("Request number"))
    log.register_key("enrolled", _("Enrolled"))
    log.register_key("waiting", _("On the waiting list"))
    log.register_key("skipped", _("Skipped"))
    log.register_key("errors", _("Errors"))
    log.register_key("present", _("Present"), model="people.learner", many=True)
    log.register_key("reason", _("Reason"))
    log.register_key("targets", _("Targets"), show=_targets, object_type="training.trainingplan")
