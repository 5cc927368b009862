"""Certificates of participation: the training certificates' PDF and public verification, for those who attended
an ended session by name, with the hours they attended; once each, however often asked; not counted towards the
plan unless the programme is."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from hocso.core.scoping import EVERYTHING
from hocso.events import checkin as codes
from hocso.events.models import CheckInMethod, ProgrammeSession
from hocso.events.programme_services import programme_save, programme_sites_add
from hocso.tests.factories import make_learner, make_user, target_group
from hocso.training.models import Certificate, CertificateKind
from hocso.training.plans.selectors import achieved_counts

pytestmark = pytest.mark.django_db


def _session(programme, hours: int, title: str) -> ProgrammeSession:
    start = timezone.now() + dt.timedelta(minutes=5)
    return ProgrammeSession.objects.create(programme=programme, title=title, starts_at=start,
                                           ends_at=start + dt.timedelta(hours=hours))


def _end(session) -> None:
    span = session.ends_at - session.starts_at
    ProgrammeSession.objects.filter(pk=session.pk).update(starts_at=timezone.now() - span - dt.timedelta(minutes=1),
                                                          ends_at=timezone.now() - dt.timedelta(minutes=1))


def test_attendees_get_one_certificate_with_their_hours_and_it_verifies(client, province_admin, province, site_a,
                                                                        commune_a, django_capture_on_commit_callbacks):
    group = target_group("civil_servants")
    programme = programme_save(actor=province_admin, title="Phổ biến kiến thức chuyển đổi số", host_unit=province)
    programme_sites_add(actor=province_admin, programme=programme, sites=[site_a])
    morning, afternoon = _session(programme, 3, "Sáng"), _session(programme, 2, "Chiều")
    both = make_learner(commune_a, "Hoàng Văn Hai", target_group=group)
    one = make_learner(commune_a, "Vi Thị Một", target_group=group)
    typed = make_learner(commune_a, "Lò Văn Gõ Số", target_group=group)
    for session in (morning, afternoon):
        codes.check_in(session=session, site=site_a, learner=both, method=CheckInMethod.LIST)
    codes.check_in(session=morning, site=site_a, learner=one, method=CheckInMethod.QR)
    codes.check_in(session=morning, site=site_a, learner=typed, method=CheckInMethod.IDENTITY)
    _end(morning)  # the afternoon has not ended yet: its hours do not count
    client.force_login(province_admin)
    with django_capture_on_commit_callbacks(execute=True):  # queued on commit; the immediate backend runs it
        client.post(reverse("events:programme_certificates", args=[programme.pk]))
    issued = {c.learner_id: c for c in Certificate.objects.all()}
    assert set(issued) == {both.pk, one.pk}  # a number typed on the QR page earns nothing
    assert issued[both.pk].hours == Decimal("3.0") and issued[both.pk].kind == CertificateKind.PARTICIPATION
    assert issued[both.pk].course is None and issued[both.pk].course_title == programme.title
    _end(afternoon)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("events:programme_certificates", args=[programme.pk]))
    assert Certificate.objects.count() == 2  # once each, however often asked
    # The public verification page and the PDF are the training certificates'.
    code = issued[both.pk].code
    page = client.get(reverse("training:certificate_verify", args=[code])).content.decode()
    assert "Phổ biến kiến thức chuyển đổi số" in page and "Chương trình" in page
    holder = make_user(username="hai.hv")
    both.user = holder
    both.save(update_fields=["user"])
    client.force_login(holder)
    pdf = client.get(reverse("training:certificate_pdf", args=[code])).content
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "đã tham dự" in text and "Hoàng Văn Hai" in text
    # Not counted towards the plan: the programme is not.
    year = timezone.localdate().year
    assert achieved_counts(scope=EVERYTHING, years=[year]) == {}


def test_only_the_host_issues_them(client, province_admin, province, site_a, coordinator_a, focal_b):
    programme = programme_save(actor=province_admin, title="Tập huấn", host_unit=province)
    programme_sites_add(actor=province_admin, programme=programme, sites=[site_a])
    for user, status in ((coordinator_a, 403), (focal_b, 404)):
        client.force_login(user)
        assert client.post(reverse("events:programme_certificates", args=[programme.pk])).status_code == status
