"""The account read at every request is one plain query, and sessions signed in under the former backend's name
(Django's ModelBackend) stay signed in."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.base import SessionBase
from django.utils.module_loading import import_string

from hocso.identity.backends import AccountBackend
from hocso.tests.factories import make_user


def _session_cookie(user, backend: str) -> str:
    store = import_string(settings.SESSION_ENGINE + ".SessionStore")()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = backend
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    assert isinstance(store, SessionBase)
    return store.session_key


def test_the_account_is_read_with_one_statement(db, django_assert_num_queries):
    user = make_user(username="hocvien")
    with django_assert_num_queries(1):
        found = AccountBackend().get_user(str(user.pk))
    assert found == user and found.username == "hocvien"
    assert AccountBackend().get_user("not a number") is None
    assert AccountBackend().get_user(str(user.pk + 1000)) is None
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert AccountBackend().get_user(str(user.pk)) is None  # an inactive account is not signed in


def test_a_session_under_the_former_backend_stays_signed_in(client, db):
    user = make_user(username="hocvien")
    for backend in ("django.contrib.auth.backends.ModelBackend", "hocso.identity.backends.AccountBackend"):
        client.cookies[settings.SESSION_COOKIE_NAME] = _session_cookie(user, backend)
        response = client.get("/tai-khoan/")
        assert response.status_code == 200, (backend, response.status_code, response.get("Location"))
        assert response.wsgi_request.user == user
    # A backend that was never ours is not trusted.
    client.cookies[settings.SESSION_COOKIE_NAME] = _session_cookie(user, "some.other.Backend")
    assert client.get("/tai-khoan/").status_code == 302
