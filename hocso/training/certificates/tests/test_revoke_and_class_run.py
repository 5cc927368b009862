"""Revoking certificates, deleting modules and sessions (confirmation pages), and issuing certificates to a whole
class in the background."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.storage import default_storage
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from hocso.core.models import AuditEntry
from hocso.tests.factories import SYSTEM
from hocso.training.certificates import services as certificates
from hocso.training.classes import attendance
from hocso.training.classes import services as services_classes
from hocso.training.courses import services
from hocso.training.models import (
    BatchStatus,
    Certificate,
    CertificateBatch,
    CourseMode,
    Lesson,
    LessonKind,
    LessonProgress,
    Module,
    Session,
)
from hocso.training.tests import memory_storage
from hocso.training.tests.factories import enrol, make_class, make_course, make_lesson, make_module

EN = {"hocso_language": "en"}
DICT_STORAGE = "hocso.training.tests.memory_storage.DictStorage"


def _issued(learner, learner_user):
    course = make_course("Chuyển đổi số", hours=8)
    lesson = make_lesson(make_module(course), LessonKind.HTML)
    enrolment = enrol(learner, course)
    services.lesson_open(enrolment=enrolment, lesson=lesson, complete=True)
    return certificates.certificate_issue(actor=learner_user, enrolment=enrolment)


# --- revoking ------------------------------------------------------------------------------------------------


def test_admin_revokes_with_a_reason_and_the_verify_page_says_so(client, province_admin, learner_user,
                                                                 learner_in_a):
    certificate = _issued(learner_in_a, learner_user)
    url = reverse("training:certificate_revoke", args=[certificate.code])
    client.cookies.load(EN)
    client.force_login(province_admin)
    verify = client.get(reverse("training:certificate_verify", args=[certificate.code])).content.decode()
    assert url in verify  # the link to revoke is offered to those who may
    assert client.get(url).status_code == 200
    empty = client.post(url, {"reason": "  "})
    assert empty.status_code == 200 and "This field is required." in empty.content.decode()
    response = client.post(url, {"reason": "Cấp nhầm người"})
    assert response["Location"] == reverse("training:certificate_verify", args=[certificate.code])
    certificate.refresh_from_db()
    assert certificate.revoked_at is not None and certificate.revoked_reason == "Cấp nhầm người"
    entry = AuditEntry.objects.get(action="certificate.revoke")
    assert entry.actor == province_admin and entry.changes["reason"] == [None, "Cấp nhầm người"]
    verify = reverse("training:certificate_verify", args=[certificate.code])
    assert "Cấp nhầm người" in client.get(verify).content.decode()  # the course's editors see the reason
    pdf = reverse("training:certificate_pdf", args=[certificate.code])
    client.logout()  # also clears the cookies
    client.cookies.load(EN)
    public = client.get(verify).content.decode()
    # The public sees that it was revoked, not why (the reason may be personal; it stays in the audit log).
    assert "was revoked" in public and "Cấp nhầm người" not in public and "This certificate is valid." not in public
    # Its holder can no longer download it.
    client.force_login(learner_user)
    assert client.get(pdf).status_code == 404


def test_revoking_twice_is_refused(province_admin, learner_user, learner_in_a):
    from django.core.exceptions import ValidationError

    certificate = _issued(learner_in_a, learner_user)
    certificates.certificate_revoke(actor=province_admin, certificate=certificate, reason="Sai thông tin")
    with pytest.raises(ValidationError):
        certificates.certificate_revoke(actor=province_admin, certificate=certificate, reason="Lần hai")
    assert AuditEntry.objects.filter(action="certificate.revoke").count() == 1


def test_holder_focal_point_and_other_instructors_cannot_revoke(client, learner_user, learner_in_a, focal_a,
                                                                 other_instructor):
    certificate = _issued(learner_in_a, learner_user)
    url = reverse("training:certificate_revoke", args=[certificate.code])
    for user in (learner_user, focal_a, other_instructor):
        client.force_login(user)
        assert client.post(url, {"reason": "Thử"}).status_code == 404
        assert url not in client.get(reverse("training:certificate_verify", args=[certificate.code])).content.decode()
    certificate.refresh_from_db()
    assert certificate.revoked_at is None


# --- deleting a module ---------------------------------------------------------------------------------------


def test_module_without_progress_is_deleted_with_its_lessons_after_confirmation(client, instructor):
    course = services.course_create(actor=instructor, title="Khóa của tôi")
    module = make_module(course)
    make_lesson(module, LessonKind.HTML, title="Bài chưa ai mở")
    keep = make_module(course, "Chương 2")
    url = reverse("training:manage_module_delete", args=[module.pk])
    client.cookies.load(EN)
    client.force_login(instructor)
    page = client.get(url)
    assert page.status_code == 200 and "Bài chưa ai mở" in page.content.decode()
    assert Module.objects.filter(pk=module.pk).exists()  # GET only asks
    response = client.post(url)
    assert response["Location"] == reverse("training:manage_course", args=[course.pk])
    assert list(Module.objects.values_list("pk", flat=True)) == [keep.pk]
    assert not Lesson.objects.filter(module_id=module.pk).exists()
    assert AuditEntry.objects.get(action="course.module_delete").changes["title"] == "Chương 1"


def test_module_with_progress_is_refused_with_a_clear_message(client, instructor, learner_in_a):
    course = services.course_create(actor=instructor, title="Khóa của tôi", is_published=True)
    module = make_module(course)
    lesson = make_lesson(module, LessonKind.HTML)
    services.lesson_open(enrolment=enrol(learner_in_a, course), lesson=lesson)
    url = reverse("training:manage_module_delete", args=[module.pk])
    client.cookies.load(EN)
    client.force_login(instructor)
    message = "Learners have already made progress in this module, so it cannot be deleted."
    page = client.get(url).content.decode()
    assert message in page and 'type="submit"' not in page.split("<main", 1)[-1]
    response = client.post(url, follow=True)
    assert message in response.content.decode()
    assert Module.objects.filter(pk=module.pk).exists() and LessonProgress.objects.count() == 1
    assert not AuditEntry.objects.filter(action="course.module_delete").exists()


def test_only_course_editors_delete_modules(client, other_instructor):
    module = make_module(make_course())
    client.force_login(other_instructor)
    assert client.post(reverse("training:manage_module_delete", args=[module.pk])).status_code == 404
    assert Module.objects.filter(pk=module.pk).exists()


# --- deleting a session --------------------------------------------------------------------------------------


def _session(klass):
    return attendance.session_create(actor=SYSTEM, klass=klass, date=dt.date(2026, 12, 3), start_time=dt.time(8),
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
    services_classes.enrol_learner(actor=SYSTEM, klass=klass, learner=learner_in_a)
    session = _session(klass)
    attendance.mark_attendance(actor=SYSTEM, session=session, present={learner_in_a.pk})
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


# --- issuing to the whole class ------------------------------------------------------------------------------


@pytest.fixture
def dict_storage(settings):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": DICT_STORAGE}}
    memory_storage.FILES.clear()
    yield memory_storage.FILES
    memory_storage.FILES.clear()


def _class_with_two_done_one_not(instructor, learners):
    course = make_course("Kỹ năng số tại lớp", mode=CourseMode.IN_PERSON, self_enrolment=False, hours=6)
    lesson = make_lesson(make_module(course), LessonKind.HTML)
    klass = make_class(course)
    klass.instructors.add(instructor)
    for learner in learners:
        services_classes.enrol_learner(actor=SYSTEM, klass=klass, learner=learner)
    for enrolment in klass.enrolments.filter(learner__in=learners[:2]):
        services.lesson_open(enrolment=enrolment, lesson=lesson, complete=True)
    return klass


def test_bulk_issue_is_idempotent_and_stores_pdfs(client, instructor, learner_in_a, learner_in_b, school_a,
                                                  dict_storage, django_capture_on_commit_callbacks):
    from hocso.tests.factories import make_learner

    third = make_learner(school_a, "Lê Văn Cường")
    klass = _class_with_two_done_one_not(instructor, [learner_in_a, learner_in_b, third])
    url = reverse("training:class_certificates", args=[klass.pk])
    client.cookies.load(EN)
    client.force_login(instructor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response["Location"] == reverse("training:class", args=[klass.pk])
    issued = Certificate.objects.filter(course=klass.course)
    assert set(issued.values_list("learner_id", flat=True)) == {learner_in_a.pk, learner_in_b.pk}
    batch = CertificateBatch.objects.get()
    assert (batch.status, batch.issued, batch.already, batch.not_completed, batch.pdfs) == (BatchStatus.DONE, 2, 0,
                                                                                           1, 2)
    for certificate in issued:
        name = certificates.pdf_storage_name(certificate)
        assert default_storage.exists(name)
        with default_storage.open(name) as handle:
            assert handle.read().startswith(b"%PDF")
    page = client.get(reverse("training:class", args=[klass.pk])).content.decode()
    assert "2 of 3 enrolled learners hold a certificate." in page
    for certificate in issued:  # each holder's row links to the verification page (where it can be revoked)
        assert reverse("training:certificate_verify", args=[certificate.code]) in page
    assert "Issued: 2; already had one: 0; not completed yet: 1." in page
    # Running again issues nothing new and writes no second PDF.
    codes = set(issued.values_list("code", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    assert set(Certificate.objects.values_list("code", flat=True)) == codes
    second = CertificateBatch.objects.order_by("-id").first()
    assert (second.issued, second.already, second.not_completed, second.pdfs) == (0, 2, 1, 0)
    assert len(dict_storage) == 2
    assert AuditEntry.objects.filter(action="certificate.issue").count() == 2


def test_a_pending_batch_is_not_queued_twice(instructor, learner_in_a, django_capture_on_commit_callbacks):
    klass = _class_with_two_done_one_not(instructor, [learner_in_a])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = certificates.batch_request(actor=instructor, klass=klass, base_url="http://testserver/")
        again = certificates.batch_request(actor=instructor, klass=klass, base_url="http://testserver/")
    assert first.pk == again.pk and len(callbacks) == 1
    assert CertificateBatch.objects.get().status == BatchStatus.QUEUED
    # A run whose worker died (still "running" long after any real run ends) does not block a new request.
    CertificateBatch.objects.filter(pk=first.pk).update(
        status=BatchStatus.RUNNING, requested_at=timezone.now() - certificates.BATCH_STALE_AFTER - dt.timedelta(1))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        fresh = certificates.batch_request(actor=instructor, klass=klass, base_url="http://testserver/")
    assert fresh.pk != first.pk and len(callbacks) == 1


def test_focal_points_cannot_issue_for_a_class(client, focal_a, instructor, learner_in_a):
    klass = _class_with_two_done_one_not(instructor, [learner_in_a])
    client.force_login(focal_a)
    assert client.post(reverse("training:class_certificates", args=[klass.pk])).status_code == 403
    assert not CertificateBatch.objects.exists() and not Certificate.objects.exists()
    client.cookies.load(EN)
    assert "Issue certificates to the whole class" not in client.get(
        reverse("training:class", args=[klass.pk])).content.decode()


@override_settings(HOCSO_PROVINCE_NAME="Tỉnh Thái Nguyên")
def test_verify_url_in_the_stored_pdf_uses_the_requesting_host(instructor, learner_in_a, dict_storage):
    klass = _class_with_two_done_one_not(instructor, [learner_in_a])
    batch = CertificateBatch.objects.create(klass=klass, requested_by=instructor)
    certificates.batch_run(batch.pk, "https://hocso.thainguyen.gov.vn/", "Tỉnh Thái Nguyên")
    certificate = Certificate.objects.get()
    assert certificates.verify_url_for(certificate, "https://hocso.thainguyen.gov.vn/") == (
        f"https://hocso.thainguyen.gov.vn/dao-tao/xac-minh/{certificate.code}/")
    assert list(dict_storage) == [certificates.pdf_storage_name(certificate)]


def test_download_serves_the_stored_pdf_through_the_storage_api(client, instructor, learner_in_a, learner_user,
                                                                dict_storage):
    klass = _class_with_two_done_one_not(instructor, [learner_in_a])
    batch = CertificateBatch.objects.create(klass=klass, requested_by=instructor)
    certificates.batch_run(batch.pk, "https://hocso.thainguyen.gov.vn/", "Tỉnh Thái Nguyên")
    certificate = Certificate.objects.get()
    stored = dict_storage[certificates.pdf_storage_name(certificate)]
    client.force_login(learner_user)
    response = client.get(reverse("training:certificate_pdf", args=[certificate.code]))
    assert response.status_code == 200 and response.content == stored
