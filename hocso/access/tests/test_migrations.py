"""The role assignments moved from identity to access without touching the database (issue 12)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from hocso.access.models import RoleAssignment


# Outside a test transaction: SQLite's schema editor, which sqlmigrate opens, refuses to run inside one.
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("app", "migration"), [("access", "0001"), ("identity", "0004")])
def test_the_move_runs_no_sql(app, migration):
    out = StringIO()
    call_command("sqlmigrate", app, migration, stdout=out)
    statements = [line for line in out.getvalue().splitlines()
                  if line.strip() and not line.startswith("--") and line.strip() not in {"BEGIN;", "COMMIT;"}]
    assert statements == []


def test_the_table_and_its_constraints_keep_their_names():
    assert RoleAssignment._meta.db_table == "identity_roleassignment"
    assert {c.name for c in RoleAssignment._meta.constraints} == {"identity_role_unique", "identity_role_unique_global"}
