"""Apply the minimum group size (HOCSO_MIN_GROUP_SIZE) to every published snapshot again, after changing it.

Publishing applies the setting in force; migration 0002 applied it to the snapshots published before. Run this once
after changing the setting so that the boards, the widget, the feed and the files of older snapshots follow it too.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from hocso.campaigns.disclosure import min_group_size
from hocso.campaigns.models import Snapshot
from hocso.campaigns.services import snapshot_protect


class Command(BaseCommand):
    help = "Apply HOCSO_MIN_GROUP_SIZE to every published snapshot again (after changing the setting)."

    def handle(self, *args, **options) -> None:
        k = min_group_size()
        changed = sum(snapshot_protect(snapshot=snapshot, k=k) for snapshot in Snapshot.objects.order_by("pk"))
        self.stdout.write(f"Minimum group size {k}: {changed} snapshot(s) updated.")
