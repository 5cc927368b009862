"""The two-step import on the web: an ImportJob keeps the file, its preview and its progress server-side.

upload -> job (queued) -> preview (read + checked, nothing written) -> confirm -> applying -> applied
Small files are read and applied within the request; larger ones by a background task (`hocso.people.tasks`),
while the page polls the job's progress. Each step claims the job with a conditional UPDATE, so a task that is
delivered twice does its work once.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hocso.core.request_context import client_ip
from hocso.core.uploads import UploadLimits, open_workbook
from hocso.org.models import Unit
from hocso.people.models import ImportJob, ImportJobStatus

from .engine import apply_file, ensure_can_import, preview_file
from .errors import ImportFileError, PreviewOutdated
from .planning import preview_data
from .report import error_report

logger = logging.getLogger("hocso.import")
KEEP_FILES = dt.timedelta(days=7)
PROGRESS_EVERY = 0.5  # seconds between progress writes


# --- reads ---------------------------------------------------------------------------------------------------


def job_get(*, actor, pk) -> ImportJob:
    """One of the actor's own imports, else 404: an upload is personal data of the people in it."""
    job = ImportJob.objects.filter(pk=pk, created_by_id=getattr(actor, "pk", None)).select_related(
        "default_unit").defer("content", "error_report").first()
    if job is None:
        raise Http404(_("Import not found."))
    return job


def jobs_recent(*, actor, limit: int = 10) -> list[ImportJob]:
    return list(
        ImportJob.objects.filter(created_by_id=getattr(actor, "pk", None))
        .defer("content", "error_report", "preview").order_by("-created_at")[:limit]
    )


def runs_in_background(job: ImportJob) -> bool:
    return job.file_size > settings.HOCSO_IMPORT_BACKGROUND_BYTES


# --- writes --------------------------------------------------------------------------------------------------


def job_create(
    *, actor, file_name: str, content: bytes, default_unit: Unit | None, effective_date: dt.date,
    language: str = "", ip: str | None = None,
) -> ImportJob:
    """Store an upload. Raises PermissionDenied (not an importer, unit outside scope) or ValidationError (a file
    that cannot be read: too big, not a spreadsheet, beyond the reading limits, a NUL character…).

    The file is opened once here, within the limits, so that a hostile or broken file is refused on the upload
    page itself; the rows are read and checked afterwards (in a background task for large files).
    """
    ensure_can_import(actor, default_unit)
    try:
        open_workbook(content, limits=UploadLimits.from_settings())
    except ImportFileError as exc:
        raise ValidationError(exc.message, code=exc.code) from exc
    # Uploads hold personal data: files of old imports are not kept.
    ImportJob.objects.filter(created_at__lt=timezone.now() - KEEP_FILES).exclude(
        content=None, error_report=None).update(content=None, error_report=None)
    return ImportJob.objects.create(
        created_by=actor, file_name=file_name[:255], file_size=len(content), content=content,
        default_unit=default_unit, effective_date=effective_date, language=language[:10], client_ip=ip,
    )


def schedule_preview(job: ImportJob) -> None:
    """Read the file now, or after the commit in a background task when it is large."""
    if runs_in_background(job):
        from hocso.people.tasks import import_preview

        transaction.on_commit(lambda: import_preview.enqueue(str(job.pk)))
    else:
        run_preview(str(job.pk))


def job_choose_sheet(*, actor, job: ImportJob, sheet: str) -> None:
    changed = ImportJob.objects.filter(
        pk=job.pk, status__in=[ImportJobStatus.PREVIEW, ImportJobStatus.FAILED], content__isnull=False
    ).update(status=ImportJobStatus.QUEUED, sheet=sheet[:100], error="", stage="", progress_done=0, progress_total=0)
    if not changed:
        raise ValidationError(_("This import can no longer be changed."))
    job.refresh_from_db()
    schedule_preview(job)


def job_confirm(*, actor, job: ImportJob) -> None:
    """Queue the confirmed preview for writing. Only the person who uploaded it, only from the preview."""
    ensure_can_import(actor, job.default_unit)
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportJobStatus.PREVIEW).update(
        status=ImportJobStatus.APPLYING, stage="queued", progress_done=0, progress_total=0)
    if not claimed:
        raise ValidationError(_("This import is not waiting for confirmation."))
    job.refresh_from_db()
    if runs_in_background(job):
        from hocso.people.tasks import import_apply

        transaction.on_commit(lambda: import_apply.enqueue(str(job.pk)))
    else:
        run_apply(str(job.pk))


def job_cancel(*, actor, job: ImportJob) -> None:
    cancelled = ImportJob.objects.filter(
        pk=job.pk, status__in=[ImportJobStatus.PREVIEW, ImportJobStatus.FAILED, ImportJobStatus.QUEUED]
    ).update(status=ImportJobStatus.CANCELLED, content=None, error_report=None)
    if not cancelled:
        raise ValidationError(_("This import can no longer be cancelled."))


# --- the work (inline or in a task) --------------------------------------------------------------------------


class ProgressWriter:
    """Writes a job's progress at most every half second.

    Outside a transaction it is a plain UPDATE. Inside the applying transaction the update would stay invisible
    until the commit, so on PostgreSQL it goes through a second connection; SQLite allows only one writer at a
    time, so there the page shows the stage without a count until the write is done.
    """

    def __init__(self, job_id: str) -> None:
        self.job_id = job_id
        self.last = 0.0
        self.side = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if done not in (0, total) and now - self.last < PROGRESS_EVERY:
            return
        self.last = now
        if not connection.in_atomic_block:
            ImportJob.objects.filter(pk=self.job_id).update(stage=stage, progress_done=done, progress_total=total)
        elif connection.vendor == "postgresql":
            if self.side is None:
                self.side = connections.create_connection(DEFAULT_DB_ALIAS)
            table = ImportJob._meta.db_table
            with self.side.cursor() as cursor:
                # SKIP LOCKED: if a caller's own transaction holds the job row, skip this update, never wait on it.
                cursor.execute(
                    f"UPDATE {table} SET stage = %s, progress_done = %s, progress_total = %s "
                    f"WHERE id = (SELECT id FROM {table} WHERE id = %s FOR UPDATE SKIP LOCKED)",
                    [stage, done, total, self.job_id],
                )

    def close(self) -> None:
        if self.side is not None:
            self.side.close()
            self.side = None


@contextmanager
def _job_context(job: ImportJob):
    """The uploader's language for messages, and their address for the audit trail."""
    token = client_ip.set(job.client_ip)
    try:
        with translation.override(job.language or settings.LANGUAGE_CODE):
            yield
    finally:
        client_ip.reset(token)


def _fail(job_id: str, message: str) -> None:
    ImportJob.objects.filter(pk=job_id).update(status=ImportJobStatus.FAILED, error=message, stage="")


def _store_preview(job_id: str, plan, *, status: str, outdated: bool = False) -> None:
    data = preview_data(plan)
    ImportJob.objects.filter(pk=job_id).update(
        status=status, stage="", error="", sheet=plan.parsed.sheet, fingerprint=plan.fingerprint,
        preview=data, summary={"counts": plan.counts, "outdated": outdated}, error_report=error_report(plan),
    )


def run_preview(job_id: str) -> None:
    if not ImportJob.objects.filter(pk=job_id, status=ImportJobStatus.QUEUED).update(
            status=ImportJobStatus.READING, stage="reading", progress_done=0, progress_total=0):
        return  # already read, or cancelled
    job = ImportJob.objects.select_related("default_unit", "created_by").get(pk=job_id)
    progress = ProgressWriter(job_id)
    with _job_context(job):
        try:
            plan = preview_file(bytes(job.content), job.file_name, actor=job.created_by,
                                default_unit=job.default_unit, on=job.effective_date, sheet=job.sheet,
                                progress=progress)
            # Storing is inside the try, in a savepoint: whatever fails, the job ends "failed", never "reading".
            with transaction.atomic():
                _store_preview(job_id, plan, status=ImportJobStatus.PREVIEW)
        except ImportFileError as exc:
            _fail(job_id, exc.message)
        except PermissionDenied as exc:
            _fail(job_id, str(exc) or _("You do not have permission to do this."))
        except Exception:
            logger.exception("Reading import %s failed", job_id)
            _fail(job_id, _("Something went wrong while reading the file. Nothing was changed; please try again."))
        finally:
            progress.close()


def run_apply(job_id: str) -> None:
    if not ImportJob.objects.filter(pk=job_id, status=ImportJobStatus.APPLYING, stage="queued").update(
            stage="reading"):
        return  # not confirmed, or another worker has it
    job = ImportJob.objects.select_related("default_unit", "created_by").get(pk=job_id)
    progress = ProgressWriter(job_id)
    with _job_context(job):
        try:
            plan, counts = apply_file(
                bytes(job.content), job.file_name, actor=job.created_by, default_unit=job.default_unit,
                on=job.effective_date, sheet=job.sheet, expected_fingerprint=job.fingerprint, job=job,
                progress=progress,
            )
        except PreviewOutdated as exc:
            _store_preview(job_id, exc.args[0], status=ImportJobStatus.PREVIEW, outdated=True)
        except ImportFileError as exc:
            _fail(job_id, exc.message)
        except (PermissionDenied, ValidationError) as exc:
            message = str(exc) if isinstance(exc, PermissionDenied) else "; ".join(exc.messages)
            _fail(job_id, message or _("You do not have permission to do this."))
        except Exception:
            logger.exception("Applying import %s failed", job_id)
            _fail(job_id, _("Something went wrong while importing. Nothing was changed; please try again."))
        else:
            ImportJob.objects.filter(pk=job_id).update(
                status=ImportJobStatus.APPLIED, stage="", result=counts, applied_at=timezone.now(), content=None,
                progress_done=plan.changes, progress_total=plan.changes,
            )
        finally:
            progress.close()
