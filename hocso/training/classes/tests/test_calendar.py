"""The learner's calendar feed (.ics, RFC 5545) at a secret address: their sessions only, escaped and folded."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from hocso.core.actors import SYSTEM
from hocso.tests.factories import make_user
from hocso.training.classes import calendar, services
from hocso.training.models import CourseMode, Enrolment
from hocso.training.tests.factories import make_class, make_course


def test_calendar_feed_lists_the_learners_sessions(client, learner_user, learner_in_a):
    klass = make_class(make_course("Kỹ năng số; nâng cao", mode=CourseMode.IN_PERSON, self_enrolment=False))
    services.enrol_learner(actor=SYSTEM, klass=klass, learner=learner_in_a)
    services.session_create(actor=SYSTEM, klass=klass, date=dt.date(2026, 12, 3), start_time=dt.time(8),
                              end_time=dt.time(11), place="Hội trường, tầng 2")
    other = make_class(make_course("Khoá khác", mode=CourseMode.IN_PERSON, self_enrolment=False), name="Lớp khác")
    services.session_create(actor=SYSTEM, klass=other, date=dt.date(2026, 12, 4), start_time=dt.time(8),
                              end_time=dt.time(9), place="Nơi khác")
    url = reverse("training:calendar_feed", args=[calendar.feed_token(learner_user)])
    response = client.get(url)  # calendar apps do not sign in
    body = response.content.decode()
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    assert body.count("BEGIN:VEVENT") == 1
    assert "DTSTART:20261203T010000Z" in body  # 08:00 in Hanoi
    assert "LOCATION:Hội trường\\, tầng 2" in body and "Kỹ năng số\\; nâng cao" in body
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    assert client.get(url.replace(".ics", "x.ics")).status_code == 404


def test_withdrawn_learner_has_no_sessions_in_the_feed(learner_in_a):
    klass = make_class()
    services.enrol_learner(actor=SYSTEM, klass=klass, learner=learner_in_a)
    services.session_create(actor=SYSTEM, klass=klass, date=dt.date(2026, 12, 3), start_time=dt.time(8),
                              end_time=dt.time(9), place="Hội trường")
    assert len(calendar.sessions_for_learner(learner_in_a)) == 1
    services.withdraw(actor=SYSTEM, enrolment=Enrolment.objects.get())
    assert calendar.sessions_for_learner(learner_in_a) == []


def test_long_lines_are_folded():
    folded = calendar._fold("SUMMARY:" + "Chuyển đổi số " * 20)
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == "SUMMARY:" + "Chuyển đổi số " * 20


def test_inactive_account_feed_is_404(client, learner_in_a):
    user = make_user(username="nghiviec", is_active=False)
    learner_in_a.user = user
    learner_in_a.save(update_fields=["user"])
    assert client.get(reverse("training:calendar_feed", args=[calendar.feed_token(user)])).status_code == 404
