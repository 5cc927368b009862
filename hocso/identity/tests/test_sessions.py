"""The session store (hocso.identity.sessions): Django's database sessions, each row with its account, read with
the account in one statement; the same rules as Django's store (an expired session is not found, the account is
checked as Django checks it), and the sessions open before the move kept."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.contrib.sessions.models import Session as DjangoSession
from django.utils import timezone

from hocso.identity.models import Session
from hocso.identity.sessions import SessionStore, account_read_with_session
from hocso.tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_a_session_is_read_in_one_query_and_an_expired_one_is_not(django_assert_num_queries):
    assert settings.SESSION_ENGINE == "hocso.identity.sessions"
    store = SessionStore()
    store["hocso_sign_in_method"] = "password"
    store.create()
    assert Session.objects.get(pk=store.session_key).user_id is None  # nobody signed in

    again = SessionStore(store.session_key)
    with django_assert_num_queries(1):
        assert again["hocso_sign_in_method"] == "password"

    Session.objects.filter(pk=store.session_key).update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    expired = SessionStore(store.session_key)
    assert expired.get("hocso_sign_in_method") is None
    assert expired.session_key is None  # a new key will be issued, as with Django's store
    assert SessionStore("no-such-session-key-000000000000").load() == {}


def test_a_signed_in_page_reads_session_and_account_with_one_statement(client, learner_user,
                                                                       django_assert_num_queries):
    client.force_login(learner_user)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert Session.objects.get(pk=key).user_id == learner_user.pk
    assert client.get("/tai-khoan/").status_code == 200  # warm
    with django_assert_num_queries(0):
        assert account_read_with_session(learner_user.pk) is None  # nothing left over from the request
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/tai-khoan/")
    assert response.status_code == 200 and response.wsgi_request.user == learner_user
    reads = [q["sql"] for q in queries.captured_queries if "identity_user" in q["sql"]]
    assert len(reads) == 1 and "identity_session" in reads[0]  # the account came with the session


def test_the_account_read_with_the_session_is_checked_as_any_other(client, learner_user):
    client.force_login(learner_user)
    assert client.get("/tai-khoan/").status_code == 200
    learner_user.is_active = False
    learner_user.save(update_fields=["is_active"])
    assert client.get("/tai-khoan/").status_code == 302  # an inactive account is not signed in
    learner_user.is_active = True
    learner_user.set_password("mot-mat-khau-moi-2026")
    learner_user.save()
    assert client.get("/tai-khoan/").status_code == 302  # a password change ends the session (its hash differs)


def test_an_account_deleted_ends_its_sessions(client):
    user = make_user(username="sebixoa")
    client.force_login(user)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    user.delete()
    assert not Session.objects.filter(pk=key).exists()


def test_signing_in_as_someone_else_keeps_the_column_right(client, learner_user, province_admin):
    client.force_login(learner_user)
    client.force_login(province_admin)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert Session.objects.get(pk=key).user_id == province_admin.pk
    client.logout()
    assert not Session.objects.filter(pk=key).exists()


def test_the_move_copies_open_sessions_with_their_accounts(client):
    user, gone = make_user(username="dangmo"), make_user(username="daxoa")

    def old_session(data: dict, expires_in: dt.timedelta = dt.timedelta(hours=1)) -> str:
        store = DjangoSessionStore()
        store.update(data)
        store.create()
        DjangoSession.objects.filter(pk=store.session_key).update(expire_date=timezone.now() + expires_in)
        return store.session_key

    signed_in = old_session({SESSION_KEY: str(user.pk), BACKEND_SESSION_KEY: "hocso.identity.backends.AccountBackend",
                             HASH_SESSION_KEY: user.get_session_auth_hash()})
    orphan = old_session({SESSION_KEY: str(gone.pk)})
    anonymous = old_session({"hocso_sign_in_method": "password"})
    expired = old_session({SESSION_KEY: str(user.pk)}, expires_in=-dt.timedelta(minutes=1))
    corrupt = old_session({})
    DjangoSession.objects.filter(pk=corrupt).update(session_data="không phải dữ liệu phiên")
    gone.delete()
    Session.objects.all().delete()

    migration = importlib.import_module("hocso.identity.migrations.0005_session_with_account")
    migration.copy_open_sessions(apps, None)

    copied = dict(Session.objects.values_list("session_key", "user_id"))
    assert copied == {signed_in: user.pk, orphan: None, anonymous: None, corrupt: None}
    assert expired not in copied
    assert not DjangoSession.objects.exists()  # no session data left behind in the table nothing reads now
    client.cookies[settings.SESSION_COOKIE_NAME] = signed_in
    response = client.get("/tai-khoan/")
    assert response.status_code == 200 and response.wsgi_request.user == user  # still signed in after the move


def test_the_roles_and_the_staff_profile_come_with_the_session(client, learner_user, focal_a, commune_a,
                                                              django_assert_num_queries):
    from hocso.access.models import Role
    from hocso.access.scoping import roles_of, scope_for_user
    from hocso.people.selectors import learner_of

    for user, roles in ((learner_user, set()), (focal_a, {Role.FOCAL_POINT})):
        client.force_login(user)
        key = client.cookies[settings.SESSION_COOKIE_NAME].value
        with django_assert_num_queries(1):
            assert SessionStore(key).load()
            account = account_read_with_session(user.pk)
            assert roles_of(account) == roles
            profile = learner_of(account)
        assert profile == learner_of(user)  # the fixture's own object: read the usual way
        if roles:
            with django_assert_num_queries(0):
                assert scope_for_user(account).paths == (commune_a.path,)
        with django_assert_num_queries(1):  # given once: a later ask reads again
            assert learner_of(account) == profile
    assert learner_of(learner_user).user_id == learner_user.pk


def test_the_async_save_path_keeps_the_account_too(learner_user):
    from asgiref.sync import async_to_sync

    store = SessionStore("a" * 32)
    session = async_to_sync(store.acreate_model_instance)({SESSION_KEY: str(learner_user.pk)})
    assert session.user_id == learner_user.pk


def test_a_session_naming_an_account_deleted_meanwhile_is_saved_and_signs_nobody_in(client):
    # A sign-in racing the account's deletion: no database constraint makes the INSERT fail (Django's store
    # would take that for a taken key and retry forever); the read joins no account.
    gone = make_user(username="vuaxoa")
    gone_pk = gone.pk
    gone.delete()
    store = SessionStore()
    store.update({SESSION_KEY: str(gone_pk), BACKEND_SESSION_KEY: "hocso.identity.backends.AccountBackend",
                  HASH_SESSION_KEY: "x"})
    store.create()
    assert Session.objects.get(pk=store.session_key).user_id == gone_pk
    client.cookies[settings.SESSION_COOKIE_NAME] = store.session_key
    assert client.get("/tai-khoan/").status_code == 302
