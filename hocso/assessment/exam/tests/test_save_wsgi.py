"""The answer save through the production WSGI application (hocso.wsgi.application): a stored save is answered by
the bare application in front (one statement, the same headers), everything else by the lean handler (security
headers and language only), which saves, refuses and explains exactly as the full stack; other paths keep the full
middleware."""

from __future__ import annotations

import io
import json
import re
import sys

import pytest
from django.core import signals
from django.db import close_old_connections
from django.urls import resolve

from hocso.assessment.exam.services import attempt_start
from hocso.assessment.exam.views.save_wsgi import AnswerSaveApp
from hocso.assessment.models import Answer, Attempt, AttemptState
from hocso.assessment.tests.exam_helpers import make_mixed_quiz
from hocso.core.wsgi_paths import LEAN_MIDDLEWARE, LeanHandler, PathDispatcher

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


# --- the bare WSGI application in front of the lean handler -------------------------------------------------------

class CountingHandler:
    """The lean Django handler, counting the requests it answers."""

    def __init__(self, handler):
        self.handler, self.calls = handler, 0

    def __call__(self, environ, start_response):
        self.calls += 1
        return self.handler(environ, start_response)


@pytest.fixture
def front(application):
    """The save path's application with its Django handler counted."""
    app = application.apps[SAVE_PATH]
    assert isinstance(app, AnswerSaveApp) and app.django is application.lean
    counting = CountingHandler(app.django)
    app.django = counting
    try:
        yield app, counting
    finally:
        app.django = counting.handler


def test_a_stored_save_is_answered_without_django_in_one_statement(front, learner_in_a, django_assert_num_queries):
    app, django_handler = front
    attempt = attempt_start(learner=learner_in_a, quiz=make_mixed_quiz()[0])
    body = json.dumps({"slot": 2, "seq": 5, "response": {"choices": ["a", "c"]}}).encode()
    with django_assert_num_queries(1):
        status, _headers, content = call(app, "POST", SAVE_PATH, body, x_attempt_token=attempt.token)
    assert status == 200 and django_handler.calls == 0
    reply = json.loads(content)
    assert (reply["ok"], reply["slot"], reply["seq"]) == (True, 2, 5) and reply["saved_at"]
    assert Answer.objects.get(attempt=attempt, slot=2).response == {"choices": ["a", "c"]}
    # A repeated (older) save is answered here too, with the newer answer's sequence number.
    old = json.dumps({"slot": 2, "seq": 4, "response": {"choices": ["b"]}}).encode()
    assert json.loads(call(app, "POST", SAVE_PATH, old, x_attempt_token=attempt.token)[2])["seq"] == 5
    assert django_handler.calls == 0
    assert Answer.objects.get(attempt=attempt, slot=2).response == {"choices": ["a", "c"]}


def test_everything_else_goes_to_django_with_the_body_intact(front, learner_in_a, settings):
    """A refusal, a query string, a body Django must judge, a NUL in a header, a host Django refuses, plain HTTP
    where HTTPS is required: Django answers each, as before, reading the same body."""
    app, django_handler = front
    attempt = attempt_start(learner=learner_in_a, quiz=make_mixed_quiz()[0])
    body = json.dumps({"slot": 1, "seq": 1, "response": {"choice": "a"}}).encode()
    cases = [
        # (request, expected status, expected error code or None)
        ({"x_attempt_token": "not-a-token"}, 404, "not_found"),  # refused: the body was read again to say why
        ({"x_attempt_token": attempt.token, "query": "x=%00"}, 400, "bad_request"),
        ({"x_attempt_token": attempt.token, "user_agent": "a\x00b"}, 400, "bad_request"),
        ({"x_attempt_token": attempt.token, "host": "evil.example"}, 400, None),
        ({"x_attempt_token": attempt.token, "body": b'{"slot": 1}'}, 422, "invalid_response"),
        ({"x_attempt_token": attempt.token, "body": b"[1, 2]"}, 422, "invalid_response"),
    ]
    for number, (request, expected_status, code) in enumerate(cases, start=1):
        request = dict(request)
        status, _headers, content = call(app, "POST", SAVE_PATH, request.pop("body", body),
                                         query=request.pop("query", ""), **request)
        assert status == expected_status, (request, content)
        if code:
            assert json.loads(content)["error"]["code"] == code
        assert django_handler.calls == number
    assert not Answer.objects.filter(attempt=attempt).exists()
    # Saved through Django when a query string rides along: the same save, the same answer.
    status, _headers, content = call(app, "POST", SAVE_PATH, body, query="v=2", x_attempt_token=attempt.token)
    assert status == 200 and django_handler.calls == len(cases) + 1
    assert Answer.objects.get(attempt=attempt, slot=1).response == {"choice": "a"}

    # HTTPS required: plain HTTP is Django's to redirect; through the proxy's HTTPS it is saved here.
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    counting = CountingHandler(LeanHandler(LEAN_MIDDLEWARE, [SAVE_PATH]))  # built with these settings, as at start-up
    app = AnswerSaveApp(counting)
    newer = json.dumps({"slot": 1, "seq": 2, "response": {"choice": "b"}}).encode()
    assert call(app, "POST", SAVE_PATH, newer, x_attempt_token=attempt.token)[0] == 301
    assert counting.calls == 1
    assert call(app, "POST", SAVE_PATH, newer, x_attempt_token=attempt.token, x_forwarded_proto="https")[0] == 200
    assert counting.calls == 1
    assert Answer.objects.get(attempt=attempt, slot=1).response == {"choice": "b"}


@pytest.mark.parametrize("variant", ["plain", "english", "https"])
def test_the_reply_carries_the_headers_django_would_send(application, learner_in_a, settings, variant):
    """The same save answered by the front application and by the lean Django handler: the same headers (the CSP
    nonce aside, fresh for each reply)."""
    extra = {}
    if variant == "english":
        extra["cookie"] = "hocso_language=en; sessionid=x"
    if variant == "https":
        settings.SECURE_HSTS_SECONDS = 3600
        settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
        settings.SECURE_HSTS_PRELOAD = True
        settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
        extra["x_forwarded_proto"] = "https"
    lean = LeanHandler(LEAN_MIDDLEWARE, [SAVE_PATH])  # both built after the settings changed, as at start-up
    app = AnswerSaveApp(lean)
    attempt = attempt_start(learner=learner_in_a, quiz=make_mixed_quiz()[0])
    replies = []
    for slot, handler in ((1, app), (2, lean)):
        body = json.dumps({"slot": slot, "seq": 1, "response": {"choice": "a"}}).encode()
        status, headers, content = call(handler, "POST", SAVE_PATH, body, x_attempt_token=attempt.token, **extra)
        assert status == 200, content
        assert set(json.loads(content)) == {"ok", "slot", "seq", "saved_at"}
        headers.pop("content-length")
        csp = headers.pop("content-security-policy")[0]
        replies.append((headers, re.sub(r"'nonce-[^']+'", "'nonce-*'", csp)))
    assert replies[0] == replies[1]
    fast_headers = replies[0][0]
    assert fast_headers["content-language"] == ["en" if variant == "english" else "vi"]
    assert ("strict-transport-security" in fast_headers) == (variant == "https")


SUBMIT_PATH = "/kiem-tra/nop-bai/"


def test_the_scripts_submit_takes_the_lean_handler(application, learner_in_a, learner_in_b):
    """Submitted by the attempt's token through the lean handler: no session, no CSRF cookie; refused with the
    same JSON errors as a save; a second submit answers the same; the token submits its own attempt only."""
    assert SUBMIT_PATH in application.lean_paths and application.apps[SUBMIT_PATH] is application.lean
    quiz, _questions = make_mixed_quiz()
    attempt = attempt_start(learner=learner_in_a, quiz=quiz)
    other = attempt_start(learner=learner_in_b, quiz=quiz)
    save = json.dumps({"slot": 1, "seq": 1, "response": {"choice": "a"}}).encode()
    assert call(application, "POST", SAVE_PATH, save, x_attempt_token=attempt.token)[0] == 200

    for body, token, expected in [
        (b'{"pending": []}', "not-a-token", (404, "not_found")),
        (b'{"pending": []}', "", (404, "not_found")),
        (b"[]", attempt.token, (422, "invalid_response")),
        (b"not json", attempt.token, (422, "invalid_response")),
        (b'{"pending": []}', attempt.token + "\x00", (400, "bad_request")),
    ]:
        status, _headers, content = call(application, "POST", SUBMIT_PATH, body, x_attempt_token=token)
        assert (status, json.loads(content)["error"]["code"]) == expected, (body, token)
    assert call(application, "GET", SUBMIT_PATH, x_attempt_token=attempt.token)[0] == 405
    assert Attempt.objects.get(pk=attempt.pk).state == AttemptState.IN_PROGRESS

    body = json.dumps({"pending": [{"slot": 2, "seq": 1, "response": {"text": "x"}}], "auto": False}).encode()
    status, headers, content = call(application, "POST", SUBMIT_PATH, body, x_attempt_token=attempt.token)
    assert status == 200, content
    reply = json.loads(content)
    assert reply["ok"] is True and reply["result_url"] == f"/kiem-tra/bai-lam/{attempt.pk}/ket-qua/"
    assert "set-cookie" not in headers and headers["x-frame-options"] == ["DENY"]
    done = Attempt.objects.get(pk=attempt.pk)
    assert done.state != AttemptState.IN_PROGRESS and done.submitted_at is not None and not done.auto_submitted
    assert Attempt.objects.get(pk=other.pk).state == AttemptState.IN_PROGRESS  # someone else's, untouched

    # Again (a retry, another tab): the same answer, nothing graded twice; saves are refused from now on.
    status, _headers, content = call(application, "POST", SUBMIT_PATH, body, x_attempt_token=attempt.token)
    assert status == 200 and json.loads(content)["result_url"] == reply["result_url"]
    assert Attempt.objects.get(pk=attempt.pk).submitted_at == done.submitted_at
    status, _headers, content = call(application, "POST", SAVE_PATH, save.replace(b'"seq": 1', b'"seq": 2'),
                                     x_attempt_token=attempt.token)
    assert (status, json.loads(content)["error"]["code"]) == (409, "submitted")
