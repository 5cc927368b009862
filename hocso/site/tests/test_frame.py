"""The frame built in Python (hocso.site.frame) and the page's CSRF token (hocso.site.context_processors)."""

from __future__ import annotations

import re

from django.middleware.csrf import _check_token_format, _unmask_cipher_token
from django.test import Client

from hocso.assessment.tests.factories import make_quiz
from hocso.site.context_processors import csrf_token


class _Request:
    def __init__(self, meta: dict) -> None:
        self.META = meta


def test_csrf_token_is_one_django_accepts_for_the_secret():
    request = _Request({})
    token = csrf_token(request)
    _check_token_format(token)
    assert _unmask_cipher_token(token) == request.META["CSRF_COOKIE"]
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True
    request = _Request({"CSRF_COOKIE": "a" * 32})
    tokens = {csrf_token(request) for _ in range(20)}
    assert len(tokens) == 20  # a new mask every time
    assert all(_unmask_cipher_token(token) == "a" * 32 for token in tokens)


def test_a_page_s_token_passes_the_csrf_check(learner_user):
    quiz = make_quiz(title="Kiểm tra CSRF")
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner_user)
    page = client.get(f"/kiem-tra/{quiz.pk}/").content.decode()
    tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page))
    assert len(tokens) == 1  # one token per page, in every form
    assert f'"X-CSRFToken": "{next(iter(tokens))}"' in page
    assert client.post(f"/kiem-tra/{quiz.pk}/bat-dau/").status_code == 403
    response = client.post(f"/kiem-tra/{quiz.pk}/bat-dau/", {"csrfmiddlewaretoken": tokens.pop()})
    assert response.status_code == 302  # past the CSRF check: the start itself refuses (the quiz has no questions)
    assert response["Location"] == f"/kiem-tra/{quiz.pk}/"


def test_the_current_page_is_marked_in_a_learner_s_menu(client, learner_user):
    client.force_login(learner_user)
    page = client.get("/kiem-tra/").content.decode()
    assert '<a href="/kiem-tra/" aria-current="page">' in page
    assert '<a href="/dao-tao/">' in page
    page = client.get("/dao-tao/").content.decode()
    assert '<a href="/kiem-tra/">' in page and '<a href="/dao-tao/" aria-current="page">' in page
