"""Signing in with a username and password, and finding the signed-in account again at every request.

Every signed-in request reads its account after its session; the ORM's `User.objects.get(pk=…)` cost more CPU to
build and compile than the database took to answer it, and at the opening of an exam the whole province asks at
once. Same table, same rule (an inactive account is not signed in); only the read differs: one plain query.
Sessions signed in before this backend existed name Django's ModelBackend; hocso.identity.sessions reads them as
this one's (settings.HOCSO_RENAMED_AUTH_BACKENDS), so nobody is signed out by the change.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db import router

from hocso.core.prepared import prepared_cursor
from hocso.core.rows import model_row

from .sessions import account_read_with_session


class PlainUserRead:
    """`get_user` as one plain query, for ModelBackend."""

    def get_user(self, user_id):
        # The session's read brought the account along (hocso.identity.sessions): no second statement.
        user = account_read_with_session(user_id)
        if user is not None:
            return user if self.user_can_authenticate(user) else None
        model = get_user_model()
        try:
            pk = model._meta.pk.to_python(user_id)
        except ValidationError:  # a session that names no valid id is no session
            return None
        rows = model_row(model, router.db_for_read(model))
        with prepared_cursor(rows.alias) as cursor:
            cursor.execute(f"SELECT {rows.columns()} FROM {model._meta.db_table} WHERE {model._meta.pk.column} = %s",
                           [pk])
            found = cursor.fetchone()
        user = rows.instance(found) if found is not None else None
        return user if user is not None and self.user_can_authenticate(user) else None


class AccountBackend(PlainUserRead, ModelBackend):
    """Django's ModelBackend (password check, permissions) with the account read as one plain query."""
