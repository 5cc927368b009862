"""Where a learner's whole start spends its CPU: the home page, the quiz page and the start answered with the exam
page, each profiled with cProfile through Django's whole request stack (test client: middleware, session,
authentication, view, templates) for N learners signed in with real database sessions.

Run (PostgreSQL, as on exam day; SQLite works too):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hocso_bench .venv/bin/pytest -q -s -p no:cacheprovider \
        --create-db bench/start_profile.py [--learners 300]

It prints, per request kind, Python function calls and SQL statements per request (figures that do not depend on
the machine's load) and the top functions by own time and by cumulative time.
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from hocso.assessment.tests.factories import make_category, make_question, make_quiz
from hocso.tests.factories import make_learner, make_user

LEARNERS = int(os.environ.get("START_PROFILE_LEARNERS", "300"))
WARMUP = 10
TOP = int(os.environ.get("START_PROFILE_TOP", "25"))


def _print(name: str, profile: cProfile.Profile, requests: int, statements: int) -> None:
    stats = pstats.Stats(profile)
    print(f"\n=== {name}: {stats.total_calls / requests:,.0f} Python function calls and "
          f"{statements / requests:.1f} SQL statements per request ({requests} requests)")
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats(order).print_stats(TOP)
        lines = out.getvalue().splitlines()
        start = next(i for i, line in enumerate(lines) if "ncalls" in line)
        print(f"--- by {order}")
        print("\n".join(lines[start:start + TOP + 1]))


@pytest.mark.django_db(transaction=False)
def test_profile_the_start(school_a):
    category = make_category("Rút ngẫu nhiên")
    for n in range(90):
        make_question(category, name=f"Câu {n}")
    quiz = make_quiz(random_from=category, random_count=30, title="Thi đầu giờ")
    # One client (one handler, its middleware loaded once, as in a worker), each learner's own session cookie.
    client = Client()
    sessions = []
    for n in range(LEARNERS + WARMUP):
        user = make_user(username=f"start{n}")
        make_learner(school_a, f"Người Học Số {n}", user=user, with_cccd=False)
        client.force_login(user)
        sessions.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
        client.cookies.clear()

    def signed_in(key: str) -> Client:
        client.cookies.clear()
        client.cookies[settings.SESSION_COOKIE_NAME] = key
        return client
    kinds = {
        "home page": lambda c: c.get("/"),
        "quiz page": lambda c: c.get(f"/kiem-tra/{quiz.pk}/"),
        "start + exam page": lambda c: c.post(f"/kiem-tra/{quiz.pk}/bat-dau/"),
    }
    for key in sessions[:WARMUP]:
        for call in kinds.values():
            assert call(signed_in(key)).status_code == 200
    profiles = {name: cProfile.Profile() for name in kinds}
    statements = dict.fromkeys(kinds, 0)
    for key in sessions[WARMUP:]:
        learner_client = signed_in(key)
        for name, call in kinds.items():
            with CaptureQueriesContext(connection) as queries:
                profiles[name].enable()
                response = call(learner_client)
                profiles[name].disable()
            assert response.status_code == 200, (name, response.status_code)
            statements[name] += len(queries)
    total_calls = 0
    for name in kinds:
        _print(name, profiles[name], LEARNERS, statements[name])
        total_calls += pstats.Stats(profiles[name]).total_calls
        if out_dir := os.environ.get("START_PROFILE_DUMP"):
            profiles[name].dump_stats(os.path.join(out_dir, name.split()[0] + ".prof"))
    print(f"\n=== whole start: {total_calls / LEARNERS:,.0f} Python function calls and "
          f"{sum(statements.values()) / LEARNERS:.1f} SQL statements per learner")
