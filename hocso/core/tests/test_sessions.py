"""The session store reads with plain SQL (hocso.core.sessions): same table, same rules as Django's."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from hocso.core.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_a_session_is_read_in_one_query_and_an_expired_one_is_not(django_assert_num_queries):
    assert settings.SESSION_ENGINE == "hocso.core.sessions"
    store = SessionStore()
    store["hocso_sign_in_method"] = "password"
    store.create()

    again = SessionStore(store.session_key)
    with django_assert_num_queries(1):
        assert again["hocso_sign_in_method"] == "password"

    Session.objects.filter(pk=store.session_key).update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    expired = SessionStore(store.session_key)
    assert expired.get("hocso_sign_in_method") is None
    assert expired.session_key is None  # a new key will be issued, as with Django's store
    assert SessionStore("no-such-session-key-000000000000").load() == {}


def test_signing_in_and_reading_pages_goes_through_it(client, learner_user):
    client.force_login(learner_user)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert SessionStore(key).get("_auth_user_id") == str(learner_user.pk)
    assert client.get("/kiem-tra/").status_code == 200
