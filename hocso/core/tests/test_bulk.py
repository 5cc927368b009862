"""insert_rows writes what bulk_create writes: date-times, nested JSON, text, IP addresses, on both databases."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, transaction

from hocso.core.bulk import insert_rows
from hocso.core.models import AuditEntry

FIELDS = ("created_at", "actor_label", "action", "object_type", "object_id", "object_repr", "changes", "ip_address")


def _values(entry: AuditEntry) -> tuple:
    return tuple(getattr(entry, name) for name in FIELDS)


@pytest.mark.django_db
def test_rows_read_back_as_bulk_create_writes_them():
    moment = dt.datetime(2026, 9, 20, 8, 15, 30, 123456, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    rows = [
        (moment + dt.timedelta(minutes=index), "Nguyễn Văn An", "demo.row", "attempt", str(index), f"Bài số {index}",
         {"điểm": [index, "7,5"], "nested": {"ok": index % 2 == 0}}, "10.0.0.1" if index % 2 else None)
        for index in range(2500)
    ]
    written = insert_rows(AuditEntry, FIELDS, rows, batch_size=700)
    assert written == 2500
    # auto_now_add does not apply: the given moments are kept, in UTC as Django stores them.
    by_insert = sorted((_values(e) for e in AuditEntry.objects.filter(action="demo.row")), key=lambda v: int(v[4]))

    AuditEntry.objects.filter(action="demo.row").delete()
    AuditEntry.objects.bulk_create([AuditEntry(**dict(zip(FIELDS, row, strict=True))) for row in rows])
    by_orm = sorted((_values(e) for e in AuditEntry.objects.filter(action="demo.row")), key=lambda v: int(v[4]))

    # Only created_at differs under bulk_create (auto_now_add stamps "now"); every other column is the same.
    assert [v[1:] for v in by_insert] == [v[1:] for v in by_orm]
    assert [v[0] for v in by_insert] == [row[0] for row in rows]
    assert by_insert[3][6] == {"điểm": [3, "7,5"], "nested": {"ok": False}}


@pytest.mark.django_db
def test_an_empty_source_writes_nothing_and_a_missing_column_fails_whole():
    assert insert_rows(AuditEntry, FIELDS, []) == 0
    with pytest.raises(IntegrityError), transaction.atomic():  # created_at and action are NOT NULL
        insert_rows(AuditEntry, ("actor_label",), [("x",)])
    assert not AuditEntry.objects.filter(actor_label="x").exists()
