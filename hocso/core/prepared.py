"""Cursors whose statements PostgreSQL keeps prepared: for the few statements every exam-day request runs.

Django's cursors on psycopg 3 bind their parameters on the client, so PostgreSQL parses and plans every statement
again. A cursor that binds on the server lets psycopg prepare a statement the fifth time a connection runs it
(`prepare_threshold`, set in the settings) and run it from then on without parsing or planning. Used for the
statements of the exam's hot paths (the session, the account, the learner and their quiz, the start's write, the
answer save, the submit's reads and writes), each a fixed text with a fixed number of parameters: measured on the
start rush, PostgreSQL's CPU per quiz page + start fell from 4.4 to 1.7 ms with every statement bound on the server.
Not for everything: a statement bound on the server takes at most 65,535 parameters, and Django 5.2 does not size
its bulk operations for that.

Off on other databases, and with HOCSO_PREPARED_STATEMENTS=0 (behind a PgBouncer older than 1.21 in transaction
mode, which cannot keep prepared statements): then this is Django's own cursor.
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.db import connections


def prepared_cursor(using: str = "default"):
    """A cursor on the database `using` that binds on the server when prepared statements are on; still wrapped
    by Django (errors, query logging in tests and debug)."""
    connection = connections[using]
    if not settings.HOCSO_PREPARED_STATEMENTS or connection.vendor != "postgresql":
        return connection.cursor()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        return connection._prepare_cursor(_cursor_class()(connection.connection))


@functools.cache
def _cursor_class():
    from django.db.backends.postgresql.base import ServerBindingCursor

    class LoggedServerBindingCursor(ServerBindingCursor):
        """Django's server-binding cursor, keeping the statement it ran for Django's query log (tests, DEBUG):
        psycopg keeps it only when it does not run a prepared statement."""

        def _send_query_prepared(self, name, pgq, *, binary=None):
            self._query = pgq
            super()._send_query_prepared(name, pgq, binary=binary)

    return LoggedServerBindingCursor
