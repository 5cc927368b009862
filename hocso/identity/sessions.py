"""The session store (settings.SESSION_ENGINE): Django's database sessions, read with the signed-in account.

Every signed-in request reads its session, then its account. Both are one plain statement here: the session's row
carries its account's id (identity.Session.user), so the read joins the account's row, and the authentication
backend (identity.backends) takes that account instead of reading it again. Same data, same rules as Django's
database store: an expired session is not found; the account is still checked by Django's get_user (backend,
session hash) and the backend (an inactive account is not signed in).

The account read with the session is handed over through a context variable, reset at every session read and at
the end of every request, and given only for the account id the session names: it never outlives the request
that read it.
"""

from __future__ import annotations

from contextvars import ContextVar

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends import db
from django.core.exceptions import ValidationError
from django.core.signals import request_finished
from django.db import connections, router
from django.utils import timezone

from hocso.core.prepared import prepared_cursor
from hocso.core.rows import model_row

# (account id as the session names it, the account's instance), for the request that read the session.
_ACCOUNT: ContextVar[tuple[str, object] | None] = ContextVar("hocso_session_account", default=None)


def account_read_with_session(user_id) -> object | None:
    """The account the current request's session read brought along, if it is `user_id`'s; given once."""
    found = _ACCOUNT.get()
    if found is None or found[0] != str(user_id):
        return None
    _ACCOUNT.set(None)
    return found[1]


def _forget_account(**_kwargs) -> None:
    _ACCOUNT.set(None)


request_finished.connect(_forget_account, dispatch_uid="hocso.identity.sessions.forget_account")


def _user_id(value) -> int | None:
    """The account id a session's data names, as the column keeps it (None: not signed in, or not an id)."""
    if value is None:
        return None
    try:
        return get_user_model()._meta.pk.to_python(value)
    except ValidationError:
        return None


class SessionStore(db.SessionStore):
    @classmethod
    def get_model_class(cls):
        from .models import Session

        return Session

    def create_model_instance(self, data):
        session = super().create_model_instance(data)
        session.user_id = _user_id(data.get(SESSION_KEY))
        return session

    def load(self):
        _ACCOUNT.set(None)
        data = super().load()
        # A session signed in under a backend's former name (the account read became one plain query in
        # hocso.identity.backends) stays signed in under its new name.
        renamed = getattr(settings, "HOCSO_RENAMED_AUTH_BACKENDS", {}).get(data.get(BACKEND_SESSION_KEY))
        if renamed:
            data[BACKEND_SESSION_KEY] = renamed
        return data

    def _get_session_from_db(self):
        model, user_model = self.model, get_user_model()
        alias = router.db_for_read(model)
        sessions, accounts = model_row(model, alias), model_row(user_model, alias)
        now = connections[alias].ops.adapt_datetimefield_value(timezone.now())  # raw SQL: SQLite compares text
        with prepared_cursor(alias) as cursor:
            cursor.execute(
                f"SELECT {sessions.columns('s')}, {accounts.columns('u')} FROM {model._meta.db_table} s "
                f"LEFT JOIN {user_model._meta.db_table} u ON u.{user_model._meta.pk.column} = s.user_id "
                "WHERE s.session_key = %s AND s.expire_date > %s", [self.session_key, now])
            found = cursor.fetchone()
        if found is None:
            self._session_key = None
            return None
        session = sessions.instance(found)
        if found[sessions.width] is not None:
            _ACCOUNT.set((str(session.user_id), accounts.instance(found, sessions.width)))
        return session
