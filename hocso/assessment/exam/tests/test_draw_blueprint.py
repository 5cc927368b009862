"""The blueprint a worker keeps for a minute (exam.draw): later starts read only the newest version id, every draw
gets its own option order, and a question edited
since reaches the next paper at once."""

from __future__ import annotations

from random import Random

import pytest

from hocso.assessment.exam.draw import draw_paper, forget_blueprints
from hocso.assessment.models import QuestionVersion
from hocso.assessment.tests.factories import make_category, make_question, make_quiz

pytestmark = pytest.mark.django_db


def test_the_kept_blueprint_serves_later_draws_and_no_draw_changes_it(django_assert_num_queries):
    category = make_category("Giữ bản đề")
    questions = [make_question(category, name=f"Câu {n}") for n in range(6)]
    quiz = make_quiz(random_from=category, random_count=4, title="Giữ một phút")
    forget_blueprints()
    first = draw_paper(quiz, Random(1))
    with django_assert_num_queries(1):  # the newest version id: the blueprint itself is kept
        second = draw_paper(quiz, Random(1))
    assert [q.option_order for q in first] == [q.option_order for q in second]
    first[0].option_order.reverse()  # a start's option order is its own list
    assert draw_paper(quiz, Random(1))[0].option_order == second[0].option_order

    # An edit makes a new version: the next draw reads the blueprint again and shows the new text.
    question = questions[0]
    version = question.current_version
    edited = QuestionVersion.objects.create(question=question, number=version.number + 1, text="<p>Đã sửa</p>",
                                            data=version.data, default_mark=version.default_mark)
    question.current_version = edited
    question.save(update_fields=["current_version"])
    texts = {q.version_id: q.text for seed in range(8) for q in draw_paper(quiz, Random(seed))}
    assert texts.get(edited.pk) == "<p>Đã sửa</p>" and version.pk not in texts


def test_the_start_page_reads_the_newest_version_with_the_quiz_and_an_edit_still_reaches_the_next_paper(
        client, school_a, django_assert_num_queries):
    from hocso.assessment.exam.selectors import learner_and_quiz
    from hocso.tests.factories import make_learner, make_user

    category = make_category("Sửa giữa giờ")
    question = make_question(category, name="Câu duy nhất", text="<p>Bản đầu</p>")
    quiz = make_quiz(questions=[question], title="Một câu", attempts_allowed=0)
    users = [make_user(username=f"sua{n}") for n in range(2)]
    for n, user in enumerate(users):
        make_learner(school_a, f"Người Sửa {n}", user=user, with_cccd=False)
    forget_blueprints()
    client.force_login(users[0])
    assert "Bản đầu" in client.post(f"/kiem-tra/{quiz.pk}/bat-dau/").content.decode()

    version = question.current_version
    edited = QuestionVersion.objects.create(question=question, number=version.number + 1, text="<p>Bản sửa</p>",
                                            data=version.data, default_mark=version.default_mark)
    question.current_version = edited
    question.save(update_fields=["current_version"])
    _learner, row = learner_and_quiz(user_id=users[1].pk, pk=quiz.pk)
    assert row.quiz.newest_version_id == edited.pk  # read in the same statement as the learner and the quiz
    client.force_login(users[1])
    page = client.post(f"/kiem-tra/{quiz.pk}/bat-dau/").content.decode()
    assert "Bản sửa" in page and "Bản đầu" not in page
