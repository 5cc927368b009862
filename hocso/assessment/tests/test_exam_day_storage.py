"""How the exam's busiest tables are stored on PostgreSQL: room in each page for a rewritten answer or graded
question to stay on its page (HOT updates, no index entries to add), and no index that another index already
serves (each is one more write for every start, save and submit)."""

from __future__ import annotations

import pytest
from django.db import connection

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="fillfactor and HOT updates are PostgreSQL's"),
]


def _fetch(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def test_answers_and_paper_questions_leave_room_for_their_rewrites():
    options = dict(_fetch("SELECT relname, array_to_string(reloptions, ',') FROM pg_class WHERE relname = ANY(%s)",
                          [["assessment_answer", "assessment_attemptquestion"]]))
    assert options == {"assessment_answer": "fillfactor=70", "assessment_attemptquestion": "fillfactor=80"}


def test_no_index_repeats_the_leading_column_of_a_unique_one():
    indexes = {(table, definition.split(" USING btree ")[1]) for table, definition in _fetch(
        "SELECT tablename, indexdef FROM pg_indexes WHERE tablename = ANY(%s)",
        [["assessment_answer", "assessment_attemptquestion", "assessment_attempt"]])}
    assert ("assessment_answer", "(attempt_id, slot)") in indexes
    assert ("assessment_attemptquestion", "(attempt_id, slot)") in indexes
    assert ("assessment_answer", "(attempt_id)") not in indexes
    assert ("assessment_attemptquestion", "(attempt_id)") not in indexes
    assert ("assessment_attempt", "(quiz_id)") not in indexes
    assert ("assessment_attempt", "(quiz_id, state)") in indexes
