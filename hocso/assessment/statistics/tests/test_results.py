import io
from decimal import Decimal

import pytest
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from hocso.assessment.exam.grading import final_grade
from hocso.assessment.models import Attempt, GradingMethod
from hocso.assessment.statistics.selectors import ResultFilters, result_rows, result_summary
from hocso.assessment.tests.factories import make_category, make_question, make_quiz, sit
from hocso.people.services import learner_move
from hocso.tests.factories import SYSTEM, make_learner

RIGHT, WRONG = {"choice": "a"}, {"choice": "b"}


@pytest.fixture
def five(db):
    category = make_category()
    return [make_question(category, name=f"Câu {i}") for i in range(1, 6)]


def answers(questions, right: int) -> dict:
    """The first `right` questions answered correctly, the others wrongly."""
    return {q: (RIGHT if i < right else WRONG) for i, q in enumerate(questions)}


@pytest.mark.parametrize(("method", "expected", "passed"), [
    (GradingMethod.HIGHEST, Decimal(80), True),
    (GradingMethod.FIRST, Decimal(40), False),
    (GradingMethod.LAST, Decimal(60), True),
    (GradingMethod.AVERAGE, Decimal(60), True),
])
def test_final_grade_follows_the_grading_method(five, commune_a, province_admin, method, expected, passed):
    quiz = make_quiz(questions=five, attempts_allowed=0, grading_method=method, pass_percent=Decimal(60))
    person = make_learner(commune_a, "Lê Văn Tám")
    for right in (2, 4, 3):  # 40%, 80%, 60%
        sit(quiz, person, answers(five, right))
    row = result_rows(actor=province_admin, quiz=quiz).get()
    assert row.grade == expected
    assert row.grade == final_grade(list(Attempt.objects.filter(quiz=quiz)), method)
    assert (row.attempt_count, row.passed, row.result_state) == (3, passed, "graded")


def test_average_rounds_like_final_grade(five, commune_a, province_admin):
    quiz = make_quiz(questions=five[:3], attempts_allowed=0, grading_method=GradingMethod.AVERAGE)
    person = make_learner(commune_a, "Lê Văn Tám")
    for right in (1, 0, 0):  # 33.33, 0, 0 → 11.11
        sit(quiz, person, answers(five[:3], right))
    assert result_rows(actor=province_admin, quiz=quiz).get().grade == Decimal("11.11")


def test_in_progress_and_essays_waiting_count_as_not_graded_yet(five, commune_a, province_admin):
    essay = make_question(make_category("Tự luận"), qtype="essay", data={})
    quiz = make_quiz(questions=[five[0], essay], attempts_allowed=0)
    waiting = make_learner(commune_a, "Lê Văn Tám")
    sit(quiz, waiting, {five[0]: RIGHT, essay: {"text": "Bài viết"}})
    taking = make_learner(commune_a, "Phạm Thị Hoa")
    sit(quiz, taking, {five[0]: RIGHT}, submit=False)
    rows = {r.given_name: r for r in result_rows(actor=province_admin, quiz=quiz)}
    assert (rows["Tám"].result_state, rows["Tám"].grade, rows["Tám"].passed) == ("needs_grading", None, None)
    assert rows["Hoa"].result_state == "in_progress"
    assert [r.given_name for r in result_rows(actor=province_admin, quiz=quiz,
                                              filters=ResultFilters(state="in_progress"))] == ["Hoa"]
    assert [r.given_name for r in result_rows(actor=province_admin, quiz=quiz,
                                              filters=ResultFilters(state="needs_grading"))] == ["Tám"]


@pytest.fixture
def sat(five, commune_a, commune_b, school_a):
    """Three people of two communes sat a quiz: 100%, 40% (commune A and its school) and 80% (commune B)."""
    quiz = make_quiz(questions=five, pass_percent=Decimal(50))
    people = {
        "an": make_learner(school_a, "Nguyễn Văn An"),
        "anh": make_learner(commune_a, "Lê Thị Ánh"),
        "binh": make_learner(commune_b, "Trần Văn Bình"),
    }
    sit(quiz, people["binh"], answers(five, 4))
    sit(quiz, people["anh"], answers(five, 2))
    sit(quiz, people["an"], answers(five, 5))
    return quiz, people


def names(rows) -> list[str]:
    return [r.full_name for r in rows]


def test_rows_are_in_vietnamese_order_and_filter_by_passed_and_unit(sat, commune_a, school_a, province_admin):
    quiz, _people = sat
    assert names(result_rows(actor=province_admin, quiz=quiz)) == ["Nguyễn Văn An", "Lê Thị Ánh", "Trần Văn Bình"]
    assert names(result_rows(actor=province_admin, quiz=quiz, filters=ResultFilters(passed=False))) == ["Lê Thị Ánh"]
    assert names(result_rows(actor=province_admin, quiz=quiz, filters=ResultFilters(passed=True))) == [
        "Nguyễn Văn An", "Trần Văn Bình"]
    assert names(result_rows(actor=province_admin, quiz=quiz, filters=ResultFilters(unit=commune_a))) == [
        "Nguyễn Văn An", "Lê Thị Ánh"]
    # "Without its sub-units": only who sat in the commune itself, not in its school.
    assert names(result_rows(actor=province_admin, quiz=quiz, filters=ResultFilters(unit=commune_a, subtree=False))
                 ) == ["Lê Thị Ánh"]
    only = names(result_rows(actor=province_admin, quiz=quiz, filters=ResultFilters(unit=school_a)))
    assert only == ["Nguyễn Văn An"]
    found = names(result_rows(actor=province_admin, quiz=quiz, filters=ResultFilters(query="binh")))
    assert found == ["Trần Văn Bình"]
    summary = result_summary(result_rows(actor=province_admin, quiz=quiz))
    assert summary == {"people": 3, "graded": 3, "passed": 2, "mean": Decimal("73.33")}


def test_focal_points_see_only_their_subtree(sat, focal_a, focal_b, province_admin, instructor, learner_user):
    quiz, _people = sat
    assert names(result_rows(actor=focal_a, quiz=quiz)) == ["Nguyễn Văn An", "Lê Thị Ánh"]
    assert names(result_rows(actor=focal_b, quiz=quiz)) == ["Trần Văn Bình"]
    assert len(result_rows(actor=province_admin, quiz=quiz)) == 3
    assert not result_rows(actor=instructor, quiz=quiz).exists()  # not the author of this quiz
    assert not result_rows(actor=learner_user, quiz=quiz).exists()
    quiz.owner = instructor
    quiz.save()
    assert len(result_rows(actor=instructor, quiz=quiz)) == 3  # authors see every result of their quizzes


def test_results_stay_with_the_unit_where_the_attempt_was_sat(sat, focal_a, focal_b, commune_b):
    quiz, people = sat
    learner_move(actor=SYSTEM, learner=people["anh"], to_unit=commune_b, on=timezone.localdate())
    assert "Lê Thị Ánh" in names(result_rows(actor=focal_a, quiz=quiz))
    assert "Lê Thị Ánh" not in names(result_rows(actor=focal_b, quiz=quiz))


# --- the export -----------------------------------------------------------------------------------------------------


def read_xlsx(content: bytes):
    sheet = load_workbook(io.BytesIO(content)).active
    return sheet, [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_export_is_a_readable_workbook_in_vietnamese_order_with_masked_cccd(client, sat, province_admin):
    quiz, people = sat
    client.force_login(province_admin)
    response = client.get(f"/kiem-tra/de-thi/{quiz.pk}/ket-qua/xuat-excel/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert response["Content-Disposition"].startswith('attachment; filename="ket-qua-kiem-tra-dinh-ky-quy-iv2026-')
    sheet, rows = read_xlsx(response.content)
    header = rows[0]
    assert header[:4] == [_("No."), _("Family and middle name"), _("Given name"), _("CCCD")]
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    body = rows[1:]
    assert [(r[1], r[2]) for r in body] == [("Nguyễn Văn", "An"), ("Lê Thị", "Ánh"), ("Trần Văn", "Bình")]
    assert [r[0] for r in body] == [1, 2, 3]
    assert [r[7] for r in body] == [100, 40, 80]
    assert [r[8] for r in body] == [_("Yes"), _("No"), _("Yes")]
    assert body[0][3] == people["an"].masked_cccd and "*" in body[0][3]
    text = repr(rows)
    for person in people.values():
        assert person.cccd not in text
    assert body[0][4] == "Trường Tiểu học Đại Phúc"


def test_export_of_a_focal_point_holds_only_their_people_and_keeps_the_filters(client, sat, focal_b, focal_a):
    quiz, _people = sat
    client.force_login(focal_b)
    _sheet, rows = read_xlsx(client.get(f"/kiem-tra/de-thi/{quiz.pk}/ket-qua/xuat-excel/").content)
    assert [(r[1], r[2]) for r in rows[1:]] == [("Trần Văn", "Bình")]
    client.force_login(focal_a)
    _sheet, rows = read_xlsx(client.get(f"/kiem-tra/de-thi/{quiz.pk}/ket-qua/xuat-excel/?passed=yes").content)
    assert [(r[1], r[2]) for r in rows[1:]] == [("Nguyễn Văn", "An")]


# --- the page -------------------------------------------------------------------------------------------------------


def test_results_page_is_scoped_and_bounded(client, sat, focal_a, province_admin, django_assert_max_num_queries):
    quiz, _people = sat
    client.force_login(focal_a)
    url = f"/kiem-tra/de-thi/{quiz.pk}/ket-qua/"
    with django_assert_max_num_queries(14):
        response = client.get(url)
    body = response.content.decode()
    assert "Nguyễn Văn An" in body and "Lê Thị Ánh" in body and "Trần Văn Bình" not in body
    assert "/bai-lam/" not in body  # focal points see results, not the papers
    client.force_login(province_admin)
    with django_assert_max_num_queries(16):
        body = client.get(url + "?passed=no").content.decode()
    assert "Lê Thị Ánh" in body and "Nguyễn Văn An" not in body and "/bai-lam/" in body


def test_focal_point_cannot_filter_by_a_unit_outside_their_subtree(client, sat, focal_a, commune_b):
    quiz, _people = sat
    client.force_login(focal_a)
    body = client.get(f"/kiem-tra/de-thi/{quiz.pk}/ket-qua/?unit={commune_b.pk}").content.decode()
    assert "Trần Văn Bình" not in body  # an invalid choice: the filter is ignored, the scope stays


def test_quiz_for_another_commune_is_hidden_from_a_focal_point(client, five, commune_b, focal_a):
    quiz = make_quiz(questions=five, audience_unit=commune_b)
    client.force_login(focal_a)
    assert client.get(f"/kiem-tra/de-thi/{quiz.pk}/ket-qua/").status_code == 404
    assert client.get(f"/kiem-tra/de-thi/{quiz.pk}/ket-qua/xuat-excel/").status_code == 404


def test_results_page_filters_a_unit_with_or_without_its_sub_units(client, sat, commune_a, province_admin):
    quiz, _people = sat
    client.force_login(province_admin)
    url = f"/kiem-tra/de-thi/{quiz.pk}/ket-qua/"
    with_subunits = client.get(url, {"unit": commune_a.pk}).content.decode()
    assert "Nguyễn Văn An" in with_subunits and "Lê Thị Ánh" in with_subunits
    alone = client.get(url, {"unit": commune_a.pk, "unit_only": "on"}).content.decode()
    assert "Nguyễn Văn An" not in alone and "Lê Thị Ánh" in alone
