"""Classes and enrolment: one by one, in bulk by unit subtree and target group (scoped), requests with approval,
the waiting list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from hocso.core.models import AuditEntry
from hocso.tests.factories import make_learner, make_user, target_group
from hocso.training.classes import services
from hocso.training.models import CourseClass, CourseMode, Enrolment, EnrolmentStatus
from hocso.training.tests.factories import make_class, make_course

EN = {"hocso_language": "en"}


def statuses(klass) -> dict[str, str]:
    return {e.learner.full_name: e.status for e in klass.enrolments.select_related("learner")}


def test_enrol_one_then_waiting_list_when_full(client, province_admin, learner_in_a, learner_in_b):
    klass = make_class(capacity=1)
    client.force_login(province_admin)
    client.post(reverse("training:class_enrol", args=[klass.pk]), {"learner": learner_in_a.pk})
    client.post(reverse("training:class_enrol", args=[klass.pk]), {"learner": learner_in_b.pk})
    assert statuses(klass) == {"Đặng Thị Ánh": "active", "Dương Văn Bình": "waiting"}
    # Enrolling again changes nothing.
    client.post(reverse("training:class_enrol", args=[klass.pk]), {"learner": learner_in_a.pk})
    assert klass.enrolments.count() == 2
    assert AuditEntry.objects.filter(action="enrolment.create").count() == 2


def test_focal_point_enrols_only_within_subtree(client, focal_a, learner_in_a, learner_in_b):
    klass = make_class()
    client.force_login(focal_a)
    assert client.post(reverse("training:class_enrol", args=[klass.pk]),
                       {"learner": learner_in_b.pk}).status_code == 404
    assert client.post(reverse("training:class_enrol", args=[klass.pk]),
                       {"learner": learner_in_a.pk}).status_code == 302
    assert statuses(klass) == {"Đặng Thị Ánh": "active"}


@pytest.mark.parametrize("chosen", ["", "abc", "12a", "²"])
def test_enrolling_something_that_is_not_a_person_says_so(client, focal_a, learner_in_a, chosen):
    klass = make_class()
    client.force_login(focal_a)
    response = client.post(reverse("training:class_enrol", args=[klass.pk]), {"learner": chosen}, follow=True)
    assert response.status_code == 200
    assert "Chọn người trong danh sách gợi ý dưới ô tìm kiếm." in response.content.decode()
    assert not klass.enrolments.exists()
    # A number that names no one, even past the database's integers, is not found (and is not a 500).
    assert client.post(reverse("training:class_enrol", args=[klass.pk]), {"learner": "1" * 30}).status_code == 404


def test_bulk_enrolment_by_subtree_and_target_group(client, focal_a, commune_a, school_a, learner_in_a,
                                                    learner_in_b):
    leader = make_learner(commune_a, "Trần Văn Cường", target_group=target_group("leaders"))
    staff = make_learner(school_a, "Lê Thị Dung", target_group=target_group("civil_servants"))
    make_learner(school_a, "Phạm Văn Em", status="retired", target_group=target_group("civil_servants"))
    klass = make_class()
    client.force_login(focal_a)
    client.post(reverse("training:class_enrol_bulk", args=[klass.pk]),
                {"unit": commune_a.pk, "target_group": target_group("civil_servants").pk})
    assert statuses(klass) == {staff.full_name: "active"}
    client.post(reverse("training:class_enrol_bulk", args=[klass.pk]), {"unit": commune_a.pk})
    assert set(statuses(klass)) == {staff.full_name, leader.full_name, learner_in_a.full_name}
    assert learner_in_b.full_name not in statuses(klass)


def test_bulk_enrolment_outside_scope_is_404(client, focal_a, commune_b, learner_in_b):
    klass = make_class()
    client.force_login(focal_a)
    assert client.post(reverse("training:class_enrol_bulk", args=[klass.pk]),
                       {"unit": commune_b.pk}).status_code == 404
    assert not klass.enrolments.exists()


def test_bulk_fills_capacity_then_waiting_list_and_withdrawal_promotes(province_admin, school_a):
    people = [make_learner(school_a, name) for name in ("An Văn A", "Bùi Văn B", "Cao Văn C")]
    klass = make_class(capacity=2)
    result = services.enrol_bulk(actor=province_admin, klass=klass, unit=school_a)
    assert (result.enrolled, result.waiting) == (2, 1)
    waiting = klass.enrolments.get(status=EnrolmentStatus.WAITING)
    active = klass.enrolments.filter(status=EnrolmentStatus.ACTIVE).first()
    services.withdraw(actor=province_admin, enrolment=active)
    waiting.refresh_from_db()
    assert waiting.status == EnrolmentStatus.ACTIVE
    assert klass.enrolments.filter(status=EnrolmentStatus.ACTIVE).count() == 2
    assert len(people) == 3


def test_raising_capacity_takes_people_from_the_waiting_list(province_admin, school_a):
    for name in ("An Văn A", "Bùi Văn B"):
        make_learner(school_a, name)
    klass = make_class(capacity=1)
    services.enrol_bulk(actor=province_admin, klass=klass, unit=school_a)
    services.class_update(actor=province_admin, klass=klass, capacity=5)
    assert klass.enrolments.filter(status=EnrolmentStatus.ACTIVE).count() == 2


def test_learner_asks_to_join_and_instructor_approves(client, learner_user, learner_in_a, learner_in_b,
                                                       instructor):
    klass = make_class(capacity=1, self_enrolment=True)
    klass.instructors.add(instructor)
    client.cookies.load(EN)
    client.force_login(learner_user)
    page = client.get(reverse("training:course", args=[klass.course_id])).content.decode()
    assert "Ask to join" in page
    client.post(reverse("training:class_request", args=[klass.pk]))
    enrolment = Enrolment.objects.get(learner=learner_in_a)
    assert enrolment.status == EnrolmentStatus.PENDING
    # Pending people cannot open lessons yet.
    client.force_login(instructor)
    client.post(reverse("training:enrolment_decide", args=[enrolment.pk]), {"approve": "1"})
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.ACTIVE
    # A request approved when the class is full goes to the waiting list; a rejection is final.
    other = services.request_join(actor=_user_of(learner_in_b), klass=klass)
    client.post(reverse("training:enrolment_decide", args=[other.pk]), {"approve": "1"})
    other.refresh_from_db()
    assert other.status == EnrolmentStatus.WAITING


def _user_of(learner):
    user = make_user(username=f"u{learner.pk}")
    learner.user = user
    learner.save(update_fields=["user"])
    return user


def test_request_rejected(client, learner_user, learner_in_a, province_admin):
    klass = make_class(self_enrolment=True)
    enrolment = services.request_join(actor=learner_user, klass=klass)
    client.force_login(province_admin)
    client.post(reverse("training:enrolment_decide", args=[enrolment.pk]), {"approve": "0"})
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.REJECTED


def test_cannot_ask_to_join_a_closed_class(client, learner_user, learner_in_a):
    klass = make_class(self_enrolment=False)
    client.force_login(learner_user)
    assert client.post(reverse("training:class_request", args=[klass.pk])).status_code == 403
    assert not Enrolment.objects.exists()


def test_other_instructor_and_other_focal_point_cannot_decide(client, learner_user, learner_in_a,
                                                              other_instructor, focal_b):
    klass = make_class(self_enrolment=True)
    enrolment = services.request_join(actor=learner_user, klass=klass)
    for user in (other_instructor, focal_b):
        client.force_login(user)
        assert client.post(reverse("training:enrolment_decide", args=[enrolment.pk]),
                           {"approve": "1"}).status_code == 404
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.PENDING


def test_focal_point_sees_only_their_people_in_a_class(client, focal_a, province_admin, learner_in_a,
                                                       learner_in_b):
    klass = make_class()
    for learner in (learner_in_a, learner_in_b):
        services.enrol_learner(actor=province_admin, klass=klass, learner=learner)
    client.force_login(focal_a)
    body = client.get(reverse("training:class", args=[klass.pk])).content.decode()
    assert learner_in_a.full_name in body and learner_in_b.full_name not in body
    client.force_login(province_admin)
    body = client.get(reverse("training:class", args=[klass.pk])).content.decode()
    assert learner_in_b.full_name in body


def test_class_list_is_for_staff_and_bounded(client, province_admin, learner_user, django_assert_max_num_queries):
    for n in range(6):
        make_class(name=f"Lớp {n}")
    client.force_login(learner_user)
    assert client.get(reverse("training:class_list")).status_code == 403
    client.force_login(province_admin)
    with django_assert_max_num_queries(10):
        body = client.get(reverse("training:class_list")).content.decode()
    assert "Lớp 5" in body


@pytest.mark.parametrize("end", ["2026-01-01"])
def test_class_form_checks_dates(client, instructor, end):
    client.force_login(instructor)
    course = make_course(mode=CourseMode.IN_PERSON, self_enrolment=False)
    course.owner = instructor
    course.save()
    url = reverse("training:class_create", args=[course.pk])
    response = client.post(url, {"name": "Lớp A", "mode": "in_person", "start_date": "2026-02-01", "end_date": end})
    assert response.status_code == 200 and "end_date" in response.context["form"].errors
    response = client.post(url, {"name": "Lớp A", "mode": "in_person", "start_date": "2026-02-01",
                                 "end_date": "2026-02-10", "capacity": "30", "instructors": [instructor.pk]})
    klass = CourseClass.objects.get()
    assert response.status_code == 302 and klass.start_date == dt.date(2026, 2, 1)
    assert list(klass.instructors.all()) == [instructor]


def test_class_detail_and_rates_pages_are_bounded(client, province_admin, school_a, django_assert_max_num_queries):
    for n in range(12):
        make_learner(school_a, f"Nguyễn Văn {chr(65 + n)}")
    klass = make_class()
    services.enrol_bulk(actor=province_admin, klass=klass, unit=school_a)
    client.force_login(province_admin)
    with django_assert_max_num_queries(20):
        body = client.get(reverse("training:class", args=[klass.pk])).content.decode()
    assert "Nguyễn Văn L" in body
    with django_assert_max_num_queries(15):
        body = client.get(reverse("training:class_attendance", args=[klass.pk])).content.decode()
    assert "Nguyễn Văn L" in body
