"""The hot paths' statements kept prepared by PostgreSQL (hocso.core.prepared): after a few signed-in requests, the
session with its account and the staff profile are read by prepared statements; with the setting off, or on SQLite,
the cursor is Django's own and nothing is prepared."""

from __future__ import annotations

import pytest
from django.db import connection

from hocso.core.prepared import prepared_cursor
from hocso.tests.factories import make_learner, make_user

pytestmark = pytest.mark.django_db
postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")


def _prepared(like: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", [like])
        return cursor.fetchone()[0]


def test_on_sqlite_or_when_off_it_is_djangos_own_cursor(settings):
    settings.HOCSO_PREPARED_STATEMENTS = False
    with prepared_cursor() as cursor:
        cursor.execute("SELECT 40 + %s", [2])
        assert cursor.fetchone()[0] == 42
    if connection.vendor == "postgresql":
        for _ in range(6):
            with prepared_cursor() as cursor:
                cursor.execute("SELECT 'off' || %s", ["!"])
        assert _prepared("SELECT 'off' || $1%") == 0


@postgresql_only
def test_a_statement_run_five_times_is_prepared():
    for n in range(6):
        with prepared_cursor() as cursor:
            cursor.execute("SELECT 'on' || %s", [str(n)])
            assert cursor.fetchone()[0] == f"on{n}"
    assert _prepared("SELECT 'on' || $1%") == 1


@postgresql_only
def test_a_signed_in_pages_reads_are_prepared(client, school_a):
    user = make_user(username="prepared")
    make_learner(school_a, "Người Dùng Chuẩn Bị", user=user)
    client.force_login(user)
    for _ in range(6):
        assert client.get("/kiem-tra/").status_code == 200
    # The session with its account, the account's staff profile and roles: one statement (hocso.identity.sessions).
    assert _prepared("SELECT %identity_session s LEFT JOIN identity_user u %LEFT JOIN people_learner l %"
                     "WHERE s.session_key = $1 AND s.expire_date > $2%") == 1


@postgresql_only
def test_prepared_statements_still_show_in_the_query_log():
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        for n in range(7):
            with prepared_cursor() as cursor:
                cursor.execute("SELECT 'logged' || %s", [str(n)])
    assert _prepared("SELECT 'logged' || $1%") == 1
    assert [q["sql"] for q in queries.captured_queries] == ["SELECT 'logged' || $1"] * 7
