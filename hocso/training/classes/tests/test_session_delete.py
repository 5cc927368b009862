"""Deleting a session: confirmed first, refused once attendance was recorded, for those who run the class only."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from hocso.core.actors import SYSTEM
from hocso.core.models import AuditEntry
from hocso.training.classes import services
from hocso.training.models import Session
from hocso.training.tests.factories import make_class

EN = {"hocso_language": "en"}


def _session(klass):
    return services.session_create(actor=SYSTEM, klass=klass, date=dt.date(2026, 12, 3), start_time=dt.time(8),
                                     end_time=dt.time(9), place="Hội trường")


def test_session_without_attendance_is_deleted_after_confirmation(client, instructor):
    klass = make_class()
    klass.instructors.add(instructor)
    session = _session(klass)
    url = reverse("training:session_delete", args=[session.pk])
    client.force_login(instructor)
    assert client.get(url).status_code == 200 and Session.objects.filter(pk=session.pk).exists()
    response = client.post(url)
    assert response["Location"] == reverse("training:class", args=[klass.pk])
    assert not Session.objects.filter(pk=session.pk).exists()
    assert AuditEntry.objects.filter(action="session.delete", object_id=str(session.pk)).exists()


def test_session_with_attendance_cannot_be_deleted(client, instructor, learner_in_a):
    klass = make_class()
    klass.instructors.add(instructor)
    services.enrol_learner(actor=SYSTEM, klass=klass, learner=learner_in_a)
    session = _session(klass)
    services.mark_attendance(actor=SYSTEM, session=session, present={learner_in_a.pk})
    url = reverse("training:session_delete", args=[session.pk])
    client.cookies.load(EN)
    client.force_login(instructor)
    message = "Attendance has been recorded for this session, so it cannot be deleted."
    assert message in client.get(url).content.decode()
    assert message in client.post(url, follow=True).content.decode()
    assert Session.objects.filter(pk=session.pk).exists()


def test_focal_point_cannot_delete_a_session(client, focal_a):
    session = _session(make_class())
    client.force_login(focal_a)
    assert client.post(reverse("training:session_delete", args=[session.pk])).status_code == 403
    assert Session.objects.filter(pk=session.pk).exists()
