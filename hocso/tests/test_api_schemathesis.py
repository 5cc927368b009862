"""Schemathesis fuzzes the whole API against its own OpenAPI document, on a live server, three ways: anonymous, with an
API key, and as a learner signed in with a browser session (with its CSRF token).

Every built-in check is on (no server error, documented status codes, content types, headers and bodies that match
the schema, valid data accepted, invalid data refused, authentication not ignored, unsupported methods answered 405
with an Allow header, …), with a fixed seed and a bounded number of examples, so a run is reproducible and takes
about a minute per database. It runs in `sh scripts/test`, hence in CI on SQLite and again on PostgreSQL.

The fixture world has something behind every operation: units and learners, a published campaign, a quiz with an open
attempt of the learner, a course with a class, an enrolment and a certificate, so that fuzzed requests reach the
views and the database rather than stopping at a 404.
"""

from __future__ import annotations

import datetime as dt

import pytest
import schemathesis
import schemathesis.engine
from django.core.servers.basehttp import WSGIRequestHandler
from django.db import connections
from django.test import Client
from django.utils import timezone
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import Status, events

from hocso.assessment.exam.services import attempt_start
from hocso.assessment.tests.exam_helpers import make_mixed_quiz
from hocso.campaigns.services import AudienceLine, campaign_create, campaign_publish
from hocso.core.actors import SYSTEM
from hocso.identity.services import api_key_issue
from hocso.tests.browser import serialise_live_server_requests
from hocso.tests.factories import make_learner, make_unit
from hocso.training.certificates.services import certificate_issue
from hocso.training.classes.services import class_create
from hocso.training.models import EnrolmentStatus
from hocso.training.tests.factories import enrol, make_course

pytestmark = pytest.mark.django_db(transaction=True)

SEED = 20261207
# Examples per operation in the fuzzing phase; with the coverage phase's boundary cases and the stateful phase this
# is about 1,700 requests per way of calling (1-1.5 min on SQLite or PostgreSQL for the three).
MAX_EXAMPLES = 10

CONFIG = {
    "seed": SEED,
    "generation": {
        "max-examples": MAX_EXAMPLES,
        "deterministic": True,
        # A NUL anywhere in a request is refused with 400 before any view runs (hocso.core.middleware), which every
        # operation documents; hocso/tests/test_bad_input.py proves it for each entry point. Generating NULs here
        # would only make "valid" strings fail the positive-data check.
        "allow-x00": False,
    },
    "checks": {"enabled": True},
    "phases": {
        "examples": {"enabled": True},
        # Every operation is also called with two methods it does not take (405 with an Allow header).
        "coverage": {"enabled": True, "unexpected-methods": ["DELETE", "PATCH"]},
        "fuzzing": {"enabled": True},
        "stateful": {"enabled": True},
    },
}


@pytest.fixture
def world(province, commune_a, commune_b, school_a, learner_in_a, learner_user):
    """Something behind every operation (see the module's docstring)."""
    make_learner(commune_b, "Dương Văn Bình")
    make_unit("Phòng Văn hoá - Xã hội", commune_a)
    quiz, _questions = make_mixed_quiz(title="Kiểm tra Quý IV/2026")
    attempt = attempt_start(learner=learner_in_a, quiz=quiz)
    today = timezone.localdate()
    campaign = campaign_create(actor=SYSTEM, title="Quý IV/2026", quiz=quiz, opens_on=today - dt.timedelta(days=30),
                               closes_on=today + dt.timedelta(days=30), lines=[AudienceLine(unit=province)])
    campaign_publish(actor=SYSTEM, campaign=campaign)
    course = make_course()
    klass = class_create(actor=SYSTEM, course=course, name="Lớp 1")
    enrolment = enrol(learner_in_a, course, klass=klass, status=EnrolmentStatus.ACTIVE)
    certificate = certificate_issue(actor=SYSTEM, enrolment=enrolment)
    return {"attempt": attempt, "quiz": quiz, "campaign": campaign, "course": course, "class": klass,
            "certificate": certificate}


@pytest.fixture
def api_server(world, live_server, monkeypatch):
    serialise_live_server_requests(monkeypatch)
    # The live server writes a response's status line, headers and body separately: with Nagle's algorithm on,
    # each exchange waits ~40 ms for the client's delayed ACK (a tenfold slower run).
    monkeypatch.setattr(WSGIRequestHandler, "disable_nagle_algorithm", True)
    yield live_server
    connections.close_all()  # the server's threads' connections, or PostgreSQL cannot drop the test database


def _schema(live_server, headers: dict[str, str], **generation) -> schemathesis.schemas.BaseSchema:
    # Schemathesis opens connections as it goes: closing each after its request ends the server's thread (and its
    # database connection) at once, instead of leaving it waiting for a next request that never comes.
    headers = {**headers, "Connection": "close"}
    config = SchemathesisConfig.from_dict({**CONFIG, "base-url": live_server.url, "headers": headers,
                                           "generation": {**CONFIG["generation"], **generation}})
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/openapi.json", config=config)
    return schema


@pytest.fixture
def anonymous_schema(api_server):
    return _schema(api_server, {})


@pytest.fixture
def api_key_schema(api_server):
    _key, raw = api_key_issue(actor=SYSTEM, name="Cổng IOC", unit=None)
    return _schema(api_server, {"Authorization": f"Bearer {raw}"})


@pytest.fixture
def learner_schema(api_server, learner_user):
    browser = Client()
    browser.force_login(learner_user)
    browser.get("/kiem-tra/")  # a page with a form: sets the CSRF cookie
    session, csrf = browser.cookies["sessionid"].value, browser.cookies["csrftoken"].value
    # The session authenticates every request. Schemathesis would otherwise also generate an Authorization or
    # X-API-Key header of its own and, the session being valid, take the 200 for "invalid credentials accepted";
    # its ignored_auth check still probes each scheme alone with an invalid value and without the session.
    return _schema(api_server, {"Cookie": f"sessionid={session}; csrftoken={csrf}", "X-CSRFToken": csrf},
                   **{"with-security-parameters": False})


def run(schema) -> list[str]:
    """Run Schemathesis's engine (what its command line runs: every phase and check the config enables) and return
    each distinct problem found, with the curl command that reproduces it."""
    problems: dict[tuple[str, str], str] = {}
    for event in schemathesis.engine.from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished) and event.status in (Status.FAILURE, Status.ERROR):
            for checks in event.recorder.checks.values():
                for check in checks:
                    if check.failure_info is None:
                        continue
                    failure = check.failure_info.failure
                    problems.setdefault((event.recorder.label, failure.title), (
                        f"{event.recorder.label} [{event.phase}]: {failure.title} ({check.name})\n"
                        f"    {failure.message.strip()}\n    {check.failure_info.code_sample}"))
        elif isinstance(event, (events.NonFatalError, events.FatalError)):
            label = getattr(event, "label", "")
            problems.setdefault((label, "error"), f"{label}: {getattr(event, 'value', None) or event.exception!r}")
    return list(problems.values())


def test_api_anonymous(anonymous_schema):
    problems = run(anonymous_schema)
    assert not problems, "\n".join(problems)


def test_api_with_an_api_key(api_key_schema):
    problems = run(api_key_schema)
    assert not problems, "\n".join(problems)


def test_api_as_a_learner(learner_schema):
    problems = run(learner_schema)
    assert not problems, "\n".join(problems)
