"""Nothing a learner receives before the review correlates with the answer key (issue 11, item 1).

Each attempt names the options by its own aliases (hocso.assessment.option_ids). These tests go through the
services, the exam page and the learner API; the randomness of the start (the draw's seed and the attempt's
secret) is seeded through the standard library's `secrets`, so the figures are the same at every run.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import re
import secrets
from collections import Counter
from decimal import Decimal

import pytest
from django.test import Client

from hocso.assessment.bank.services import question_update
from hocso.assessment.exam.paper import attempt_paper
from hocso.assessment.exam.services import attempt_start, attempt_submit, attempts_regrade
from hocso.assessment.models import Answer, Attempt, AttemptQuestion, QuestionType, QuestionVersion
from hocso.assessment.option_ids import OptionIds
from hocso.assessment.statistics.item_analysis import quiz_statistics
from hocso.assessment.tests.exam_helpers import config_of
from hocso.assessment.tests.factories import make_category, make_question, make_quiz, sit
from hocso.tests.factories import SYSTEM, make_learner

ATTEMPTS = 300
OPTIONS = [{"id": oid, "text": f"Phương án {oid.upper()}", "fraction": 0} for oid in "abcd"]


def _options(**fractions) -> dict:
    return {"options": [{**o, "fraction": fractions.get(o["id"], 0)} for o in OPTIONS]}


MATCHING = {"pairs": [{"id": "p1", "left": "Chữ ký số", "right": "Xác thực văn bản"},
                      {"id": "p2", "left": "Sao lưu", "right": "Phục hồi dữ liệu"},
                      {"id": "p3", "left": "Tường lửa", "right": "Chặn truy cập trái phép"}],
            "distractors": [{"id": "d1", "text": "Tăng tốc máy in"}]}


class SeededSecrets:
    """What `secrets` gives the start (the draw's seed, the attempt's option key), from a seeded generator.

    The attempt token stays truly random: two starts seeded alike must not collide on its unique index."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def randbits(self, k: int) -> int:
        return self.rng.getrandbits(k)

    def token_hex(self, nbytes: int) -> str:
        return self.rng.randbytes(nbytes).hex()


@pytest.fixture
def seeded(monkeypatch):
    """Call with a seed to make the next starts' randomness a fixed sequence."""

    def seed(value: int) -> None:
        source = SeededSecrets(value)
        monkeypatch.setattr(secrets, "randbits", source.randbits)
        monkeypatch.setattr(secrets, "token_hex", source.token_hex)

    return seed


def _chi_square(counts: Counter, categories: int, n: int) -> float:
    expected = n / categories
    return sum((counts.get(k, 0) - expected) ** 2 / expected for k in range(categories))


# 99.9th percentile of the chi-square distribution with 3 degrees of freedom (four equally likely places): a
# uniform spread stays under it but for one draw in a thousand, and the seeded draw is always the same one.
CHI2_3DF_999 = 16.27


def test_the_right_options_identifier_is_new_in_every_attempt_and_uniformly_placed(commune_a, seeded):
    category = make_category()
    first = make_question(category, name="Một lựa chọn 1", text="<p>Câu một?</p>", data=_options(b=1))
    # The same bank ids in another slot of the same paper.
    second = make_question(category, name="Một lựa chọn 2", text="<p>Câu hai?</p>", data=_options(b=1))
    multiple = make_question(category, qtype=QuestionType.MULTIPLE, name="Nhiều lựa chọn", text="<p>Câu ba?</p>",
                             data=_options(a="0.5", b="0.5"))
    matching = make_question(category, qtype=QuestionType.MATCHING, name="Ghép", text="<p>Câu bốn?</p>",
                             data=MATCHING)
    quiz = make_quiz(questions=[first, second, multiple, matching], attempts_allowed=0)
    learner = make_learner(commune_a, "Lê Văn Tám")
    seeded(20261207)

    # Per question: its text on the paper, and the text of a right option (matching: the first left's item).
    questions = {"first": ("<p>Câu một?</p>", "Phương án B"), "second": ("<p>Câu hai?</p>", "Phương án B"),
                 "multiple": ("<p>Câu ba?</p>", "Phương án A"), "matching": ("<p>Câu bốn?</p>", "Xác thực văn bản")}
    right_ids: dict[str, list[str]] = {name: [] for name in questions}
    display: dict[str, Counter] = {name: Counter() for name in questions}
    ranked: dict[str, Counter] = {name: Counter() for name in questions}
    for _ in range(ATTEMPTS):
        attempt = attempt_start(learner=learner, quiz=quiz)
        # What the exam page and the API render, read as a learner would: the right option is known by its text.
        paper = {q.text: q for q in attempt_paper(attempt)}
        for name, (text, right_text) in questions.items():
            items = paper[text].rights if paper[text].qtype == QuestionType.MATCHING else paper[text].options
            ids = [item["id"] for item in items]
            right_id = next(item["id"] for item in items if item["text"] == right_text)
            right_ids[name].append(right_id)
            display[name][ids.index(right_id)] += 1
            ranked[name][sorted(ids).index(right_id)] += 1
        # Two questions with the same bank ids share no identifier on one paper.
        assert not {o["id"] for o in paper["<p>Câu một?</p>"].options} & {o["id"] for o in
                                                                          paper["<p>Câu hai?</p>"].options}
        attempt_submit(attempt=attempt)

    for name, ids in right_ids.items():
        assert len(set(ids)) == ATTEMPTS, f"{name}: the right option's identifier repeats between attempts"
        for where in (display[name], ranked[name]):
            assert _chi_square(where, 4, ATTEMPTS) < CHI2_3DF_999, (name, where)
            assert min(where.values(), default=0) >= ATTEMPTS / 4 * 0.6, (name, where)  # a generous bound on each


def test_matching_right_hand_items_are_shuffled_even_when_nothing_else_is(commune_a, seeded):
    """In the author's order the right-hand items would follow the left-hand items they belong to."""
    question = make_question(make_category(), qtype=QuestionType.MATCHING, name="Ghép", data=MATCHING)
    QuestionVersion.objects.filter(pk=question.current_version_id).update(data={**MATCHING, "shuffle": False})
    quiz = make_quiz(questions=[question], shuffle_options=False, attempts_allowed=0)
    learner = make_learner(commune_a, "Lê Văn Tám")
    seeded(11)
    places = Counter()
    for _ in range(40):
        attempt = attempt_start(learner=learner, quiz=quiz)
        (paper,) = attempt_paper(attempt)
        places[[item["text"] for item in paper.rights].index("Xác thực văn bản")] += 1
        attempt_submit(attempt=attempt)
    assert len(places) == 4 and max(places.values()) < 20, places


# --- key independence ------------------------------------------------------------------------------------------


def _bank(key: str) -> list:
    """One question of each type. Bank "A" and bank "B" have the same texts and identifiers; only the key differs:
    another right option (and another number of them), the statement false instead of true, other accepted answers,
    the matching's right-hand texts paired with other left-hand items, other notes for the grader."""
    category = make_category(f"Ngân hàng {key}")
    a = key == "A"
    pairs = [("Chữ ký số", "Xác thực văn bản"), ("Sao lưu", "Phục hồi dữ liệu"),
             ("Tường lửa", "Chặn truy cập trái phép")]
    rights = [right for _left, right in pairs]
    if not a:
        rights = rights[1:] + rights[:1]
    specs = [
        (QuestionType.SINGLE, _options(b=1) if a else _options(d=1)),
        (QuestionType.MULTIPLE, _options(a="0.5", b="0.5") if a else _options(c=1)),
        (QuestionType.TRUE_FALSE, {"correct": a}),
        (QuestionType.SHORT_ANSWER, {"answers": [{"text": "dữ liệu" if a else "số hoá", "fraction": 1}]}),
        (QuestionType.MATCHING, {"pairs": [{"id": f"p{i}", "left": left, "right": right}
                                           for i, ((left, _r), right) in enumerate(zip(pairs, rights, strict=True),
                                                                                   start=1)],
                                 "distractors": [{"id": "d1", "text": "Tăng tốc máy in"}]}),
        (QuestionType.ESSAY, {"min_words": 5, "grader_info": "Chấm ý chính" if a else "Chấm lập luận"}),
    ]
    return [make_question(category, qtype=qtype, name=f"Câu {qtype}", text=f"<p>Câu hỏi {qtype}?</p>", data=data)
            for qtype, data in specs]


def _page(client: Client, attempt: Attempt) -> str:
    """The exam page with what must differ between two attempts blanked: their ids, token, clock and CSRF token."""
    html = client.get(f"/kiem-tra/bai-lam/{attempt.pk}/").content.decode()
    config = config_of(html)
    for key in ("attempt", "url", "token", "submitUrl", "resultUrl", "now", "startedAt"):
        config.pop(key)
    html = re.sub(r'<script id="exam-config" type="application/json">.*?</script>', lambda _m: json.dumps(config),
                  html, flags=re.S)
    html = html.replace(f"/bai-lam/{attempt.pk}/", "/bai-lam/ATTEMPT/")
    html = re.sub(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+"', r'\1CSRF"', html)
    return html


def _api_paper(client: Client, attempt: Attempt) -> dict:
    response = client.get(f"/api/v1/me/attempts/{attempt.pk}/paper")
    assert response.status_code == 200
    paper = response.json()
    for key in ("attempt", "now", "token"):
        paper.pop(key)
    return paper


def test_two_banks_that_differ_only_in_the_key_give_the_same_paper(client, learner_user, seeded):
    quiz_a = make_quiz(questions=_bank("A"), title="Kiểm tra", shuffle_options=True)
    quiz_b = make_quiz(questions=_bank("B"), title="Kiểm tra", shuffle_options=True)
    client.force_login(learner_user)
    attempts = []
    for quiz in (quiz_a, quiz_b):
        seeded(7)  # the same draw and the same attempt secret for both
        assert client.post(f"/kiem-tra/{quiz.pk}/bat-dau/").status_code == 200
        attempts.append(Attempt.objects.get(quiz=quiz))
    first, second = attempts
    assert list(first.questions.values_list("option_order", flat=True)) == list(
        second.questions.values_list("option_order", flat=True))  # the same draw

    assert _page(client, first) == _page(client, second)
    assert _api_paper(client, first) == _api_paper(client, second)
    assert first.option_key == second.option_key  # the same secret, which never leaves the server:
    for attempt in attempts:
        assert attempt.option_key not in client.get(f"/kiem-tra/bai-lam/{attempt.pk}/").content.decode()
        assert attempt.option_key not in client.get(f"/api/v1/me/attempts/{attempt.pk}/paper").content.decode()
    # And the papers really are the two banks: grading the same answers gives different marks.
    everything = {"choice": "b"}, {"choices": ["a", "b"]}, {"value": True}
    for attempt in attempts:
        slots = {aq.version.question.qtype: aq for aq in attempt.questions.select_related("version__question")}
        for response, qtype in zip(everything, (QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.TRUE_FALSE),
                                   strict=True):
            aq = slots[qtype]
            Answer.objects.create(attempt=attempt, slot=aq.slot, seq=1, saved_at=attempt.started_at,
                                  response=attempt.option_ids.encode(aq.slot, qtype, aq.version.data, response))
    assert [attempt_submit(attempt=a).score for a in attempts] == [Decimal(3), Decimal(0)]


# --- reading answers through the aliases -------------------------------------------------------------------------


def test_matching_answers_are_the_texts_the_learner_saw_even_after_a_regrade_repairs_the_pairs(commune_a):
    wrong_pairs = {"pairs": [{"id": "p1", "left": "Chữ ký số", "right": "Phục hồi dữ liệu"},
                             {"id": "p2", "left": "Sao lưu", "right": "Xác thực văn bản"}],
                   "distractors": [{"id": "d1", "text": "Tăng tốc máy in"}]}
    question = make_question(make_category(), qtype=QuestionType.MATCHING, data=wrong_pairs, name="Ghép")
    quiz = make_quiz(questions=[question])
    # The learner matched as they should have: "Chữ ký số" with "Xác thực văn bản" (the bank's p2 right now).
    attempt = sit(quiz, make_learner(commune_a, "Lê Văn Tám"), {question: {"pairs": {"p1": "p2", "p2": "p1"}}})
    assert attempt.score == 0
    fixed = {**wrong_pairs, "pairs": [{"id": "p1", "left": "Chữ ký số", "right": "Xác thực văn bản"},
                                      {"id": "p2", "left": "Sao lưu", "right": "Phục hồi dữ liệu"}]}
    question_update(actor=SYSTEM, question=question, text="<p>Câu hỏi?</p>", data=fixed)
    assert attempts_regrade(actor=SYSTEM, quiz=quiz, question=question) == 1
    attempt.refresh_from_db()
    assert attempt.score == 1
    assert AttemptQuestion.objects.get(attempt=attempt).chosen is None  # the item analysis counts choice types only


def test_matching_pairs_sharing_a_right_hand_text_offer_it_once_and_accept_it_for_both(commune_a):
    data = {"pairs": [{"id": "p1", "left": "Sở Tư pháp", "right": "Cấp tỉnh"},
                      {"id": "p2", "left": "Sở Y tế", "right": "Cấp tỉnh"},
                      {"id": "p3", "left": "UBND xã", "right": "Cấp xã"}]}
    question = make_question(make_category(), qtype=QuestionType.MATCHING, data=data, name="Ghép")
    quiz = make_quiz(questions=[question])
    attempt = sit(quiz, make_learner(commune_a, "Lê Văn Tám"), {question: {"pairs": {"p1": "p2", "p2": "p1",
                                                                                      "p3": "p3"}}})
    assert attempt.score == 1  # "Cấp tỉnh" is right for both
    (paper,) = attempt_paper(attempt)
    assert sorted(item["text"] for item in paper.rights) == ["Cấp tỉnh", "Cấp xã"]  # offered once


def test_the_item_analysis_counts_the_options_behind_the_aliases(commune_a):
    question = make_question(make_category(), data=_options(b=1), name="Một lựa chọn")
    quiz = make_quiz(questions=[question], attempts_allowed=0, shuffle_options=True)
    people = [make_learner(commune_a, f"Lê Văn {name}") for name in ("An", "Bình", "Chi", "Dũng")]
    for person, choice in zip(people, "bbcb", strict=True):
        sit(quiz, person, {question: {"choice": choice}})
    stored = {json.dumps(a.response) for a in Answer.objects.all()}
    assert len(stored) == 4  # four attempts, four different answers on the wire…
    (item,) = quiz_statistics(quiz=quiz).items
    assert {o.id: (o.count, o.correct) for o in item.options} == {  # …three people chose the same option
        "a": (0, False), "b": (3, True), "c": (1, False), "d": (0, False)}
    assert sorted(AttemptQuestion.objects.values_list("chosen", flat=True), key=str) == [["b"], ["b"], ["b"], ["c"]]


# --- the data migration ------------------------------------------------------------------------------------------


def _migrate(target: list[tuple[str, str]] | None = None) -> None:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate(target or executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_old_answers_to_the_attempts_aliases(commune_a):
    from django.utils.crypto import salted_hmac

    category = make_category()
    single = make_question(category, name="Một", text="<p>Một?</p>", data=_options(b=1))
    multiple = make_question(category, qtype=QuestionType.MULTIPLE, name="Nhiều", text="<p>Nhiều?</p>",
                             data=_options(a="0.5", b="0.5"))
    matching = make_question(category, qtype=QuestionType.MATCHING, name="Ghép", text="<p>Ghép?</p>", data=MATCHING)
    truefalse = make_question(category, qtype=QuestionType.TRUE_FALSE, name="Đúng sai", text="<p>Đúng?</p>",
                              data={"correct": True})
    quiz = make_quiz(questions=[single, multiple, matching, truefalse], shuffle_questions=False)
    graded = attempt_submit(attempt=attempt_start(learner=make_learner(commune_a, "Lê Văn An"), quiz=quiz))
    running = attempt_start(learner=make_learner(commune_a, "Lê Văn Bình"), quiz=quiz)

    def old_alias(attempt, right_id):  # how matching answers were stored before
        return "r" + salted_hmac("hocso.matching", f"{attempt.pk}:{right_id}").hexdigest()[:12]

    old = {  # (attempt, slot): the answer as the old code stored it, and what it means in bank ids
        (graded, 1): ({"choice": "b"}, {"choice": "b"}),
        (graded, 2): ({"choices": ["a", "c"]}, {"choices": ["a", "c"]}),
        (graded, 3): ({"pairs": {"p1": old_alias(graded, "p1"), "p2": old_alias(graded, "d1"), "p3": "rjunk"}},
                      {"pairs": {"p1": "p1", "p2": "d1"}}),
        (graded, 4): ({"value": True}, {"value": True}),
        (running, 1): ({"choice": "a"}, {"choice": "a"}),
    }
    try:
        _migrate([("assessment", "0002_question_import")])
        for (attempt, slot), (stored, _meaning) in old.items():
            Answer.objects.update_or_create(attempt_id=attempt.pk, slot=slot,
                                            defaults={"response": stored, "seq": 1, "saved_at": attempt.started_at})
        _migrate()

        graded.refresh_from_db()
        running.refresh_from_db()
        assert len({graded.option_key, running.option_key}) == 2
        assert all(re.fullmatch(r"[0-9a-f]{32}", a.option_key) for a in (graded, running))
        papers = {(aq.attempt_id, aq.slot): aq for aq in AttemptQuestion.objects.select_related("version__question")}
        for (attempt, slot), (stored, meaning) in old.items():
            aq = papers[(attempt.pk, slot)]
            answer = Answer.objects.get(attempt=attempt, slot=slot).response
            assert attempt.option_ids.decode(slot, aq.version.question.qtype, aq.version.data, answer) == meaning
            if aq.version.question.qtype != QuestionType.TRUE_FALSE:
                assert answer != stored  # no bank id and no SECRET_KEY alias is left in a stored answer
        assert [papers[(graded.pk, slot)].chosen for slot in (1, 2, 3, 4)] == [["b"], ["a", "c"], None, ["true"]]
        assert papers[(running.pk, 1)].chosen is None  # counted once it is graded
        # Grading reads the converted answers: "b" right, "a" and "c" half right, one pair of three, true.
        assert attempt_submit(attempt=running).score == 0
        from hocso.assessment.exam.services import grade_attempt

        assert grade_attempt(attempt=Attempt.objects.select_related("quiz").get(pk=graded.pk)).score == Decimal("2.833")

        _migrate([("assessment", "0003_option_aliases")])  # and back: the old form again
        back = {(a.attempt_id, a.slot): a.response for a in Answer.objects.all()}
        for (attempt, slot), (stored, _meaning) in old.items():
            expected = stored if slot != 3 else {"pairs": {k: v for k, v in stored["pairs"].items() if k != "p3"}}
            assert back[(attempt.pk, slot)] == expected
    finally:
        _migrate()


def test_an_alias_is_the_documented_mac_so_open_attempts_keep_theirs_across_releases():
    # Answers are stored as sent, in aliases: if the construction changed, attempts open during an upgrade would
    # lose what they saved. The alias is URL-safe base64 of a 9-byte BLAKE2s MAC keyed by the attempt's secret.
    key = "0f" * 16
    ids = OptionIds(key)
    for slot, identity in [(1, "a"), (30, "p1"), (7, "đáp án có dấu"), (12, "x" * 300)]:
        mac = hashlib.blake2s(f"{slot}:{identity}".encode(), key=bytes.fromhex(key), digest_size=9,
                              person=b"hocso-op").digest()
        assert ids.alias(slot, identity) == base64.urlsafe_b64encode(mac).decode()
    assert len({ids.alias(slot, "a") for slot in range(1, 200)}) == 199
