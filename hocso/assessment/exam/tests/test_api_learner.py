"""/api/v1/me/…: the learner's API, through real HTTP with a session and CSRF like the web page would."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone, translation

from hocso.assessment.exam.errors import ExamError
from hocso.assessment.models import Answer, Attempt, AttemptState, QuestionType, ReviewWhen
from hocso.assessment.tests.exam_helpers import RIGHT, as_sent, leaks, make_mixed_quiz
from hocso.assessment.tests.factories import pick
from hocso.identity.services import api_key_issue
from hocso.tests.factories import make_user

API = "/api/v1/me"


class LearnerApi:
    """A signed-in browser session calling the API, sending the CSRF token as the page's script would."""

    def __init__(self, user, language: str = "en"):
        self.client = Client(enforce_csrf_checks=True)
        self.client.force_login(user)
        self.client.cookies["hocso_language"] = language
        self.client.get("/kiem-tra/")  # any page with a form sets the CSRF cookie
        self.csrf = self.client.cookies["csrftoken"].value
        self.seen: list[str] = []  # every answer body, to scan for the key

    def _keep(self, response):
        self.seen.append(response.content.decode())
        return response

    def get(self, path: str, **params):
        return self._keep(self.client.get(API + path, params))

    def post(self, path: str, body: dict | None = None):
        return self._keep(self.client.post(API + path, json.dumps(body or {}), content_type="application/json",
                                           HTTP_X_CSRFTOKEN=self.csrf))

    def put(self, path: str, body: dict):
        return self._keep(self.client.put(API + path, json.dumps(body), content_type="application/json",
                                          HTTP_X_CSRFTOKEN=self.csrf))


@pytest.fixture
def api(learner_user):
    return LearnerApi(learner_user)


@pytest.fixture
def other_api(learner_in_b):
    user = make_user(username="hocvien_b")
    learner_in_b.user = user
    learner_in_b.save(update_fields=["user"])
    return LearnerApi(user)


def test_my_quizzes(api, commune_b):
    quiz, _questions = make_mixed_quiz(title="Quý IV", attempts_allowed=2)
    make_mixed_quiz(title="Cho xã khác", audience_unit=commune_b)
    response = api.get("/quizzes")
    assert response.status_code == 200
    body = response.json()
    assert [item["title"] for item in body["items"]] == ["Quý IV"]
    item = body["items"][0]
    assert (item["status"], item["attempts_allowed"], item["attempts_used"], item["can_start"]) == ("open", 2, 0, True)
    assert api.get("/quizzes", status="closed").json()["count"] == 0
    detail = api.get(f"/quizzes/{quiz.pk}").json()
    assert detail["id"] == quiz.pk and detail["attempts"] == []


def test_full_attempt_never_shows_the_key_before_the_policy_allows(api, learner_in_a):
    quiz, _questions = make_mixed_quiz(shuffle_options=True, time_limit_minutes=45)
    started = api.post(f"/quizzes/{quiz.pk}/attempts")
    assert started.status_code == 200, started.content
    attempt_id = started.json()["id"]
    assert api.post(f"/quizzes/{quiz.pk}/attempts").json()["id"] == attempt_id  # a second device resumes it

    paper = api.get(f"/attempts/{attempt_id}/paper").json()
    attempt = Attempt.objects.get(pk=attempt_id)
    assert paper["token"] == attempt.token and paper["attempt"]["deadline"]
    assert [q["slot"] for q in paper["questions"]] == [1, 2, 3, 4, 5, 6]
    single = next(q for q in paper["questions"] if q["qtype"] == "single")
    frozen = attempt.questions.get(slot=single["slot"]).option_order
    # In the frozen order, under the attempt's aliases (never the bank's ids).
    assert [o["id"] for o in single["options"]] == [attempt.option_ids.alias(single["slot"], oid) for oid in frozen]
    assert not {o["id"] for o in single["options"]} & set(frozen)

    for question in paper["questions"]:
        sent = as_sent(attempt, question["slot"], question["qtype"], RIGHT[question["qtype"]])
        saved = api.put(f"/attempts/{attempt_id}/answers/{question['slot']}", {"seq": 1, "response": sent})
        assert saved.status_code == 200 and saved.json()["seq"] == 1
    assert api.get(f"/attempts/{attempt_id}/review").status_code == 403  # not before submitting
    resumed = api.get(f"/attempts/{attempt_id}/paper").json()
    assert all(q["response"] == as_sent(attempt, q["slot"], q["qtype"], RIGHT[q["qtype"]]) and q["seq"] == 1
               for q in resumed["questions"])
    matching = next(q for q in paper["questions"] if q["qtype"] == "matching")
    # The right-hand items never carry the pairs' own ids, which would give the answer away.
    assert {r["id"] for r in matching["rights"]}.isdisjoint({left["id"] for left in matching["lefts"]} | {"d1"})

    result = api.post(f"/attempts/{attempt_id}/submit")
    assert result.status_code == 200
    assert result.json()["attempt"]["state"] == AttemptState.NEEDS_GRADING  # the essay
    assert result.json()["attempt"]["score"] == 5.0 and result.json()["review_available"] is True
    # Until now nothing the learner received carried the key.
    assert [leaks(body) for body in api.seen if leaks(body)] == []

    review = api.get(f"/attempts/{attempt_id}/review").json()
    assert review["shows_answers"] is True
    short = next(q for q in review["questions"] if q["qtype"] == "shortanswer")
    assert short["correct_text"] == "DAP-AN-NGAN-BI-MAT" and short["feedback"] == ["PH-NGAN-BI-MAT"]
    assert "HUONG-DAN-CHAM-BI-MAT" not in json.dumps(review) and "fraction" not in json.dumps(review)


def test_review_refused_by_policy_leaks_nothing(api):
    quiz, _questions = make_mixed_quiz(review_when=ReviewWhen.NEVER)
    attempt_id = api.post(f"/quizzes/{quiz.pk}/attempts").json()["id"]
    submitted = api.client.generic("POST", f"{API}/attempts/{attempt_id}/submit", b"",  # no body at all
                                   HTTP_X_CSRFTOKEN=api.csrf)
    assert submitted.status_code == 200 and submitted.json()["review_available"] is False
    refused = api.get(f"/attempts/{attempt_id}/review")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "review_not_available"
    result = api.get(f"/attempts/{attempt_id}/result").json()
    assert result["review_available"] is False and result["review_message"]
    assert api.get(f"/attempts/{attempt_id}/paper").status_code == 409  # no paper after submitting either
    assert [leaks(body) for body in api.seen if leaks(body)] == []


def test_save_keeps_the_newest_and_submit_brings_pending_answers(api):
    quiz, _questions = make_mixed_quiz(types=[QuestionType.SINGLE, QuestionType.TRUE_FALSE])
    attempt_id = api.post(f"/quizzes/{quiz.pk}/attempts").json()["id"]
    attempt = Attempt.objects.get(pk=attempt_id)
    api.put(f"/attempts/{attempt_id}/answers/1", {"seq": 4, "response": pick(attempt, 1, "a")})
    older = api.put(f"/attempts/{attempt_id}/answers/1", {"seq": 2, "response": pick(attempt, 1, "b")})
    assert older.status_code == 200 and older.json()["seq"] == 4
    submitted = api.post(f"/attempts/{attempt_id}/submit", {"pending": [
        {"slot": 1, "seq": 3, "response": pick(attempt, 1, "c")},
        {"slot": 2, "seq": 1, "response": {"value": True}},
    ]})
    assert submitted.json()["attempt"]["score"] == 2.0
    assert {a.slot: a.response for a in Answer.objects.filter(attempt_id=attempt_id)} == {
        1: pick(attempt, 1, "a"), 2: {"value": True}}
    again = api.post(f"/attempts/{attempt_id}/submit")  # double submit
    assert again.status_code == 200 and again.json()["attempt"]["submitted_at"] == submitted.json()["attempt"][
        "submitted_at"]
    late = api.put(f"/attempts/{attempt_id}/answers/1", {"seq": 9, "response": {"choice": "b"}})
    assert late.status_code == 409 and late.json()["error"]["code"] == "submitted"


def test_save_after_the_deadline_is_refused_in_vietnamese(learner_user):
    api = LearnerApi(learner_user, language="vi")
    quiz, _questions = make_mixed_quiz(types=[QuestionType.SINGLE], time_limit_minutes=5)
    attempt_id = api.post(f"/quizzes/{quiz.pk}/attempts").json()["id"]
    Attempt.objects.filter(pk=attempt_id).update(deadline=timezone.now() - dt.timedelta(minutes=1))
    refused = api.put(f"/attempts/{attempt_id}/answers/1", {"seq": 1, "response": {"choice": "a"}})
    assert refused.status_code == 409
    with translation.override("vi"):
        assert refused.json()["error"] == {"code": "expired", "message": str(ExamError.MESSAGES["expired"]),
                                           "details": None}
    # Looking at it again submits it (the learner may have closed the page long ago).
    assert api.get(f"/attempts/{attempt_id}").json()["state"] == AttemptState.GRADED


def test_start_refusals(api):
    quiz, _questions = make_mixed_quiz(types=[QuestionType.SINGLE], open_at=timezone.now() + dt.timedelta(days=1))
    refused = api.post(f"/quizzes/{quiz.pk}/attempts")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "not_open"
    assert api.post("/quizzes/999999/attempts").status_code == 404


def test_csrf_is_required_for_writes(learner_user):
    quiz, _questions = make_mixed_quiz(types=[QuestionType.SINGLE])
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner_user)
    refused = client.post(f"{API}/quizzes/{quiz.pk}/attempts")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "csrf_failed"
    assert not Attempt.objects.exists()


def test_someone_elses_attempt_is_not_found(api, other_api):
    quiz, _questions = make_mixed_quiz(types=[QuestionType.SINGLE])
    attempt_id = api.post(f"/quizzes/{quiz.pk}/attempts").json()["id"]
    for path in ("", "/paper", "/result", "/review"):
        assert other_api.get(f"/attempts/{attempt_id}{path}").status_code == 404, path
    assert other_api.put(f"/attempts/{attempt_id}/answers/1", {"seq": 1, "response": {}}).status_code == 404
    assert other_api.post(f"/attempts/{attempt_id}/submit").status_code == 404
    assert Attempt.objects.get(pk=attempt_id).state == AttemptState.IN_PROGRESS
    assert not Answer.objects.exists()


def test_only_signed_in_learners(client, province_admin, commune_a):
    _key, raw = api_key_issue(actor=province_admin, name="IOC", unit=None)
    assert client.get(f"{API}/quizzes", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    assert client.get(f"{API}/quizzes").status_code == 401
    client.force_login(province_admin)  # an administrator without a staff profile
    refused = client.get(f"{API}/quizzes")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "not_a_learner"


def test_documented_in_openapi(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/me/quizzes" in paths and "/api/v1/me/attempts/{attempt_id}/answers/{slot}" in paths
