from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook

from hocso.assessment.tests.factories import make_quiz
from hocso.campaigns.models import Campaign, CampaignUnit, Reminder
from hocso.campaigns.services import AudienceLine, campaign_create, send_campaign_reminders
from hocso.core.actors import SYSTEM
from hocso.core.models import AuditEntry

from .helpers import CLOSES

PASSWORD = "mat-khau-demo-2026"


@pytest.fixture
def en(client):
    client.cookies["hocso_language"] = "en"
    return client


def _form(quiz, **extra):
    data = {"title": "Quý I/2027", "quiz": quiz.pk, "opens_on": "2027-01-01", "closes_on": "2027-03-31",
            "reminder_days": "3"}
    data.update(extra)
    return data


def test_admin_creates_campaign_and_it_is_audited(en, province_admin, commune_a, commune_b):
    quiz = make_quiz()
    en.force_login(province_admin)
    response = en.post("/dot-kiem-tra/moi/", _form(quiz, units_subtree=[commune_a.pk],
                                                   units_excluded=[commune_b.pk]))
    campaign = Campaign.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/dot-kiem-tra/{campaign.pk}/"
    assert {(u.unit_id, u.excluded) for u in campaign.audience_units.all()} == {(commune_a.pk, False),
                                                                                (commune_b.pk, True)}
    assert AuditEntry.objects.filter(action="campaign.create", object_id=str(campaign.pk)).exists()
    page = en.get(f"/dot-kiem-tra/{campaign.pk}/")
    assert "counted once, in the audience unit they belonged to when the window closed" in page.content.decode()


def test_form_reports_every_problem_at_once(en, province_admin):
    quiz = make_quiz()
    en.force_login(province_admin)
    response = en.post("/dot-kiem-tra/moi/", _form(quiz, closes_on="2026-12-01"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "The campaign must close on or after the day it opens." in body
    assert "Choose at least one unit for the audience." in body
    assert not Campaign.objects.exists()


def test_edit_is_audited_with_before_and_after(en, province_admin, commune_a):
    quiz = make_quiz()
    campaign = campaign_create(actor=SYSTEM, title="Quý I/2027", quiz=quiz, opens_on=dt.date(2027, 1, 1),
                               closes_on=dt.date(2027, 3, 31), lines=[AudienceLine(unit=commune_a)])
    en.force_login(province_admin)
    response = en.post(f"/dot-kiem-tra/{campaign.pk}/sua/", _form(quiz, title="Quý I/2027 (sửa)",
                                                                  units_only=[commune_a.pk]))
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="campaign.update")
    assert entry.changes["title"] == ["Quý I/2027", "Quý I/2027 (sửa)"]
    assert campaign.audience_units.get().include_subtree is False


def test_focal_point_cannot_create_and_sees_only_campaigns_touching_their_scope(client, focal_a, focal_b, commune_a):
    quiz = make_quiz()
    campaign = campaign_create(actor=SYSTEM, title="Quý I/2027", quiz=quiz, opens_on=dt.date(2027, 1, 1),
                               closes_on=dt.date(2027, 3, 31), lines=[AudienceLine(unit=commune_a)])
    client.force_login(focal_a)
    assert client.get("/dot-kiem-tra/moi/").status_code == 403
    assert client.get(f"/dot-kiem-tra/{campaign.pk}/").status_code == 200
    assert client.get(f"/dot-kiem-tra/{campaign.pk}/sua/").status_code == 403
    client.force_login(focal_b)
    assert client.get(f"/dot-kiem-tra/{campaign.pk}/").status_code == 404
    assert "Quý I/2027" not in client.get("/dot-kiem-tra/").content.decode()


def test_learner_sees_open_campaign_on_home_page(en, learner_user, province, commune_b):
    today = timezone.localdate()
    quiz = make_quiz(title="Bài kiểm tra chuyển đổi số")
    campaign_create(actor=SYSTEM, title="Đợt đang mở", quiz=quiz, opens_on=today - dt.timedelta(days=3),
                    closes_on=today + dt.timedelta(days=3), lines=[AudienceLine(unit=province)])
    campaign_create(actor=SYSTEM, title="Đợt của xã khác", quiz=quiz, opens_on=today,
                    closes_on=today + dt.timedelta(days=3), lines=[AudienceLine(unit=commune_b)])
    en.force_login(learner_user)
    body = en.get("/").content.decode()
    assert "Đợt đang mở" in body and "Not started" in body and f"/kiem-tra/{quiz.pk}/" in body
    assert "Đợt của xã khác" not in body


def test_follow_up_scoped_filtered_and_exported(en, world, focal_a, province_admin, django_assert_max_num_queries):
    campaign = world[0]
    en.force_login(focal_a)
    body = en.get(f"/dot-kiem-tra/{campaign.pk}/theo-doi/").content.decode()
    assert "Lê Văn Cường" in body and "Đặng Thị Ánh" in body
    assert "Vũ Thị Hà" not in body  # moved to commune B: counted there
    assert "Phạm Văn Dũng" not in body
    failed = en.get(f"/dot-kiem-tra/{campaign.pk}/theo-doi/?status=failed").content.decode()
    assert "Lê Văn Cường" in failed and "Đặng Thị Ánh" not in failed
    response = en.get(f"/dot-kiem-tra/{campaign.pk}/theo-doi/?format=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(names) == ["Lê Văn Cường", "Đặng Thị Ánh"]
    en.force_login(province_admin)
    with django_assert_max_num_queries(14):
        assert en.get(f"/dot-kiem-tra/{campaign.pk}/theo-doi/").status_code == 200


def test_follow_up_unit_outside_scope_is_404(client, world, focal_a, commune_b):
    campaign = world[0]
    client.force_login(focal_a)
    assert client.get(f"/dot-kiem-tra/{campaign.pk}/theo-doi/?unit={commune_b.pk}").status_code == 404
    assert client.get(f"/dot-kiem-tra/{campaign.pk}/ket-qua/?unit={commune_b.pk}").status_code == 404


def test_reminders_are_sent_once_to_people_who_have_not_passed(world):
    campaign = world[0]
    people = world[3]
    assert send_campaign_reminders(today=CLOSES - dt.timedelta(days=5)) == 0  # not yet due
    sent = send_campaign_reminders(today=CLOSES - dt.timedelta(days=2))
    recipients = sorted(m.to[0] for m in mail.outbox)
    # Cường failed, Dũng not started, Giang in progress; Hà passed; the others have no e-mail address.
    assert recipients == ["cuong@example.vn", "dung@example.vn", "giang@example.vn"] and sent == 3
    assert "Quý IV/2026" in mail.outbox[0].subject
    assert send_campaign_reminders(today=CLOSES - dt.timedelta(days=1)) == 0
    assert Reminder.objects.filter(campaign=campaign, learner=people["cuong"]).count() == 1


def test_management_command_runs_the_task(world, monkeypatch):
    import hocso.campaigns.services as services

    monkeypatch.setattr(services.timezone, "localdate", lambda: CLOSES)
    out = io.StringIO()
    call_command("send_campaign_reminders", stdout=out)
    assert "Reminders sent: 3" in out.getvalue()
    call_command("send_campaign_reminders", stdout=out)
    assert len(mail.outbox) == 3


def test_results_page_drills_down(en, world, province_admin, province, commune_a):
    campaign = world[0]
    en.force_login(province_admin)
    body = en.get(f"/dot-kiem-tra/{campaign.pk}/ket-qua/?unit={province.pk}").content.decode()
    assert "Xã Đại Phúc" in body and "Xã Minh Tiến" in body and "former" in body
    assert "Ranking of agencies" in en.get(f"/dot-kiem-tra/{campaign.pk}/ket-qua/").content.decode()
    leaf = en.get(f"/dot-kiem-tra/{campaign.pk}/ket-qua/?unit={commune_a.pk}").content.decode()
    assert f"/dot-kiem-tra/{campaign.pk}/theo-doi/?unit={commune_a.pk}" in leaf


def test_staff_pages_refuse_learners_and_anonymous(client, world, learner_user):
    campaign = world[0]
    assert client.get("/dot-kiem-tra/")["Location"].startswith("/dang-nhap/")
    client.force_login(learner_user)
    assert client.get("/dot-kiem-tra/").status_code == 403
    assert client.get(f"/dot-kiem-tra/{campaign.pk}/ket-qua/").status_code == 403


def test_list_and_results_pages_keep_a_bounded_number_of_queries(client, world, province_admin,
                                                                  django_assert_max_num_queries):
    campaign = world[0]
    client.force_login(province_admin)
    with django_assert_max_num_queries(12):
        assert client.get("/dot-kiem-tra/").status_code == 200
    with django_assert_max_num_queries(30):
        assert client.get(f"/dot-kiem-tra/{campaign.pk}/ket-qua/").status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(f"/dot-kiem-tra/{campaign.pk}/").status_code == 200


def test_detail_warns_when_the_quiz_would_keep_the_audience_out(en, province_admin, commune_a, commune_b):
    quiz = make_quiz(audience_unit=commune_a, is_published=False)
    campaign = campaign_create(actor=SYSTEM, title="Quý I/2027", quiz=quiz, opens_on=dt.date(2027, 1, 1),
                               closes_on=dt.date(2027, 3, 31),
                               lines=[AudienceLine(unit=commune_a), AudienceLine(unit=commune_b)])
    en.force_login(province_admin)
    body = en.get(f"/dot-kiem-tra/{campaign.pk}/").content.decode()
    assert "The quiz is not published" in body
    assert "The quiz is limited to Xã Đại Phúc, so people in Xã Yên Trạch cannot take it." in body


def test_editing_keeps_a_unit_merged_since(en, world, province_admin, commune_b):
    campaign, unit_m = world[0], world[1]
    CampaignUnit.objects.create(campaign=campaign, unit=unit_m, excluded=True)
    en.force_login(province_admin)
    form = en.get(f"/dot-kiem-tra/{campaign.pk}/sua/").content.decode()
    assert "Xã Minh Tiến (former)" in form
    data = _form(campaign.quiz, title="Quý IV/2026", opens_on="2026-10-01", closes_on="2026-12-31",
                 units_subtree=[campaign.audience_units.get(excluded=False).unit_id], units_excluded=[unit_m.pk])
    assert en.post(f"/dot-kiem-tra/{campaign.pk}/sua/", data).status_code == 302
    assert campaign.audience_units.filter(unit=unit_m, excluded=True).exists()


def _plan_links(response) -> list[str]:
    import re

    return re.findall(r'<a [^>]*href="([^"]+)"[^>]*data-plan-progress-link', response.content.decode())


@pytest.mark.parametrize("who", ["province_admin", "focal_a"])
def test_campaign_pages_link_to_the_training_plan_dashboard(en, world, who, request):
    campaign = world[0]
    en.force_login(request.getfixturevalue(who))
    for url in ("/dot-kiem-tra/", f"/dot-kiem-tra/{campaign.pk}/ket-qua/"):
        response = en.get(url)
        assert response.status_code == 200
        assert _plan_links(response) == ["/dao-tao/ke-hoach/"], url
        assert "Training plan progress" in response.content.decode()
    # The link leads to a page the same user may open.
    assert en.get("/dao-tao/ke-hoach/").status_code == 200


def test_people_who_may_not_see_the_plan_dashboard_get_no_campaign_pages_either(en, world, learner_user):
    en.force_login(learner_user)
    assert en.get("/dao-tao/ke-hoach/").status_code == 403
    assert en.get("/dot-kiem-tra/").status_code == 403
