"""The learner's exam pages through real HTTP: my quizzes, start, the exam page, saving, submitting, results."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from hocso.assessment.exam.errors import ExamError
from hocso.assessment.models import Answer, Attempt, AttemptState, Layout, QuestionType, QuizOverride
from hocso.assessment.tests.exam_helpers import RIGHT, as_sent, config_of, leaks, make_mixed_quiz
from hocso.assessment.tests.factories import make_category, make_question, make_quiz
from hocso.org.models import TargetGroup
from hocso.tests.factories import make_user

SAVE_URL = "/kiem-tra/luu-cau-tra-loi/"


pytestmark = pytest.mark.usefixtures("english_pages")


@pytest.fixture
def other_learner_user(learner_in_b):
    user = make_user(username="hocvien_b")
    learner_in_b.user = user
    learner_in_b.save(update_fields=["user"])
    return user


def start(client, quiz) -> Attempt:
    """The start button's POST answers with the exam page itself; its script config names the attempt's own
    address (which the page puts in the address bar)."""
    response = client.post(f"/kiem-tra/{quiz.pk}/bat-dau/")
    assert response.status_code == 200, response.content
    assert "no-store" in response["Cache-Control"]  # the page carries the attempt's token
    config = config_of(response.content.decode())
    match = re.fullmatch(r"/kiem-tra/bai-lam/(\d+)/", config["url"])
    assert match, config["url"]
    attempt = Attempt.objects.get(pk=match.group(1))
    assert config["attempt"] == attempt.pk and config["token"] == attempt.token
    return attempt


def save(client, attempt, slot, response, seq):
    qtype = attempt.questions.get(slot=slot).version.question.qtype
    return client.post(SAVE_URL, {"slot": slot, "seq": seq, "response": as_sent(attempt, slot, qtype, response)},
                       content_type="application/json", HTTP_X_ATTEMPT_TOKEN=attempt.token)


def slot_of(attempt, qtype) -> int:
    return attempt.questions.get(version__question__qtype=qtype).slot


# --- my quizzes -----------------------------------------------------------------------------------------------


def test_my_quizzes_lists_only_quizzes_for_the_learner(learner_client, learner_in_a, commune_a, commune_b,
                                                       django_assert_max_num_queries):
    now = timezone.now()
    question = make_question(make_category())
    other_group = TargetGroup.objects.create(code="khac", name="Nhóm khác")
    shown = {
        "Cho mọi người": make_quiz(questions=[question], title="Cho mọi người"),
        "Cho xã Đại Phúc": make_quiz(questions=[question], title="Cho xã Đại Phúc", audience_unit=commune_a),
        "Sắp mở": make_quiz(questions=[question], title="Sắp mở", open_at=now + dt.timedelta(days=2)),
        "Đã đóng": make_quiz(questions=[question], title="Đã đóng", close_at=now - dt.timedelta(days=2)),
    }
    hidden = [
        make_quiz(questions=[question], title="Cho xã Yên Trạch", audience_unit=commune_b),
        make_quiz(questions=[question], title="Bản nháp", is_published=False),
    ]
    grouped = make_quiz(questions=[question], title="Cho nhóm khác")
    grouped.audience_groups.add(other_group)
    hidden.append(grouped)
    for i in range(10):  # more quizzes must not mean more queries
        make_quiz(questions=[question], title=f"Thêm {i}", audience_unit=commune_a)

    with django_assert_max_num_queries(12):
        response = learner_client.get("/kiem-tra/")
    assert response.status_code == 200
    html = response.content.decode()
    for title in shown:
        assert title in html
    for quiz in hidden:
        assert quiz.title not in html
    # Open quizzes come first, closed ones last.
    assert html.index("Cho mọi người") < html.index("Sắp mở") < html.index("Đã đóng")

    upcoming = learner_client.get("/kiem-tra/", {"status": "upcoming"}).content.decode()
    assert "Sắp mở" in upcoming and "Cho mọi người" not in upcoming
    assert learner_client.get(f"/kiem-tra/{hidden[0].pk}/").status_code == 404


def test_my_quizzes_shows_attempts_grade_and_continue(learner_client, learner_in_a):
    quiz, _questions = make_mixed_quiz(types=[QuestionType.SINGLE, QuestionType.TRUE_FALSE], attempts_allowed=2,
                                       grading_method="highest")
    attempt = start(learner_client, quiz)
    save(learner_client, attempt, 1, {"choice": "a"}, 1)
    learner_client.post(f"/kiem-tra/bai-lam/{attempt.pk}/nop-bai/")
    second = start(learner_client, quiz)

    html = learner_client.get("/kiem-tra/").content.decode()
    assert "2 of 2 used" in html
    assert "50.0%" in html  # the best graded attempt
    assert f'href="/kiem-tra/bai-lam/{second.pk}/"' in html  # continue the open one
    assert "Start a new attempt" not in html


def test_override_shows_in_my_quizzes(learner_client, learner_in_a):
    quiz, _questions = make_mixed_quiz(types=[QuestionType.SINGLE], time_limit_minutes=20)
    QuizOverride.objects.create(quiz=quiz, learner=learner_in_a, extra_minutes=10)
    assert "30 minutes" in learner_client.get(f"/kiem-tra/{quiz.pk}/").content.decode()


def test_account_without_staff_profile_is_told_so(client, province_admin):
    client.force_login(province_admin)
    response = client.get("/kiem-tra/")
    assert response.status_code == 200
    assert "not yet linked to a staff profile" in response.content.decode()
    assert client.post("/kiem-tra/1/bat-dau/").status_code == 404


def test_navigation_offers_my_quizzes(learner_client):
    assert 'href="/kiem-tra/"' in learner_client.get("/").content.decode()


# --- start ----------------------------------------------------------------------------------------------------


def test_start_twice_resumes_the_same_attempt(learner_client, learner_in_a):
    quiz, _questions = make_mixed_quiz()
    first = start(learner_client, quiz)
    second = start(learner_client, quiz)  # another tab, another device
    assert first == second
    assert Attempt.objects.filter(quiz=quiz, learner=learner_in_a).count() == 1
    assert first.questions.count() == 6


def test_start_before_the_quiz_opens_is_refused_with_a_message(learner_client):
    quiz, _questions = make_mixed_quiz(open_at=timezone.now() + dt.timedelta(hours=1))
    response = learner_client.post(f"/kiem-tra/{quiz.pk}/bat-dau/", follow=True)
    assert "This quiz is not open yet." in response.content.decode()
    assert not Attempt.objects.exists()


def test_start_needs_post(learner_client):
    quiz, _questions = make_mixed_quiz()
    assert learner_client.get(f"/kiem-tra/{quiz.pk}/bat-dau/").status_code == 405
    assert not Attempt.objects.exists()


# --- the exam page --------------------------------------------------------------------------------------------


def test_exam_page_has_the_whole_paper_and_no_key(learner_client, learner_in_a):
    quiz, _questions = make_mixed_quiz(shuffle_options=True, time_limit_minutes=30)
    attempt = start(learner_client, quiz)
    response = learner_client.get(f"/kiem-tra/bai-lam/{attempt.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert leaks(html) == []
    for aq in attempt.questions.select_related("version"):
        assert aq.version.text in html
    # Options in the attempt's frozen order.
    single = attempt.questions.get(version__question__qtype=QuestionType.SINGLE)
    texts = {o["id"]: o["text"] for o in single.version.data["options"]}
    positions = [html.index(texts[oid]) for oid in single.option_order]
    assert positions == sorted(positions)
    config = config_of(html)
    assert config["token"] == attempt.token
    assert config["deadline"] == int(attempt.deadline.timestamp() * 1000)
    assert abs(config["now"] - timezone.now().timestamp() * 1000) < 60_000
    assert config["saved"] == {}
    assert "no-store" in response["Cache-Control"]


def test_exam_page_has_no_inline_script_or_handler(learner_client):
    quiz, _questions = make_mixed_quiz()
    attempt = start(learner_client, quiz)
    html = learner_client.get(f"/kiem-tra/bai-lam/{attempt.pk}/").content.decode()
    scripts = re.findall(r"<script\b([^>]*)>", html)
    inline = [attrs for attrs in scripts if "src=" not in attrs and 'type="application/json"' not in attrs]
    assert inline == []
    assert re.findall(r"\son[a-z]+\s*=", html) == []
    assert re.findall(r"\sstyle\s*=", html) == []
    assert "/static/assessment/exam.js" in html


def test_paged_layout_is_passed_to_the_page(learner_client):
    quiz, _questions = make_mixed_quiz(layout=Layout.PAGED)
    attempt = start(learner_client, quiz)
    assert config_of(learner_client.get(f"/kiem-tra/bai-lam/{attempt.pk}/").content.decode())["paged"] is True


def test_resume_after_reload_restores_every_answer(learner_client):
    quiz, _questions = make_mixed_quiz()
    attempt = start(learner_client, quiz)
    answers = {
        QuestionType.SINGLE: {"choice": "b"},
        QuestionType.MULTIPLE: {"choices": ["x", "z"]},
        QuestionType.TRUE_FALSE: {"value": False},
        QuestionType.SHORT_ANSWER: {"text": "Cổng DVC"},
        QuestionType.MATCHING: {"pairs": {"p1": "d1"}},
        QuestionType.ESSAY: {"text": "Bài viết của tôi"},
    }
    for qtype, answer in answers.items():
        assert save(learner_client, attempt, slot_of(attempt, qtype), answer, 7).status_code == 200

    html = learner_client.get(f"/kiem-tra/bai-lam/{attempt.pk}/").content.decode()

    def alias(qtype, option_id):  # as the page names a bank option (matching: a right-hand item)
        aq = attempt.questions.select_related("version").get(slot=slot_of(attempt, qtype))
        return attempt.option_ids.aliases(aq.slot, qtype, aq.version.data)[option_id]

    assert re.search(rf'value="{alias(QuestionType.SINGLE, "b")}" checked', html)
    assert re.search(rf'value="{alias(QuestionType.MULTIPLE, "x")}" checked', html)
    assert re.search(rf'value="{alias(QuestionType.MULTIPLE, "z")}" checked', html)
    assert not re.search(rf'value="{alias(QuestionType.MULTIPLE, "y")}" checked', html)
    assert re.search(r'value="false" checked', html) and not re.search(r'value="true" checked', html)
    assert 'value="Cổng DVC"' in html
    assert re.search(rf'<option value="{alias(QuestionType.MATCHING, "d1")}" selected>', html)
    assert "Bài viết của tôi</textarea>" in html
    config = config_of(html)
    assert config["saved"] == {str(slot): 7 for slot in range(1, 7)}  # the page counts on from these seqs
    assert html.count('data-state="saved"') == 6


def test_someone_elses_attempt_is_not_found(client, learner_user, other_learner_user):
    quiz, _questions = make_mixed_quiz()
    client.force_login(learner_user)
    attempt = start(client, quiz)
    client.force_login(other_learner_user)
    base = f"/kiem-tra/bai-lam/{attempt.pk}/"
    for url in (base, base + "ket-qua/", base + "xem-lai/"):
        assert client.get(url).status_code == 404, url
    assert client.post(base + "nop-bai/").status_code == 404
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.IN_PROGRESS


# --- saving, submitting --------------------------------------------------------------------------------------


def test_saves_from_two_tabs_keep_the_newest(learner_client):
    quiz, _questions = make_mixed_quiz(types=[QuestionType.SINGLE])
    tab_one, tab_two = start(learner_client, quiz), start(learner_client, quiz)
    assert tab_one == tab_two
    assert save(learner_client, tab_one, 1, {"choice": "c"}, 2).json()["seq"] == 2
    late = save(learner_client, tab_two, 1, {"choice": "b"}, 1)  # older change from the other tab arrives late
    assert late.status_code == 200 and late.json()["seq"] == 2
    assert Answer.objects.get(attempt=tab_one, slot=1).response == as_sent(tab_one, 1, QuestionType.SINGLE,
                                                                           {"choice": "c"})


def test_save_after_the_deadline_is_refused_in_vietnamese(client, learner_user):
    client.cookies.clear()  # the default language
    client.force_login(learner_user)
    quiz, _questions = make_mixed_quiz(types=[QuestionType.SINGLE], time_limit_minutes=10)
    attempt = start(client, quiz)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - dt.timedelta(minutes=1))
    response = save(client, attempt, 1, {"choice": "a"}, 1)
    assert response.status_code == 409
    error = response.json()["error"]
    with translation.override("vi"):
        expected = str(ExamError.MESSAGES["expired"])
    assert error["code"] == "expired" and error["message"] == expected
    assert not Answer.objects.filter(attempt=attempt).exists()


def test_submit_grades_at_once_and_twice_is_harmless(learner_client):
    quiz, _questions = make_mixed_quiz(types=[QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.TRUE_FALSE],
                                       pass_percent=Decimal(60))
    attempt = start(learner_client, quiz)
    save(learner_client, attempt, 1, RIGHT[QuestionType.SINGLE], 1)
    save(learner_client, attempt, 2, {"choices": ["x"]}, 1)
    url = f"/kiem-tra/bai-lam/{attempt.pk}/nop-bai/"
    response = learner_client.post(url)
    assert response["Location"] == f"/kiem-tra/bai-lam/{attempt.pk}/ket-qua/"
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.GRADED and attempt.score == Decimal("1.5") and attempt.passed is False
    submitted_at = attempt.submitted_at

    again = learner_client.post(url, HTTP_ACCEPT="application/json")  # the other tab, or a retry
    assert again.json() == {"ok": True, "state": "graded", "result_url": f"/kiem-tra/bai-lam/{attempt.pk}/ket-qua/"}
    attempt.refresh_from_db()
    assert attempt.submitted_at == submitted_at and attempt.score == Decimal("1.5")

    result = learner_client.get(f"/kiem-tra/bai-lam/{attempt.pk}/ket-qua/").content.decode()
    assert "1.5 / 3" in result and "50.0%" in result and "Not passed" in result
    # The exam page of a submitted attempt shows the result instead.
    assert learner_client.get(f"/kiem-tra/bai-lam/{attempt.pk}/")["Location"].endswith("/ket-qua/")


def test_submit_brings_unsaved_answers_without_overwriting_newer_ones(learner_client):
    quiz, _questions = make_mixed_quiz(types=[QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.TRUE_FALSE])
    attempt = start(learner_client, quiz)
    save(learner_client, attempt, 1, {"choice": "a"}, 5)  # saved from another tab, newer
    older = as_sent(attempt, 1, QuestionType.SINGLE, {"choice": "b"})
    pending = json.dumps([
        {"slot": 1, "seq": 3, "response": older},  # older than what the other tab saved
        {"slot": 3, "seq": 1, "response": {"value": True}},
        {"slot": 9, "seq": 1, "response": {}},  # no such question
        "junk",
    ])
    response = learner_client.post(f"/kiem-tra/bai-lam/{attempt.pk}/nop-bai/", {"pending": pending},
                                   HTTP_ACCEPT="application/json")
    assert response.status_code == 200 and response.json()["ok"] is True
    answers = {a.slot: a.response for a in Answer.objects.filter(attempt=attempt)}
    assert answers == {1: as_sent(attempt, 1, QuestionType.SINGLE, {"choice": "a"}), 3: {"value": True}}
    attempt.refresh_from_db()
    assert attempt.score == 2


def test_essay_waits_for_an_instructor(learner_client):
    quiz, _questions = make_mixed_quiz(types=[QuestionType.SINGLE, QuestionType.ESSAY])
    attempt = start(learner_client, quiz)
    save(learner_client, attempt, 2, RIGHT[QuestionType.ESSAY], 1)
    learner_client.post(f"/kiem-tra/bai-lam/{attempt.pk}/nop-bai/")
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.NEEDS_GRADING
    html = learner_client.get(f"/kiem-tra/bai-lam/{attempt.pk}/ket-qua/").content.decode()
    assert "waiting for an instructor" in html


def test_overdue_attempt_is_submitted_on_the_next_visit(learner_client):
    quiz, _questions = make_mixed_quiz(types=[QuestionType.SINGLE], time_limit_minutes=10)
    attempt = start(learner_client, quiz)
    save(learner_client, attempt, 1, {"choice": "a"}, 1)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - dt.timedelta(minutes=5))
    response = learner_client.get(f"/kiem-tra/bai-lam/{attempt.pk}/", follow=True)
    assert response.redirect_chain[-1][0] == f"/kiem-tra/bai-lam/{attempt.pk}/ket-qua/"
    assert "submitted automatically" in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.auto_submitted and attempt.state == AttemptState.GRADED and attempt.score == 1


def test_exam_page_queries_do_not_grow_with_the_paper(learner_client, django_assert_max_num_queries):
    category = make_category("Nhiều câu")
    quiz = make_quiz(questions=[make_question(category, name=f"Câu {n}") for n in range(40)])
    attempt = start(learner_client, quiz)
    for slot in range(1, 41):
        save(learner_client, attempt, slot, {"choice": "a"}, 1)
    with django_assert_max_num_queries(10):  # 8 today: session, user, learner, attempt, paper (2), roles
        response = learner_client.get(f"/kiem-tra/bai-lam/{attempt.pk}/")
    assert response.content.decode().count('data-state="saved"') == 40


def test_start_path_queries_do_not_grow_with_the_paper(learner_client, learner_in_a, django_assert_max_num_queries):
    """The exam-day start rush: quiz page, start, exam page of a 30-question paper drawn at random."""
    category = make_category("Rút ngẫu nhiên")
    for n in range(40):
        make_question(category, name=f"Câu {n}")
    quiz = make_quiz(random_from=category, random_count=30, title="Thi đầu giờ")
    with django_assert_max_num_queries(7):  # session, user, learner, quiz (audience in SQL), override, attempts, roles
        assert learner_client.get(f"/kiem-tra/{quiz.pk}/").status_code == 200
    # The start answers with the exam page itself: session, user, learner, quiz row (3), the newest version id,
    # then (first start in the minute: the blueprint is read and cached) slots, candidates, versions, 2 inserts +
    # 2 savepoints, then the page: answers, paper (no menu, so no roles). The start reuses the quiz row's
    # attempts, window and audience instead of reading them again (it was 18 queries plus a 9-query redirect).
    with django_assert_max_num_queries(17):
        attempt = start(learner_client, quiz)
    with django_assert_max_num_queries(6):  # a reload: session, user, learner, attempt, answers, paper
        response = learner_client.get(f"/kiem-tra/bai-lam/{attempt.pk}/")
    assert response.content.decode().count('class="card exam-q"') == 30
    assert attempt.number == 1 and attempt.questions.count() == 30

    # A second attempt after submitting is numbered on from the row's attempts.
    learner_client.post(f"/kiem-tra/bai-lam/{attempt.pk}/nop-bai/")
    attempt.refresh_from_db()
    assert attempt.state != AttemptState.IN_PROGRESS
    quiz.attempts_allowed = 2
    quiz.save(update_fields=["attempts_allowed"])
    # The blueprint now comes from the cache: only the newest version id is read (+1 for the campaign limit
    # check of a second attempt, +1 for this test's own read of the attempt).
    with django_assert_max_num_queries(15):
        assert start(learner_client, quiz).number == 2


def test_exam_page_escapes_saved_answers(learner_client):
    quiz, _questions = make_mixed_quiz()
    attempt = start(learner_client, quiz)
    hostile = '"><script src="/x.js"></script><b>'
    for qtype in (QuestionType.SHORT_ANSWER, QuestionType.ESSAY):
        assert save(learner_client, attempt, slot_of(attempt, qtype), {"text": hostile}, 1).status_code == 200
    html = learner_client.get(f"/kiem-tra/bai-lam/{attempt.pk}/").content.decode()
    assert '<script src="/x.js">' not in html
    assert 'value="&quot;&gt;&lt;script src=&quot;/x.js&quot;&gt;&lt;/script&gt;&lt;b&gt;"' in html
    assert "&quot;&gt;&lt;script src=&quot;/x.js&quot;&gt;&lt;/script&gt;&lt;b&gt;</textarea>" in html
