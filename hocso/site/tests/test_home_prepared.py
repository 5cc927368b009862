"""A learner's home page and quiz page are the first pages of the exam-day rush: on PostgreSQL every statement they
run is one the server keeps prepared (hocso.core.prepared), so none is parsed and planned again at each visit
(planning the learning panel's union cost PostgreSQL more than running it)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")


def test_every_statement_of_a_learners_home_page_is_prepared(client, world, learner_user):
    client.force_login(learner_user)
    for _ in range(6):  # psycopg prepares a statement at its fifth run on a connection
        assert client.get("/").status_code == 200
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/").content.decode()
    assert "Đợt Quý IV" in page  # the open campaign's status was read too
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = {row[0] for row in cursor.fetchall()}
    statements = [q["sql"] for q in queries.captured_queries]
    assert len(statements) >= 4  # the session (with account, roles, profile), quizzes, campaign, learning
    assert [sql for sql in statements if sql not in prepared] == []


def test_every_statement_of_the_quiz_page_is_prepared_with_attempts_to_list(client, world, learner_user):
    url = f"/kiem-tra/{world.other_quiz.pk}/"  # Ánh has an attempt open there: the page lists it
    client.force_login(learner_user)
    for _ in range(6):
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert "Luyện tập an toàn thông tin" in client.get(url).content.decode()
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = {row[0] for row in cursor.fetchall()}
    statements = [q["sql"] for q in queries.captured_queries]
    assert any("assessment_attempt" in sql and "ANY($2)" in sql for sql in statements)
    assert [sql for sql in statements if sql not in prepared] == []
