"""The quiz page and the start read one quiz for one learner with hand-written SQL (exam.selectors.quiz_for_learner):
it must agree with the ORM's quiz list (quizzes_for_learner) on who sees which quiz and who may start it."""

from __future__ import annotations

import itertools

import pytest
from django.http import Http404

from hocso.assessment.exam.selectors import my_quizzes, quiz_for_learner, quizzes_for_learner
from hocso.assessment.exam.services import attempt_start
from hocso.assessment.models import QuizOverride
from hocso.assessment.tests.factories import make_category, make_question, make_quiz
from hocso.tests.factories import make_learner, target_group

pytestmark = pytest.mark.django_db


def test_the_quiz_row_agrees_with_the_quiz_list_for_every_audience(province, commune_a, commune_b, school_a):
    leaders, civil = target_group("leaders"), target_group("civil_servants")
    question = make_question(make_category())
    learners = [
        make_learner(school_a, "Đặng Thị Ánh", target_group=civil),
        make_learner(commune_a, "Lê Văn Tám", target_group=leaders),
        make_learner(commune_b, "Dương Văn Bình"),  # no target group
        make_learner(province, "Phạm Thu Hà", target_group=civil),
    ]

    def quiz(title: str, groups=(), **fields):
        made = make_quiz(questions=[question], title=title, **fields)
        made.audience_groups.set(groups)
        return made

    quizzes = [
        quiz("Mọi người"),
        quiz("Cả tỉnh", audience_unit=province),
        quiz("Xã Đại Phúc", audience_unit=commune_a),
        quiz("Trường", audience_unit=school_a),
        quiz("Xã Yên Trạch", audience_unit=commune_b),
        quiz("Chưa công bố", is_published=False),
        quiz("Công chức", groups=[civil]),
        quiz("Lãnh đạo và công chức ở Đại Phúc", groups=[leaders, civil], audience_unit=commune_a),
    ]
    # Sat while it was for everyone; now for another commune: still listed (with the result), not startable.
    moved = quiz("Đã làm, nay cho xã khác")
    attempt_start(learner=learners[0], quiz=moved)
    moved.audience_unit = commune_b
    moved.save()
    quizzes.append(moved)

    # The rule itself, for two of them: units above count, units below or beside do not; groups must match.
    titles = {learner: {q.title for q in quizzes_for_learner(learner=learner) if q.in_audience}
              for learner in learners[:2]}
    assert titles[learners[0]] == {"Mọi người", "Cả tỉnh", "Xã Đại Phúc", "Trường", "Công chức",
                                   "Lãnh đạo và công chức ở Đại Phúc"}
    assert titles[learners[1]] == {"Mọi người", "Cả tỉnh", "Xã Đại Phúc", "Lãnh đạo và công chức ở Đại Phúc"}

    # The learner's list (my quizzes, the home page's open tests) is the same rule as one plain query.
    for learner in learners:
        expected = {q.pk: q.in_audience for q in quizzes_for_learner(learner=learner)}
        assert {row.quiz.pk: row.eligible for row in my_quizzes(learner=learner)} == expected, learner

    seen = set()
    for learner, each in itertools.product(learners, quizzes):
        listed = {q.pk: q.in_audience for q in quizzes_for_learner(learner=learner)}
        if each.pk not in listed:
            with pytest.raises(Http404):
                quiz_for_learner(learner=learner, pk=each.pk)
            seen.add("hidden")
            continue
        row = quiz_for_learner(learner=learner, pk=each.pk)
        assert row.quiz.pk == each.pk and row.eligible is listed[each.pk], (learner, each.title)
        seen.add("eligible" if row.eligible else "listed only")
    assert seen == {"hidden", "eligible", "listed only"}  # every case was met
    with pytest.raises(Http404):
        quiz_for_learner(learner=learners[0], pk=max(q.pk for q in quizzes) + 1)


def test_the_quiz_row_brings_the_override_and_the_attempts(school_a):
    learner = make_learner(school_a, "Đặng Thị Ánh")
    quiz = make_quiz(questions=[make_question(make_category())], time_limit_minutes=30, attempts_allowed=2)
    row = quiz_for_learner(learner=learner, pk=quiz.pk)
    assert row.attempts == [] and row.time_limit_minutes == 30 and row.attempts_allowed == 2 and row.can_start
    QuizOverride.objects.create(quiz=quiz, learner=learner, extra_minutes=15, attempts_allowed=3)
    attempt = attempt_start(learner=learner, quiz=quiz)
    row = quiz_for_learner(learner=learner, pk=quiz.pk)
    assert row.time_limit_minutes == 45 and row.attempts_allowed == 3
    assert row.attempts == [attempt] and row.open_attempt == attempt and not row.can_start


def test_a_new_attempts_page_is_the_paper_it_froze(school_a):
    from hocso.assessment.exam.paper import attempt_paper
    from hocso.assessment.exam.render import questions_html
    from hocso.assessment.models import Attempt
    from hocso.assessment.tests.exam_helpers import make_mixed_quiz

    quiz, _questions = make_mixed_quiz(shuffle_questions=True, shuffle_options=True)
    attempt = attempt_start(learner=make_learner(school_a, "Đặng Thị Ánh"), quiz=quiz)
    assert len(attempt.drawn_paper) == attempt.question_count >= 6  # every question type
    fresh = attempt_paper(attempt)  # from the draw, no query
    stored = attempt_paper(Attempt.objects.get(pk=attempt.pk))  # read back from the frozen rows
    assert [q.as_dict() for q in fresh] == [q.as_dict() for q in stored]
    assert questions_html(fresh) == questions_html(stored)
