"""Django's database sessions, read with one plain query.

Every signed-in request reads its session first; the ORM's `Session.objects.get(...)` cost more CPU to build and
compile than the database took to answer it, and at the opening of an exam the whole province signs in pages at
once. Same table, same data and the same rules (an expired session is not found); only the read differs.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone

from .prepared import prepared_cursor
from .rows import model_row


class SessionStore(db.SessionStore):
    def load(self):
        data = super().load()
        # A session signed in under a backend's former name (the account read became one plain query in
        # hocso.identity.backends) stays signed in under its new name.
        renamed = getattr(settings, "HOCSO_RENAMED_AUTH_BACKENDS", {}).get(data.get(BACKEND_SESSION_KEY))
        if renamed:
            data[BACKEND_SESSION_KEY] = renamed
        return data

    def _get_session_from_db(self):
        model = self.model
        rows = model_row(model, router.db_for_read(model))
        connection = connections[rows.alias]
        now = connection.ops.adapt_datetimefield_value(timezone.now())  # raw SQL: SQLite compares text
        with prepared_cursor(rows.alias) as cursor:
            cursor.execute(f"SELECT {rows.columns()} FROM {model._meta.db_table} "
                           "WHERE session_key = %s AND expire_date > %s", [self.session_key, now])
            found = cursor.fetchone()
        if found is not None:
            return rows.instance(found)
        self._session_key = None
        return None
