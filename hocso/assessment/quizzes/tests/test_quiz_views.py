from decimal import Decimal

import pytest

from hocso.assessment.bank.services import question_update
from hocso.assessment.models import Attempt, AttemptState, Quiz, QuizOverride, QuizSlot
from hocso.assessment.quizzes.services import quiz_create
from hocso.assessment.tests.factories import SINGLE_DATA, make_category, make_question, make_quiz, sit
from hocso.core.models import AuditEntry
from hocso.tests.factories import SYSTEM, make_learner

BASE = "/kiem-tra/de-thi/"


def english(client):
    """The client in English (tests assert English texts)."""
    client.cookies["hocso_language"] = "en"
    return client


def valid_settings(**changes) -> dict:
    data = {
        "title": "Kiểm tra định kỳ Quý I/2027", "description": "", "audience_unit": "", "open_at": "15/01/2027 08:00",
        "close_at": "31/01/2027 17:00", "time_limit_minutes": "45", "attempts_allowed": "2",
        "grading_method": "highest", "pass_percent": "50", "layout": "all", "review_when": "after_close",
        "shuffle_questions": "on", "shuffle_options": "on", "review_shows_answers": "on",
    }
    data.update(changes)
    return data


# --- learners and other outsiders ------------------------------------------------------------------------------------


def test_learners_get_403_or_404_on_every_author_page(client, bank, learner_user, learner_in_a):
    _category, questions = bank
    quiz = make_quiz(questions=questions[:2])
    attempt = sit(quiz, learner_in_a, {questions[0]: {"choice": "a"}})
    slot = quiz.slots.first()
    client.force_login(learner_user)
    assert client.get(BASE).status_code == 403
    assert client.get(BASE + "tao-moi/").status_code == 403
    pages = ["", "sua/", "ngoai-le/", "ngoai-le/tim/?person=a", "tim-cau-hoi/?question_q=c", "ket-qua/",
             "ket-qua/xuat-excel/", "thong-ke/", "cham-lai/", f"bai-lam/{attempt.pk}/", f"cau-hoi/{slot.pk}/sua/"]
    for page in pages:
        assert client.get(f"{BASE}{quiz.pk}/{page}").status_code == 404, page
    posts = ["xuat-ban/", "ngung-xuat-ban/", "sao-chep/", "cau-hoi/them/", "cau-hoi/ngau-nhien/",
             f"cau-hoi/{slot.pk}/xoa/", f"cau-hoi/{slot.pk}/di-chuyen/", f"bai-lam/{attempt.pk}/cham/1/"]
    for page in posts:
        assert client.post(f"{BASE}{quiz.pk}/{page}", {"question": questions[3].pk}).status_code == 404, page
    assert quiz.slots.count() == 2 and Quiz.objects.count() == 1


def test_anonymous_visitors_are_sent_to_sign_in(client, bank):
    quiz = make_quiz(questions=bank[1][:1])
    response = client.get(f"{BASE}{quiz.pk}/ket-qua/")
    assert response.status_code == 302 and "next=" in response["Location"]


def test_an_instructor_sees_only_their_own_quizzes(client, bank, instructor, other_instructor):
    mine = quiz_create(actor=instructor, title="Bài của tôi")
    theirs = quiz_create(actor=other_instructor, title="Bài của người khác")
    client.force_login(instructor)
    body = client.get(BASE).content.decode()
    assert "Bài của tôi" in body and "Bài của người khác" not in body
    assert client.get(f"{BASE}{mine.pk}/").status_code == 200
    assert client.get(f"{BASE}{theirs.pk}/").status_code == 404
    assert client.get(f"{BASE}{theirs.pk}/ket-qua/").status_code == 404


def test_focal_point_sees_results_but_not_the_blueprint(client, bank, focal_a):
    quiz = make_quiz(questions=bank[1][:2])
    client.force_login(focal_a)
    body = client.get(BASE).content.decode()
    assert f"{BASE}{quiz.pk}/ket-qua/" in body
    assert client.get(f"{BASE}{quiz.pk}/ket-qua/").status_code == 200
    for page in ("", "thong-ke/", "ngoai-le/", "sua/"):
        assert client.get(f"{BASE}{quiz.pk}/{page}").status_code == 404


# --- authoring --------------------------------------------------------------------------------------------------------


def test_create_a_quiz_through_the_form(client, instructor, commune_a):
    english(client).force_login(instructor)
    assert client.get(BASE + "tao-moi/").status_code == 200
    response = client.post(BASE + "tao-moi/", valid_settings(audience_unit=str(commune_a.pk)))
    quiz = Quiz.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{BASE}{quiz.pk}/"
    assert (quiz.owner, quiz.audience_unit, quiz.time_limit_minutes, quiz.is_published) == (
        instructor, commune_a, 45, False)
    assert quiz.open_at.strftime("%d/%m/%Y %H:%M") == "15/01/2027 01:00"  # 08:00 in Hà Nội is 01:00 UTC
    assert not quiz.review_shows_feedback
    assert AuditEntry.objects.filter(action="quiz.create").exists()


def test_the_form_reports_every_problem_at_once(client, instructor):
    english(client).force_login(instructor)
    response = client.post(BASE + "tao-moi/", valid_settings(
        title="", pass_percent="150", close_at="01/01/2027 08:00", attempts_allowed="-1", open_at="hôm qua"))
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) >= {"title", "pass_percent", "attempts_allowed", "open_at"}
    assert not Quiz.objects.exists()


def test_build_the_blueprint_through_the_pages(client, bank, province_admin):
    category, questions = bank
    quiz = quiz_create(actor=province_admin, title="Đề thi")
    english(client).force_login(province_admin)
    found = client.get(f"{BASE}{quiz.pk}/tim-cau-hoi/?question_q=cau 3").content.decode()
    assert "Câu 3" in found and "Câu 4" not in found
    client.post(f"{BASE}{quiz.pk}/cau-hoi/them/", {"question": questions[2].pk})
    response = client.post(f"{BASE}{quiz.pk}/cau-hoi/ngau-nhien/", {"category": category.pk, "count": "10",
                                                                     "include_subcategories": "on"})
    # 10 would need the fixed question too: refused, with the reason on the form.
    assert response.status_code == 200
    assert "needs 10 questions, but the bank has only 9 that match" in response.content.decode()
    response = client.post(f"{BASE}{quiz.pk}/cau-hoi/ngau-nhien/", {"category": category.pk, "count": "5",
                                                                     "include_subcategories": "on", "mark": "2"})
    assert response.status_code == 302
    page = client.get(f"{BASE}{quiz.pk}/").content.decode()
    assert "Questions: 6 per attempt" in page
    assert '<span class="ok-text">10</span>' in page  # how many questions of the bank match the draw
    random_slot = quiz.slots.get(category__isnull=False)
    client.post(f"{BASE}{quiz.pk}/cau-hoi/{random_slot.pk}/di-chuyen/", {"direction": "up"})
    assert list(quiz.slots.order_by("position").values_list("category", flat=True)) == [category.pk, None]
    assert client.post(f"{BASE}{quiz.pk}/cau-hoi/{random_slot.pk}/sua/", {"count": "4", "mark": "1",
                                                                           "include_subcategories": "on"}
                       ).status_code == 302
    random_slot.refresh_from_db()
    assert (random_slot.count, random_slot.mark) == (4, Decimal(1))
    assert client.post(f"{BASE}{quiz.pk}/xuat-ban/").status_code == 302
    quiz.refresh_from_db()
    assert quiz.is_published
    client.post(f"{BASE}{quiz.pk}/cau-hoi/{random_slot.pk}/xoa/")
    assert not QuizSlot.objects.filter(pk=random_slot.pk).exists()


def test_publishing_a_quiz_the_bank_cannot_fill_explains_why(client, bank, province_admin):
    category, questions = bank
    quiz = make_quiz(random_from=category, random_count=10, is_published=False)
    question_update(actor=SYSTEM, question=questions[0], text="<p>?</p>", data=SINGLE_DATA)
    from hocso.assessment.bank.services import question_archive

    question_archive(actor=SYSTEM, question=questions[0])
    english(client).force_login(province_admin)
    page = client.get(f"{BASE}{quiz.pk}/").content.decode()
    assert "cannot be published until these are fixed" in page
    response = client.post(f"{BASE}{quiz.pk}/xuat-ban/", follow=True)
    assert "needs 10 questions, but the bank has only 9" in response.content.decode()
    quiz.refresh_from_db()
    assert not quiz.is_published


def test_another_instructor_cannot_touch_the_quiz(client, bank, instructor, other_instructor):
    quiz = quiz_create(actor=instructor, title="Đề của tôi")
    client.force_login(other_instructor)
    assert client.post(f"{BASE}{quiz.pk}/cau-hoi/them/", {"question": bank[1][0].pk}).status_code == 404
    assert not quiz.slots.exists()


def test_quiz_list_search_and_bounded_queries(client, bank, province_admin, django_assert_max_num_queries):
    for title in ("Kiểm tra An toàn thông tin", "Kiểm tra Chữ ký số", "Khảo sát đầu vào"):
        make_quiz(questions=bank[1][:2], title=title)
    client.force_login(province_admin)
    with django_assert_max_num_queries(8):
        body = client.get(BASE + "?q=kiem tra").content.decode()
    assert "An toàn thông tin" in body and "Chữ ký số" in body and "Khảo sát" not in body
    body = client.get(BASE + "?q=chu ky").content.decode()
    assert "Chữ ký số" in body and "An toàn" not in body


# --- overrides --------------------------------------------------------------------------------------------------------


def test_overrides_through_the_page(client, bank, province_admin, commune_a, commune_b):
    quiz = make_quiz(questions=bank[1][:2], time_limit_minutes=30, audience_unit=commune_a)
    person = make_learner(commune_a, "Lê Văn Tám")
    make_learner(commune_b, "Lê Văn Tâm")  # not in the audience: never offered
    english(client).force_login(province_admin)
    found = client.get(f"{BASE}{quiz.pk}/ngoai-le/tim/?person=le van").content.decode()
    assert "Lê Văn Tám" in found and "Lê Văn Tâm" not in found
    assert f"?learner={person.pk}" in found
    page = client.get(f"{BASE}{quiz.pk}/ngoai-le/?learner={person.pk}")
    assert "Lê Văn Tám" in page.content.decode()
    response = client.post(f"{BASE}{quiz.pk}/ngoai-le/", {"learner": person.pk, "extra_minutes": "20",
                                                          "close_at": "05/02/2027 17:00"})
    assert response.status_code == 302
    override = QuizOverride.objects.get(quiz=quiz, learner=person)
    assert override.extra_minutes == 20 and override.close_at is not None
    response = client.post(f"{BASE}{quiz.pk}/ngoai-le/", {"learner": person.pk})
    assert "An override must change something" in response.content.decode()
    client.post(f"{BASE}{quiz.pk}/ngoai-le/{override.pk}/xoa/")
    assert not QuizOverride.objects.exists()


# --- attempts: essay grading and regrade ------------------------------------------------------------------------------


def test_essay_grading_through_the_attempt_page(client, province_admin, commune_a):
    category = make_category()
    essay = make_question(category, qtype="essay", data={"grader_info": "<p>Nêu 3 ý</p>"}, name="Tự luận")
    single = make_question(category, name="Trắc nghiệm")
    quiz = make_quiz(questions=[essay, single], pass_percent=Decimal(60))
    attempt = sit(quiz, make_learner(commune_a, "Lê Văn Tám"),
                  {essay: {"text": "<script>x</script> Chuyển đổi số là…"}, single: {"choice": "a"}})
    assert attempt.state == AttemptState.NEEDS_GRADING
    essay_slot = attempt.questions.get(version__question=essay).slot
    english(client).force_login(province_admin)
    url = f"{BASE}{quiz.pk}/bai-lam/{attempt.pk}/"
    page = client.get(url).content.decode()
    assert "<p>&lt;script&gt;x&lt;/script&gt; Chuyển đổi số là…</p>" in page  # escaped, then paragraphs
    assert "waiting for grading" in page and "Nêu 3 ý" in page
    refused = client.post(f"{url}cham/{essay_slot}/", {f"q{essay_slot}-score": "5"})
    assert refused.status_code == 422
    assert "Ensure this value is less than or equal to 1" in refused.content.decode()
    response = client.post(f"{url}cham/{essay_slot}/", {f"q{essay_slot}-score": "0.5",
                                                         f"q{essay_slot}-comment": "Thiếu ý thứ ba"})
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert (attempt.state, attempt.score, attempt.percent, attempt.passed) == (
        AttemptState.GRADED, Decimal("1.5"), Decimal(75), True)
    page = client.get(url).content.decode()
    assert "Thiếu ý thứ ba" in page and "graded by" in page
    # Only essays are graded by hand.
    other_slot = attempt.questions.get(version__question=single).slot
    assert client.post(f"{url}cham/{other_slot}/", {f"q{other_slot}-score": "0"}).status_code == 404


def test_regrade_after_correcting_a_key_through_the_pages(client, bank, province_admin, commune_a):
    _category, questions = bank
    quiz = make_quiz(questions=questions[:2], pass_percent=Decimal(60))
    people = [make_learner(commune_a, name) for name in ("Lê Văn Tám", "Phạm Thị Hoa")]
    sit(quiz, people[0], {questions[0]: {"choice": "b"}, questions[1]: {"choice": "a"}})
    sit(quiz, people[1], {questions[0]: {"choice": "a"}, questions[1]: {"choice": "a"}})
    english(client).force_login(province_admin)
    regrade_url = f"{BASE}{quiz.pk}/cham-lai/"
    assert "No question of this quiz has been corrected" in client.get(regrade_url).content.decode()
    # The key of question 1 was wrong: "b" is right.
    fixed = {"options": [{**o, "fraction": 1 if o["id"] == "b" else 0} for o in SINGLE_DATA["options"]]}
    question_update(actor=SYSTEM, question=questions[0], text="<p>Câu hỏi?</p>", data=fixed)
    page = client.get(regrade_url).content.decode()
    assert "Câu 1 (now version 2)" in page
    response = client.post(regrade_url, {"question": questions[0].pk}, follow=True)
    assert "2 attempts were regraded" in response.content.decode()
    percents = dict(Attempt.objects.filter(quiz=quiz).values_list("learner__given_name", "percent"))
    assert percents == {"Tám": Decimal(100), "Hoa": Decimal(50)}
    assert AuditEntry.objects.filter(action="quiz.regrade").exists()


def test_attempt_page_shows_choices_and_keys(client, bank, province_admin, commune_a):
    _category, questions = bank
    quiz = make_quiz(questions=questions[:1])
    attempt = sit(quiz, make_learner(commune_a, "Lê Văn Tám"), {questions[0]: {"choice": "c"}})
    english(client).force_login(province_admin)
    page = client.get(f"{BASE}{quiz.pk}/bai-lam/{attempt.pk}/").content.decode()
    assert '<li class="chosen">' in page and "Không biết" in page and "correct" in page
    assert "0 / 1" in page


def test_attempt_page_shows_matching_answers_with_the_real_items(client, province_admin, commune_a):
    data = {"pairs": [{"id": "p1", "left": "Chữ ký số", "right": "Xác thực văn bản"},
                      {"id": "p2", "left": "Sao lưu", "right": "Phục hồi dữ liệu"}]}
    question = make_question(make_category(), qtype="matching", data=data, name="Ghép nối")
    quiz = make_quiz(questions=[question])
    attempt = sit(quiz, make_learner(commune_a, "Lê Văn Tám"), {question: {"pairs": {"p1": "p1", "p2": "p1"}}})
    english(client).force_login(province_admin)
    page = client.get(f"{BASE}{quiz.pk}/bai-lam/{attempt.pk}/").content.decode()
    assert '<td class="ok-text">Xác thực văn bản</td>' in page
    assert '<td class="err-text">Xác thực văn bản</td><td>Phục hồi dữ liệu</td>' in page
    assert "0.5 / 1" in page


@pytest.mark.parametrize("page", ["", "ngoai-le/", "ket-qua/", "thong-ke/", "sua/", "cham-lai/"])
def test_author_pages_render(client, bank, province_admin, commune_a, page):
    _category, questions = bank
    quiz = make_quiz(questions=questions[:3])
    sit(quiz, make_learner(commune_a, "Lê Văn Tám"), {questions[0]: {"choice": "a"}})
    client.force_login(province_admin)
    response = client.get(f"{BASE}{quiz.pk}/{page}")
    assert response.status_code == 200
    assert quiz.title in response.content.decode()
