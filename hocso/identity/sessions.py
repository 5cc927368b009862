"""The session store (settings.SESSION_ENGINE): Django's database sessions, read with the signed-in account.

Every signed-in request reads its session, then its account, and nearly every page then asks for the account's
roles (the menu) and a learner's staff profile. All of it is one plain statement here: the session's row carries
its account's id (identity.Session.user), so the read joins the account's row, its staff profile and its role
assignments, and the authentication backend (identity.backends) takes that account instead of reading it again
(access.scoping and people.selectors take the roles and the profile). Same data, same rules as Django's
database store: an expired session is not found; the account is still checked by Django's get_user (backend,
session hash) and the backend (an inactive account is not signed in).

The account read with the session is handed over through a context variable, reset at every session read and at
the end of every request, and given only for the account id the session names: it never outlives the request
that read it.
"""

from __future__ import annotations

import functools
from contextvars import ContextVar

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends import db
from django.core.exceptions import ValidationError
from django.core.signals import request_finished
from django.db import connections, router
from django.utils import timezone

from hocso.access.scoping import assignments_column, remember_assignments
from hocso.core.prepared import prepared_cursor
from hocso.core.rows import model_row
from hocso.people.models import Learner
from hocso.people.selectors import remember_learner

# (account id as the session names it, the account's instance), for the request that read the session.
_ACCOUNT: ContextVar[tuple[str, object] | None] = ContextVar("hocso_session_account", default=None)


def account_read_with_session(user_id: object) -> object | None:
    """The account the current request's session read brought along, if it is `user_id`'s; given once."""
    found = _ACCOUNT.get()
    if found is None or found[0] != str(user_id):
        return None
    _ACCOUNT.set(None)
    return found[1]


def _forget_account(**_kwargs) -> None:
    _ACCOUNT.set(None)


request_finished.connect(_forget_account, dispatch_uid="hocso.identity.sessions.forget_account")


def _renamed(data: dict) -> dict:
    """A session signed in under a backend's former name (the account read became one plain query in
    hocso.identity.backends) stays signed in under its new name."""
    renamed = getattr(settings, "HOCSO_RENAMED_AUTH_BACKENDS", {}).get(data.get(BACKEND_SESSION_KEY))
    if renamed:
        data[BACKEND_SESSION_KEY] = renamed
    return data


def _user_id(value: object) -> int | None:
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

    async def acreate_model_instance(self, data):
        # Django's async save builds the row itself: the account's id goes in on that path too.
        session = await super().acreate_model_instance(data)
        session.user_id = _user_id(data.get(SESSION_KEY))
        return session

    def load(self):
        _ACCOUNT.set(None)
        return _renamed(super().load())

    async def aload(self):
        return _renamed(await super().aload())

    def _get_session_from_db(self):
        model, user_model = self.model, get_user_model()
        alias = router.db_for_read(model)
        sessions, accounts, learners = model_row(model, alias), model_row(user_model, alias), model_row(Learner, alias)
        connection = connections[alias]
        now = connection.ops.adapt_datetimefield_value(timezone.now())  # raw SQL: SQLite compares text
        with prepared_cursor(alias) as cursor:
            cursor.execute(_session_sql(model, user_model, connection.vendor), [self.session_key, now])
            found = cursor.fetchone()
        if found is None:
            self._session_key = None
            return None
        session = sessions.instance(found)
        at = sessions.width
        if found[at] is not None:
            account = accounts.instance(found, at)
            at += accounts.width
            # What nearly every page asks next, read with it: the roles (the menu, the panels) and the staff profile
            # (a learner's pages).
            remember_assignments(account, found[-1])
            remember_learner(account, learners.instance(found, at) if found[at] is not None else None)
            _ACCOUNT.set((str(session.user_id), account))
        return session


@functools.cache
def _session_sql(model, user_model, vendor: str) -> str:
    """The session, its account, the account's staff profile and its role assignments, in one statement.
    Parameters: the session key, now."""
    sessions, accounts, learners = model_row(model), model_row(user_model), model_row(Learner)
    return (
        f"SELECT {sessions.columns('s')}, {accounts.columns('u')}, {learners.columns('l')}, "
        f"{assignments_column('s.user_id', vendor)} FROM {model._meta.db_table} s "
        f"LEFT JOIN {user_model._meta.db_table} u ON u.{user_model._meta.pk.column} = s.user_id "
        f"LEFT JOIN {Learner._meta.db_table} l ON l.{Learner._meta.get_field('user').column} = "
        f"u.{user_model._meta.pk.column} "
        "WHERE s.session_key = %s AND s.expire_date > %s"
    )
