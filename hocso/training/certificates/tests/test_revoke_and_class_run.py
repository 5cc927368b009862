"""Revoking a certificate (with a reason, shown to the course's editors only) and issuing certificates to a whole
class in the background (idempotent, PDFs stored through the storage API)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.storage import default_storage
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from hocso.core.actors import SYSTEM
from hocso.core.models import AuditEntry
from hocso.training.certificates import selectors, services
from hocso.training.classes import services as class_services
from hocso.training.courses import services as course_services
from hocso.training.models import BatchStatus, Certificate, CertificateBatch, CourseMode, LessonKind
from hocso.training.tests.factories import enrol, make_class, make_course, make_lesson, make_module

EN = {"hocso_language": "en"}


def _issued(learner, learner_user):
    course = make_course("Chuyển đổi số", hours=8)
    lesson = make_lesson(make_module(course), LessonKind.HTML)
    enrolment = enrol(learner, course)
    course_services.lesson_open(enrolment=enrolment, lesson=lesson, complete=True)
    return services.certificate_issue(actor=learner_user, enrolment=enrolment)


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
    services.certificate_revoke(actor=province_admin, certificate=certificate, reason="Sai thông tin")
    with pytest.raises(ValidationError):
        services.certificate_revoke(actor=province_admin, certificate=certificate, reason="Lần hai")
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


def _class_with_two_done_one_not(instructor, learners):
    course = make_course("Kỹ năng số tại lớp", mode=CourseMode.IN_PERSON, self_enrolment=False, hours=6)
    lesson = make_lesson(make_module(course), LessonKind.HTML)
    klass = make_class(course)
    klass.instructors.add(instructor)
    for learner in learners:
        class_services.enrol_learner(actor=SYSTEM, klass=klass, learner=learner)
    for enrolment in klass.enrolments.filter(learner__in=learners[:2]):
        course_services.lesson_open(enrolment=enrolment, lesson=lesson, complete=True)
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
        name = selectors.pdf_storage_name(certificate)
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
        first = services.batch_request(actor=instructor, klass=klass, base_url="http://testserver/")
        again = services.batch_request(actor=instructor, klass=klass, base_url="http://testserver/")
    assert first.pk == again.pk and len(callbacks) == 1
    assert CertificateBatch.objects.get().status == BatchStatus.QUEUED
    # A run whose worker died (still "running" long after any real run ends) does not block a new request.
    CertificateBatch.objects.filter(pk=first.pk).update(
        status=BatchStatus.RUNNING, requested_at=timezone.now() - services.BATCH_STALE_AFTER - dt.timedelta(1))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        fresh = services.batch_request(actor=instructor, klass=klass, base_url="http://testserver/")
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
    services.batch_run(batch.pk, "https://hocso.thainguyen.gov.vn/", "Tỉnh Thái Nguyên")
    certificate = Certificate.objects.get()
    assert selectors.verify_url_for(certificate, "https://hocso.thainguyen.gov.vn/") == (
        f"https://hocso.thainguyen.gov.vn/dao-tao/xac-minh/{certificate.code}/")
    assert list(dict_storage) == [selectors.pdf_storage_name(certificate)]


def test_download_serves_the_stored_pdf_through_the_storage_api(client, instructor, learner_in_a, learner_user,
                                                                dict_storage):
    klass = _class_with_two_done_one_not(instructor, [learner_in_a])
    batch = CertificateBatch.objects.create(klass=klass, requested_by=instructor)
    services.batch_run(batch.pk, "https://hocso.thainguyen.gov.vn/", "Tỉnh Thái Nguyên")
    certificate = Certificate.objects.get()
    stored = dict_storage[selectors.pdf_storage_name(certificate)]
    client.force_login(learner_user)
    response = client.get(reverse("training:certificate_pdf", args=[certificate.code]))
    assert response.status_code == 200 and response.content == stored
