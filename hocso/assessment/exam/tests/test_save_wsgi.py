"""The answer save through the production WSGI application (hocso.wsgi.application): it takes the lean handler
(security headers and language only) and still saves, refuses and explains exactly as through the full stack;
other paths keep the full middleware."""

from __future__ import annotations

import io
import json
import sys

import pytest
from django.core import signals
from django.db import close_old_connections
from django.urls import resolve

from hocso.assessment.exam.services import attempt_start
from hocso.assessment.models import Answer
from hocso.assessment.tests.exam_helpers import make_mixed_quiz
from hocso.core.wsgi_paths import LEAN_MIDDLEWARE, PathDispatcher

pytestmark = pytest.mark.django_db

SAVE_PATH = "/kiem-tra/luu-cau-tra-loi/"


@pytest.fixture
def application():
    import hocso.wsgi

    # As Django's test client does: a request must not close the test's connection (it holds the transaction).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield hocso.wsgi.application
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def call(app, method: str, path: str, body: bytes = b"", query: str = "",
         **headers: str) -> tuple[int, dict[str, list[str]], bytes]:
    environ = {
        "REQUEST_METHOD": method, "PATH_INFO": path, "SCRIPT_NAME": "", "QUERY_STRING": query,
        "SERVER_NAME": "testserver", "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1",
        "wsgi.version": (1, 0), "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(body), "wsgi.errors": sys.stderr,
        "wsgi.multithread": False, "wsgi.multiprocess": True, "wsgi.run_once": False,
        "CONTENT_LENGTH": str(len(body)), "CONTENT_TYPE": "application/json",
    }
    environ.update({"HTTP_" + name.upper(): value for name, value in headers.items()})
    seen: dict = {}

    def start_response(status, response_headers, exc_info=None):
        seen["status"] = int(status.split()[0])
        seen["headers"] = {}
        for name, value in response_headers:
            seen["headers"].setdefault(name.lower(), []).append(value)

    content = b"".join(app(environ, start_response))
    return seen["status"], seen["headers"], content


def test_the_save_takes_the_lean_handler_and_keeps_the_security_headers(application, learner_in_a):
    assert isinstance(application, PathDispatcher) and SAVE_PATH in application.lean_paths
    assert "django.contrib.sessions.middleware.SessionMiddleware" not in LEAN_MIDDLEWARE
    # Resolved once at start-up, to the same view the URL patterns name.
    assert application.lean.matches[SAVE_PATH].func is resolve(SAVE_PATH).func
    assert application.lean.matches[SAVE_PATH].url_name == "save_answer"
    quiz, _questions = make_mixed_quiz()
    attempt = attempt_start(learner=learner_in_a, quiz=quiz)
    body = json.dumps({"slot": 1, "seq": 3, "response": {"choice": "b"}}).encode()

    status, headers, content = call(application, "POST", SAVE_PATH, body, x_attempt_token=attempt.token,
                                    cookie="sessionid=whatever; csrftoken=abc")
    assert status == 200, content
    assert json.loads(content)["seq"] == 3
    assert Answer.objects.get(attempt=attempt, slot=1).response == {"choice": "b"}
    assert headers["x-content-type-options"] == ["nosniff"]
    assert "frame-ancestors 'none'" in headers["content-security-policy"][0]
    assert headers["x-frame-options"] == ["DENY"]
    assert "set-cookie" not in headers  # no session, no CSRF cookie: nothing to set

    # An older save changes nothing; a wrong token is refused, in the learner's language (the cookie).
    old = json.dumps({"slot": 1, "seq": 2, "response": {"choice": "c"}}).encode()
    assert call(application, "POST", SAVE_PATH, old, x_attempt_token=attempt.token)[0] == 200
    assert Answer.objects.get(attempt=attempt, slot=1).response == {"choice": "b"}
    status, _headers, content = call(application, "POST", SAVE_PATH, body, x_attempt_token="not-a-token",
                                     cookie="hocso_language=en")
    assert status == 404 and json.loads(content)["error"]["code"] == "not_found"
    english = json.loads(content)["error"]["message"]
    status, _headers, content = call(application, "POST", SAVE_PATH, body, x_attempt_token="not-a-token")
    assert json.loads(content)["error"]["message"] != english  # Vietnamese by default
    assert call(application, "GET", SAVE_PATH)[0] == 405
    # The Host header is still checked against ALLOWED_HOSTS.
    assert call(application, "POST", SAVE_PATH, body, x_attempt_token=attempt.token, host="evil.example")[0] == 400


def test_other_paths_keep_the_full_middleware(application):
    status, headers, content = call(application, "GET", "/dang-nhap/")
    assert status == 200
    assert any("csrftoken=" in cookie for cookie in headers.get("set-cookie", []))  # CSRF middleware ran
    assert b'name="csrfmiddlewaretoken"' in content


def test_the_lean_save_refuses_bad_input_like_the_full_stack(application, learner_in_a):
    """No session middleware, but the same refusals: a NUL anywhere in the request, numbers beyond the columns,
    text the database cannot store. 400 for what is refused before the view; 422 from the view, which the exam page
    treats as an answer that can never be saved (it stops retrying)."""
    quiz, _questions = make_mixed_quiz()
    attempt = attempt_start(learner=learner_in_a, quiz=quiz)
    good = json.dumps({"slot": 1, "seq": 1, "response": {"choice": "a"}}).encode()

    status, _headers, content = call(application, "POST", SAVE_PATH, good, query="x=%00",
                                     x_attempt_token=attempt.token)
    assert status == 400 and json.loads(content)["error"]["code"] == "bad_request"
    status, _headers, content = call(application, "POST", SAVE_PATH, good, x_attempt_token=attempt.token + "\x00")
    assert status == 400 and json.loads(content)["error"]["details"] == {"location": "header",
                                                                         "name": "X-Attempt-Token"}
    for body, code in [
        ({"slot": 40000, "seq": 1, "response": {}}, "invalid_slot"),
        ({"slot": 1, "seq": 3_000_000_000, "response": {}}, "invalid_response"),
        ({"slot": 1, "seq": 1, "response": {"text": "a\x00b"}}, "invalid_response"),
    ]:
        status, _headers, content = call(application, "POST", SAVE_PATH, json.dumps(body).encode(),
                                         x_attempt_token=attempt.token)
        assert (status, json.loads(content)["error"]["code"]) == (422, code)
    assert not Answer.objects.filter(attempt=attempt).exists()
    assert call(application, "POST", SAVE_PATH, good, x_attempt_token=attempt.token)[0] == 200
