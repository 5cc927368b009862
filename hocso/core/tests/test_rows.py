"""Plain rows read back as the ORM reads them (hocso.core.rows): the same field values and types, converters
included (SQLite answers moments as text and JSON as text; PostgreSQL answers decimals and JSON natively)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from hocso.assessment.models import Quiz
from hocso.assessment.tests.factories import make_quiz
from hocso.core.rows import model_row
from hocso.tests.factories import make_user

pytestmark = pytest.mark.django_db


def _read(model, pk, table_alias: str = ""):
    rows = model_row(model)
    with connection.cursor() as cursor:
        alias = f" {table_alias}" if table_alias else ""
        cursor.execute(f"SELECT 7, {rows.columns(table_alias)}, 'after' FROM {model._meta.db_table}{alias} "
                       f"WHERE id = %s", [pk])
        row = cursor.fetchone()
    assert row[0] == 7 and row[-1] == "after"  # columns(): exactly the model's, in the model's order
    return rows.instance(row, start=1)


def _values(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def test_an_instance_from_a_plain_row_equals_the_orms():
    user = make_user(username="rows")
    user.last_login = timezone.now()
    user.save()
    quiz = make_quiz(title="Đề có ngày mở", open_at=timezone.now() - dt.timedelta(hours=1),
                     pass_percent=Decimal("62.5"))
    for model, pk in ((type(user), user.pk), (Quiz, quiz.pk)):
        read, expected = _read(model, pk, table_alias="t"), model.objects.get(pk=pk)
        assert _values(read) == _values(expected)
        assert all(type(a) is type(b) for a, b in zip(_values(read).values(), _values(expected).values(),
                                                              strict=True))
        assert not read._state.adding and read._state.db == "default"  # "from the database", as the ORM's
    read_quiz = _read(Quiz, quiz.pk)
    assert isinstance(read_quiz.open_at, dt.datetime) and read_quiz.open_at.tzinfo is not None
    assert read_quiz.pass_percent == Decimal("62.5")


def test_a_row_builds_the_instance_the_orm_builds_and_signals_are_still_honoured():
    from django.db.models.signals import post_init

    user = make_user(username="rows-plain")
    expected = type(user).objects.get(pk=user.pk)
    read = _read(type(user), user.pk)
    assert {k: v for k, v in vars(read).items() if k != "_state"} == {
        k: v for k, v in vars(expected).items() if k != "_state"}
    assert read.full_name == user.full_name and read.get_session_auth_hash() == expected.get_session_auth_hash()
    seen = []

    def listener(sender, instance, **kwargs):
        seen.append(instance)

    post_init.connect(listener, sender=type(user))
    try:
        read = _read(type(user), user.pk)  # someone listens: built through __init__, so the signal is sent
    finally:
        post_init.disconnect(listener, sender=type(user))
    assert seen == [read]


def test_only_models_built_the_django_way_are_filled_directly():
    from hocso.core.rows import _plain
    from hocso.identity.models import Session
    from hocso.people.models import Learner

    assert all(_plain(model) for model in (type(make_user(username="rows-kinds")), Learner, Quiz, Session))

    class Converting:  # a descriptor that would change what is assigned
        def __get__(self, instance, owner=None):
            return self

        def __set__(self, instance, value):
            raise AssertionError("not to be set directly")

    original = Quiz.__dict__["title"]
    Quiz.title = Converting()
    try:
        assert not _plain(Quiz)
    finally:
        Quiz.title = original
