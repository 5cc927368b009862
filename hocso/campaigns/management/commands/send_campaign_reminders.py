from __future__ import annotations

from django.core.management.base import BaseCommand

from hocso.campaigns.tasks import send_reminders


class Command(BaseCommand):
    help = "Queue the e-mail reminders for campaigns closing soon (run daily, e.g. from cron)."

    def handle(self, *args, **options) -> None:
        result = send_reminders.enqueue()
        sent = result.return_value if result.is_finished else None
        if sent is None:
            self.stdout.write("Queued.")
        else:
            self.stdout.write(f"Reminders sent: {sent}")
