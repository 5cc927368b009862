import json
from decimal import Decimal

import pytest

from hocso.assessment.quizzes.services import quiz_create, slot_add_fixed, slot_add_random
from hocso.assessment.tests.factories import make_quiz, sit
from hocso.identity.services import api_key_issue
from hocso.tests.factories import SYSTEM, make_learner

API = "/api/v1/quizzes"


@pytest.fixture
def sat(bank, school_a, commune_b):
    category, questions = bank
    quiz = quiz_create(actor=SYSTEM, title="Kiểm tra định kỳ", pass_percent=Decimal(50))
    slot_add_fixed(actor=SYSTEM, quiz=quiz, question=questions[0])
    slot_add_random(actor=SYSTEM, quiz=quiz, category=category, count=1)
    quiz.is_published = True
    quiz.save()
    people = [make_learner(school_a, "Nguyễn Văn An"), make_learner(commune_b, "Trần Văn Bình")]
    sit(quiz, people[0], {q: {"choice": "a"} for q in questions})
    sit(quiz, people[1], {q: {"choice": "b"} for q in questions})
    return quiz, people


def test_learners_and_api_keys_get_nothing(client, sat, learner_user, province_admin):
    quiz, _people = sat
    client.force_login(learner_user)
    assert client.get(API).status_code == 403
    for path in ("", "/blueprint", "/results", "/statistics"):
        response = client.get(f"{API}/{quiz.pk}{path}")
        assert response.status_code == 404, path
        assert response.json()["error"]["code"] == "not_found"
    client.logout()
    _key, raw = api_key_issue(actor=province_admin, name="IOC")
    assert client.get(API, HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 403
    assert client.get(f"{API}/{quiz.pk}/results", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 404


def test_list_and_detail_for_an_author(client, sat, instructor, province_admin):
    quiz, _people = sat
    mine = quiz_create(actor=instructor, title="Bài của giảng viên")
    client.force_login(instructor)
    data = client.get(API).json()
    assert [item["title"] for item in data["items"]] == ["Bài của giảng viên"]
    assert client.get(f"{API}/{quiz.pk}").status_code == 404
    client.force_login(province_admin)
    data = client.get(API + "?q=kiem tra").json()
    assert data["count"] == 1 and data["items"][0]["attempt_count"] == 2 and data["items"][0]["slot_count"] == 2
    detail = client.get(f"{API}/{quiz.pk}").json()
    assert detail["pass_percent"] in ("50", "50.00", 50) and detail["can_edit"] is True
    assert client.get(f"{API}/{mine.pk}").json()["audience_unit"] is None


def test_blueprint_counts_the_bank_and_never_shows_a_key(client, sat, province_admin):
    quiz, _people = sat
    client.force_login(province_admin)
    data = client.get(f"{API}/{quiz.pk}/blueprint").json()
    assert data["question_count"] == 2 and data["problems"] == []
    fixed, random = data["slots"]
    assert fixed["kind"] == "fixed" and fixed["available"] is None
    assert random["kind"] == "random" and random["available"] == 10 and random["count"] == 1
    text = json.dumps(data)
    assert "fraction" not in text and "options" not in text


def test_results_are_paginated_filtered_and_scoped(client, sat, province_admin, focal_a, commune_b, school_a):
    quiz, _people = sat
    client.force_login(province_admin)
    data = client.get(f"{API}/{quiz.pk}/results?page_size=1").json()
    assert (data["count"], data["pages"], len(data["items"])) == (2, 2, 1)
    assert data["items"][0]["full_name"] == "Nguyễn Văn An" and data["items"][0]["grade"] == 100
    assert "*" in data["items"][0]["cccd_masked"] and data["items"][0]["unit_name"] == school_a.name
    failed = client.get(f"{API}/{quiz.pk}/results?passed=false").json()
    assert [item["full_name"] for item in failed["items"]] == ["Trần Văn Bình"]
    client.force_login(focal_a)
    data = client.get(f"{API}/{quiz.pk}/results").json()
    assert [item["full_name"] for item in data["items"]] == ["Nguyễn Văn An"]
    outside = client.get(f"{API}/{quiz.pk}/results?unit={commune_b.pk}")
    assert outside.status_code == 404
    assert client.get(f"{API}/{quiz.pk}/statistics").status_code == 404  # focal points: results only
    assert client.get(f"{API}/{quiz.pk}/blueprint").status_code == 404
    detail = client.get(f"{API}/{quiz.pk}")
    assert detail.status_code == 200 and detail.json()["can_edit"] is False


def test_statistics_endpoint(client, sat, province_admin):
    quiz, _people = sat
    client.force_login(province_admin)
    data = client.get(f"{API}/{quiz.pk}/statistics").json()
    assert data["attempts"] == 2 and data["flag_rule"]
    fixed_item = next(item for item in data["items"] if item["n"] == 2)
    assert fixed_item["facility"] == 0.5
    assert {o["id"]: o["count"] for o in fixed_item["options"]} == {"a": 1, "b": 1, "c": 0}


def test_openapi_lists_the_author_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("/api/v1/quizzes", "/api/v1/quizzes/{quiz_id}/blueprint", "/api/v1/quizzes/{quiz_id}/results",
                 "/api/v1/quizzes/{quiz_id}/statistics"):
        assert path in paths


def test_unknown_quiz_is_404_in_the_error_shape(client, province_admin, bank):
    make_quiz(questions=bank[1][:1])
    client.force_login(province_admin)
    response = client.get(f"{API}/999999/results")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
