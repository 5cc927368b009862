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
