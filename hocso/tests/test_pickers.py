"""Pickers that scale (issue 13): no form lists every unit, person or quiz of the province; the unit and quiz
searches behind the pickers are scoped, accent-insensitive and short."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from hocso.access.models import Role
from hocso.assessment.models import Quiz
from hocso.campaigns.models import Campaign
from hocso.org.models import Unit
from hocso.people.models import Learner
from hocso.tests.factories import make_unit, make_user
from hocso.training.models import CourseClass, Lesson

SELECT_RE = re.compile(r"<select\b(?P<attrs>[^>]*)>(?P<body>.*?)</select>", re.S)
MAX_OPTIONS = 200


def _selects(html: str) -> list[tuple[str, int]]:
    """Each <select>'s name and how many <option>s it carries."""
    found = []
    for match in SELECT_RE.finditer(html):
        name = re.search(r'name="([^"]+)"', match["attrs"])
        found.append((name[1] if name else "?", len(re.findall(r"<option\b", match["body"]))))
    return found


def _form_pages() -> dict[str, str]:
    """Every page with a form that chose among units, people or quizzes, on the demo province."""
    unit = Unit.objects.current().filter(depth=2).order_by("pk").first()
    learner = Learner.objects.filter(unit__isnull=False).order_by("pk").first()
    quiz = Quiz.objects.order_by("pk").first()
    lesson = Lesson.objects.order_by("pk").first()
    klass = CourseClass.objects.order_by("pk").first()
    return {
        "new campaign": reverse("campaigns:new"),
        "edit campaign": reverse("campaigns:edit", args=[Campaign.objects.order_by("pk").first().pk]),
        "move a unit": reverse("org:move", args=[unit.pk]),
        "new person": reverse("people:create"),
        "people list": reverse("people:list"),
        "transfer a person": reverse("people:move", args=[learner.pk]),
        "roles": reverse("people:roles"),
        "import people": reverse("people:import"),
        "new API key": reverse("identity:api_key_create"),
        "new quiz": reverse("assessment:quiz_create"),
        "edit quiz": reverse("assessment:quiz_edit", args=[quiz.pk]),
        "quiz results": reverse("assessment:quiz_results", args=[quiz.pk]),
        "new course": reverse("training:manage_create"),
        "edit course": reverse("training:manage_course", args=[lesson.module.course_id]),
        "new lesson": reverse("training:manage_lesson_create", args=[lesson.module_id]),
        "edit lesson": reverse("training:manage_lesson", args=[lesson.pk]),
        "class (enrol a unit)": reverse("training:class", args=[klass.pk]),
    }


@pytest.mark.django_db
def test_no_form_of_the_demo_lists_more_than_200_options_or_dashes(client):
    call_command("seed_demo", learners=150, stdout=StringIO())
    assert Unit.objects.current().count() > 1000  # the province's real tree: a plain select would list them all
    client.force_login(get_user_model().objects.get(username="admin"))
    problems = []
    for title, url in _form_pages().items():
        response = client.get(url)
        assert response.status_code == 200, (title, url, response.status_code)
        html = response.content.decode()
        problems += [(title, name, count) for name, count in _selects(html) if count > MAX_OPTIONS]
        if "---------" in html:
            problems.append((title, "---------", 0))
    assert problems == []

    # The campaign form's unit fields are pickers that search as one types; the page is small.
    html = client.get(reverse("campaigns:new")).content.decode()
    assert len(html) < 40_000
    assert html.count('data-picker="remote"') == 3 and "tom-select.complete.min.js" in html
    assert 'data-picker-url="/don-vi/tim/"' in html
    assert "— Chọn bài kiểm tra —" in html

    # Without JavaScript the chosen units are real <option>s, and the form posts them.
    campaign = Campaign.objects.order_by("pk").first()
    html = client.get(reverse("campaigns:edit", args=[campaign.pk])).content.decode()
    chosen = [line.unit for line in campaign.audience_units.all()]
    assert chosen and all(f'<option value="{u.pk}" selected>{u.name}' in html for u in chosen)


# --- the searches behind the pickers -------------------------------------------------------------------------


def _suggest(client, url_name: str, query: str = "", **params) -> dict:
    response = client.get(reverse(url_name), {"q": query, **params})
    assert response.status_code == 200
    return response.json()


def test_unit_search_ignores_accents_and_finds_codes(client, province_admin, commune_a, commune_b):
    client.force_login(province_admin)
    found = _suggest(client, "org:picker", "dai phuc")["results"]
    assert [row["name"] for row in found] == ["Xã Đại Phúc"]
    assert found[0]["value"] == str(commune_a.pk)
    assert found[0]["detail"] == "000.01.30.H55 · Tỉnh Thái Nguyên"  # its code and the path above it

    by_code = _suggest(client, "org:picker", "000.02.30.H55")["results"]
    assert [row["value"] for row in by_code] == [str(commune_b.pk)]
    assert [row["name"] for row in _suggest(client, "org:picker", "YEN TRACH")["results"]] == ["Xã Yên Trạch"]
    assert _suggest(client, "org:picker", "dai trach")["results"] == []  # every word must match


def test_unit_search_tells_namesakes_apart(client, province_admin, commune_a, commune_b):
    make_unit("Trường Tiểu học", commune_a)
    make_unit("Trường Tiểu học", commune_b)
    client.force_login(province_admin)
    found = _suggest(client, "org:picker", "truong tieu hoc")["results"]
    assert sorted(row["detail"] for row in found) == ["Xã Yên Trạch", "Xã Đại Phúc"]
    assert {row["text"] for row in found} == {"Trường Tiểu học — Xã Đại Phúc", "Trường Tiểu học — Xã Yên Trạch"}


def test_unit_search_stays_in_the_focal_points_subtree(client, focal_a, commune_a, commune_b, school_a):
    client.force_login(focal_a)
    assert _suggest(client, "org:picker", "yen trach")["results"] == []
    assert _suggest(client, "org:picker", "000.02.30.H55")["results"] == []
    everything = {row["value"] for row in _suggest(client, "org:picker")["results"]}
    assert everything == {str(commune_a.pk), str(school_a.pk)}


def test_unit_search_pages_and_asks_for_a_sign_in(client, province_admin, province):
    for number in range(25):
        make_unit(f"Phòng số {number:02d}", province)
    assert client.get(reverse("org:picker"), {"q": "phong"}).status_code == 302  # to the sign-in page
    client.force_login(province_admin)
    first = _suggest(client, "org:picker", "phong")
    second = _suggest(client, "org:picker", "phong", page=2)
    assert (len(first["results"]), first["more"]) == (20, True)
    assert (len(second["results"]), second["more"]) == (5, False)
    assert not {r["value"] for r in first["results"]} & {r["value"] for r in second["results"]}


def test_quiz_search_is_accent_insensitive_and_scoped(client, province_admin, focal_a, focal_b, commune_a,
                                                      learner_user):
    owner = make_user(Role.INSTRUCTOR, commune_a, username="gv")
    mine = Quiz.objects.create(title="Kiểm tra định kỳ Quý IV", owner=owner, audience_unit=commune_a,
                               is_published=True)
    Quiz.objects.create(title="Bài kiểm tra khác", owner=owner)
    client.force_login(province_admin)
    found = _suggest(client, "assessment:quiz_picker", "quy iv")["results"]
    assert [row["value"] for row in found] == [str(mine.pk)]
    assert "Xã Đại Phúc" in found[0]["detail"]
    assert len(_suggest(client, "assessment:quiz_picker")["results"]) == 2

    client.force_login(focal_a)  # the quiz is meant for their commune
    assert [row["value"] for row in _suggest(client, "assessment:quiz_picker", "quy")["results"]] == [str(mine.pk)]
    client.force_login(focal_b)
    assert _suggest(client, "assessment:quiz_picker", "quy")["results"] == []
    client.force_login(learner_user)
    assert client.get(reverse("assessment:quiz_picker"), {"q": "quy"}).status_code == 403


def test_person_search_is_scoped_and_says_no_more_than_needed(client, focal_a, focal_b, learner_in_a, learner_user,
                                                              province_admin):
    staff = make_user(username="giangvien", full_name="Lê Văn Giảng")  # an account without a staff profile
    client.force_login(focal_a)
    found = _suggest(client, "people:account_picker", "dang thi anh")["results"]
    assert found == [{"value": "hocvien", "text": "Đặng Thị Ánh (hocvien)", "name": "Đặng Thị Ánh",
                      "detail": "hocvien · Trường Tiểu học Đại Phúc"}]  # no CCCD number, no date of birth
    assert _suggest(client, "people:account_picker", "HOCV")["results"][0]["value"] == "hocvien"
    assert _suggest(client, "people:account_picker", "")["results"] == []  # found by what is typed, never listed
    assert _suggest(client, "people:account_picker", "giang")["results"] == []  # not in the focal point's units
    client.force_login(focal_b)
    assert _suggest(client, "people:account_picker", "dang thi anh")["results"] == []  # another commune's person
    client.force_login(province_admin)
    assert [r["value"] for r in _suggest(client, "people:account_picker", "giang")["results"]] == [staff.username]

    client.force_login(learner_user)  # manages nobody
    assert client.get(reverse("people:account_picker"), {"q": "anh"}).status_code == 403


def test_role_form_picks_a_person_and_keeps_the_choice(client, province_admin, learner_user, commune_a):
    client.force_login(province_admin)
    html = client.get(reverse("people:roles"), {"assign_user": "hocvien"}).content.decode()
    assert '<option value="hocvien" selected>Đặng Thị Ánh (hocvien)</option>' in html
    assert 'data-picker-url="/can-bo/vai-tro/tai-khoan/"' in html
    response = client.post(reverse("people:roles"), {"username": "hocvien", "role": Role.FOCAL_POINT,
                                                     "unit": commune_a.pk})
    assert response.status_code == 302
    assert learner_user.roles.filter(role=Role.FOCAL_POINT, unit=commune_a).exists()
