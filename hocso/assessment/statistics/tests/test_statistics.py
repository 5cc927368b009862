"""Item analysis on a dataset small enough to compute by hand.

Four people, four single-choice questions worth 1 mark each ("a" is right), no shuffling:

            Q1  Q2  Q3  Q4 | total
    Tám      1   1   1   1 |   4
    Hoa      1   1   0   1 |   3
    Lan      1   0   0   1 |   2    (Lan chose "c" for Q2)
    Minh     0   0   1   1 |   2    (Minh chose "b" for Q1 and left Q2 blank)

Rest of the test (total minus the item) and the figures, worked out on paper:
- Q1: x = 1 1 1 0, rest = 3 2 1 2. facility 3/4; SD = sqrt(0.75/3) = 0.5; mean rest 2, deviations
  (.25, .25, .25, -.75)·(1, 0, -1, 0) sum to 0: discrimination 0 (flagged: below 20%).
- Q2: x = 1 1 0 0, rest = 3 2 2 2. facility 1/2; SD = sqrt(1/3); covariance sum 0.5, Σdx² = 1, Σdr² = 0.75:
  discrimination 0.5/sqrt(0.75) = 1/√3 ≈ 0.57735; sorted, x = 0 0 1 1 and rest = 2 2 2 3 give the same 0.5:
  efficiency 1.
- Q3: x = 1 0 0 1, rest = 3 3 2 1. covariance sum -0.5, Σdr² = 2.75: discrimination -0.5/sqrt(2.75) ≈ -0.30151;
  sorted rest 1 2 3 3 gives a maximum covariance sum of 1.5: efficiency -1/3 (flagged).
- Q4: everybody right: facility 1 (flagged: above 90%), no variance, so no discrimination.
- The quiz: 100, 75, 50, 50 percent: mean 68.75, median 62.5. Item variances 0.25 + 1/3 + 1/3 + 0 = 11/12 equal the
  total's variance 11/12, so Cronbach's alpha is 4/3 · (1 - 1) = 0.
"""

import math

import pytest

from hocso.assessment.statistics.item_analysis import quiz_statistics
from hocso.assessment.tests.factories import make_category, make_question, make_quiz, sit
from hocso.tests.factories import make_learner

A, B, C = {"choice": "a"}, {"choice": "b"}, {"choice": "c"}


@pytest.fixture
def dataset(commune_a):
    category = make_category()
    q1, q2, q3, q4 = (make_question(category, name=f"Câu {i}") for i in range(1, 5))
    quiz = make_quiz(questions=[q1, q2, q3, q4], shuffle_questions=False, shuffle_options=False, attempts_allowed=0)
    sheets = {
        "Lê Văn Tám": {q1: A, q2: A, q3: A, q4: A},
        "Phạm Thị Hoa": {q1: A, q2: A, q3: B, q4: A},
        "Đỗ Thị Lan": {q1: A, q2: C, q3: B, q4: A},
        "Vũ Văn Minh": {q1: B, q3: A, q4: A},
    }
    people = {}
    for name, answers in sheets.items():
        people[name] = make_learner(commune_a, name)
        sit(quiz, people[name], answers)
    return quiz, (q1, q2, q3, q4), people


def by_question(stats):
    return {item.question_id: item for item in stats.items}


def test_facility_sd_discrimination_and_efficiency_match_the_hand_computation(dataset):
    quiz, (q1, q2, q3, q4), _people = dataset
    stats = quiz_statistics(quiz=quiz)
    items = by_question(stats)
    assert [item.question_id for item in stats.items] == [q1.pk, q2.pk, q3.pk, q4.pk]  # blueprint order
    assert items[q1.pk].n == 4
    assert items[q1.pk].facility == pytest.approx(0.75)
    assert items[q1.pk].sd == pytest.approx(0.5)
    assert items[q1.pk].discrimination == pytest.approx(0.0, abs=1e-12)
    assert items[q1.pk].efficiency == pytest.approx(0.0, abs=1e-12)
    assert items[q2.pk].facility == pytest.approx(0.5)
    assert items[q2.pk].sd == pytest.approx(math.sqrt(1 / 3))
    assert items[q2.pk].discrimination == pytest.approx(1 / math.sqrt(3))
    assert items[q2.pk].efficiency == pytest.approx(1.0)
    assert items[q3.pk].discrimination == pytest.approx(-0.5 / math.sqrt(2.75))
    assert items[q3.pk].efficiency == pytest.approx(-1 / 3)
    assert items[q4.pk].facility == pytest.approx(1.0)
    assert items[q4.pk].sd == pytest.approx(0.0)
    assert items[q4.pk].discrimination is None and items[q4.pk].efficiency is None


def test_quiz_figures(dataset):
    quiz, _questions, _people = dataset
    stats = quiz_statistics(quiz=quiz)
    assert stats.attempts == 4
    assert stats.mean == pytest.approx(68.75)
    assert stats.median == pytest.approx(62.5)
    assert stats.sd == pytest.approx(math.sqrt(((31.25**2) + (6.25**2) + 2 * (18.75**2)) / 3))
    assert stats.alpha == pytest.approx(0.0, abs=1e-9)


def test_flags_follow_the_stated_rule(dataset):
    quiz, (q1, q2, q3, q4), _people = dataset
    items = by_question(quiz_statistics(quiz=quiz))
    assert items[q1.pk].flagged and not items[q2.pk].flagged and items[q3.pk].flagged and items[q4.pk].flagged
    assert len(items[q4.pk].flags) == 1  # too easy; no discrimination to judge
    assert quiz_statistics(quiz=quiz).flagged_count == 3


def test_option_frequencies(dataset):
    quiz, (q1, q2, _q3, _q4), _people = dataset
    items = by_question(quiz_statistics(quiz=quiz))
    q1_options = {o.id: (o.count, o.correct) for o in items[q1.pk].options}
    assert q1_options == {"a": (3, True), "b": (1, False), "c": (0, False)}
    q2_options = {o.id: o.count for o in items[q2.pk].options}
    assert q2_options == {"a": 2, "b": 0, "c": 1}
    assert items[q2.pk].no_answer == 1
    assert items[q2.pk].options[0].share == pytest.approx(0.5)


def test_first_attempts_only(dataset):
    quiz, (q1, q2, q3, q4), people = dataset
    sit(quiz, people["Vũ Văn Minh"], {q1: A, q2: A, q3: A, q4: A})  # a second, perfect attempt
    assert quiz_statistics(quiz=quiz).attempts == 5
    first = quiz_statistics(quiz=quiz, which="first")
    assert first.attempts == 4
    assert by_question(first)[q1.pk].facility == pytest.approx(0.75)


def test_random_draws_are_analysed_per_question_version(commune_a):
    category = make_category()
    bank = [make_question(category, name=f"Câu {i}") for i in range(6)]
    quiz = make_quiz(random_from=category, random_count=3)
    for i in range(5):
        sit(quiz, make_learner(commune_a, f"Người Số {i}"), {q: A for q in bank})
    stats = quiz_statistics(quiz=quiz)
    assert sum(item.n for item in stats.items) == 15
    assert all(item.facility == 1 for item in stats.items)
    assert stats.alpha is None  # people had different questions


def test_alpha_reads_as_a_value_or_a_whole_sentence(client, commune_a, dataset, province_admin):
    """Cronbach's alpha shows its value (one decimal, as every rate); when the draws differ, a dash and why."""
    client.cookies["hocso_language"] = "en"
    client.force_login(province_admin)
    quiz, _questions, _people = dataset
    body = client.get(f"/kiem-tra/de-thi/{quiz.pk}/thong-ke/").content.decode()
    alpha = body.split("Cronbach's alpha)</dt>", 1)[1].split("</dd>", 1)[0]
    assert alpha == "<dd>0.0%"
    category = make_category("Rút ngẫu nhiên")
    bank = [make_question(category, name=f"Câu {i}") for i in range(6)]
    drawn = make_quiz(random_from=category, random_count=3)
    for i in range(3):
        sit(drawn, make_learner(commune_a, f"Người Số {i}"), {q: A for q in bank})
    body = client.get(f"/kiem-tra/de-thi/{drawn.pk}/thong-ke/").content.decode()
    alpha = body.split("Cronbach's alpha)</dt>", 1)[1].split("</dd>", 1)[0]
    assert alpha.startswith("<dd>—") and "these attempts drew different ones." in alpha


def test_empty_quiz_and_bounded_queries(dataset, django_assert_max_num_queries):
    quiz, _questions, _people = dataset
    with django_assert_max_num_queries(6):
        quiz_statistics(quiz=quiz)
    empty = make_quiz(questions=[])
    assert quiz_statistics(quiz=empty).attempts == 0


def test_statistics_page_states_the_rule(client, dataset, province_admin):
    quiz, _questions, _people = dataset
    client.cookies["hocso_language"] = "en"
    client.force_login(province_admin)
    body = client.get(f"/kiem-tra/de-thi/{quiz.pk}/thong-ke/").content.decode()
    assert "facility index is below 10%" in body and "discrimination index is below 20%" in body
    assert "57.7%" in body  # Q2's discrimination index, one decimal
    assert body.count('class="flagged"') == 3
