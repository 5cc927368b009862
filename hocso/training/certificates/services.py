"""Certificates: issued when the course's completion rule is met, rendered as PDF (fpdf2 with DejaVu Sans, which
covers Vietnamese), verified on a public page by their code."""

from __future__ import annotations

import datetime as dt
import io
import secrets
from pathlib import Path

import segno
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hocso.core.audit import audit
from hocso.identity.scoping import ensure, is_province_admin
from hocso.training.courses.completion import course_status
from hocso.training.models import Certificate, Enrolment, EnrolmentStatus

# Installed fonts only, never fetched: Debian's fonts-dejavu-core, then matplotlib's bundled copy if present.
FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu")]
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are read aloud and typed


def _font_dirs() -> list[Path]:
    dirs = list(FONT_DIRS)
    try:
        import matplotlib

        dirs.append(Path(matplotlib.get_data_path()) / "fonts" / "ttf")
    except ImportError:
        pass
    return dirs


def font_path(name: str = "DejaVuSans.ttf") -> Path:
    for directory in _font_dirs():
        if (directory / name).is_file():
            return directory / name
    raise ImproperlyConfigured(f"{name} not found; install fonts-dejavu-core (or matplotlib).")


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))


def can_issue(actor, enrolment: Enrolment) -> bool:
    own = enrolment.learner.user_id is not None and enrolment.learner.user_id == getattr(actor, "pk", None)
    if own or is_province_admin(actor):
        return True
    from hocso.training.classes.services import can_run_class

    return enrolment.klass is not None and can_run_class(actor, enrolment.klass)


@transaction.atomic
def certificate_issue(*, actor, enrolment: Enrolment) -> Certificate:
    """The certificate of a completed course (the same one if already issued)."""
    ensure(can_issue(actor, enrolment), _("You cannot issue this certificate."))
    existing = Certificate.objects.filter(learner=enrolment.learner, course=enrolment.course).first()
    if existing is not None:
        return existing
    if enrolment.status != EnrolmentStatus.ACTIVE or not course_status(enrolment.course, enrolment.learner).complete:
        raise ValidationError(_("The course is not completed yet."))
    now = timezone.now()
    for _attempt in range(5):
        try:
            with transaction.atomic():
                certificate = Certificate.objects.create(
                    code=new_code(), learner=enrolment.learner, course=enrolment.course,
                    learner_name=enrolment.learner.full_name, course_title=enrolment.course.title,
                    hours=enrolment.course.hours, issued_at=now,
                )
            break
        except IntegrityError:
            # Issued meanwhile by another request (the learner's own claim during a whole-class run): that one.
            concurrent = Certificate.objects.filter(learner=enrolment.learner, course=enrolment.course).first()
            if concurrent is not None:
                return concurrent
            continue  # a code collision: draw again
    else:  # pragma: no cover - 32^12 codes
        raise RuntimeError("could not draw a unique certificate code")
    Enrolment.objects.filter(pk=enrolment.pk, completed_at__isnull=True).update(completed_at=now)
    audit(actor, "certificate.issue", certificate, after={"course": enrolment.course_id,
                                                          "learner": enrolment.learner_id})
    return certificate


def certificate_pdf(certificate: Certificate, *, verify_url: str, province: str) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.add_font("DejaVu", "", str(font_path("DejaVuSans.ttf")))
    pdf.add_font("DejaVu", "B", str(font_path("DejaVuSans-Bold.ttf")))
    pdf.set_draw_color(30, 80, 150)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, 277, 190)
    pdf.set_font("DejaVu", "", 14)
    pdf.set_y(25)
    pdf.cell(0, 8, province, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "B", 30)
    pdf.cell(0, 22, _("CERTIFICATE"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 14)
    pdf.cell(0, 10, _("This certifies that"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "B", 24)
    pdf.cell(0, 16, certificate.learner_name, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 14)
    pdf.cell(0, 10, _("has completed the course"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "B", 18)
    pdf.multi_cell(0, 10, certificate.course_title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 12)
    local = timezone.localtime(certificate.issued_at)
    pdf.cell(0, 8, _("Duration: %(hours)s hours. Issued on %(date)s.") % {
        "hours": f"{certificate.hours:g}", "date": local.strftime("%d/%m/%Y")}, align="C", new_x="LMARGIN",
        new_y="NEXT")
    buffer = io.BytesIO()
    segno.make(verify_url, error="m").save(buffer, kind="png", scale=4, border=1)
    buffer.seek(0)
    pdf.image(buffer, x=235, y=150, w=40)
    pdf.set_xy(20, 175)
    pdf.set_font("DejaVu", "", 10)
    pdf.cell(200, 6, _("Verification code: %(code)s") % {"code": certificate.code}, new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(20)
    pdf.cell(200, 6, verify_url)
    return bytes(pdf.output())


# --- revoking ------------------------------------------------------------------------------------------------


def can_revoke(actor, certificate: Certificate) -> bool:
    """Those who may edit the course (province administrators, the owning instructor) may revoke its certificates."""
    from hocso.training.permissions import can_edit_course

    return can_edit_course(actor, certificate.course)


@transaction.atomic
def certificate_revoke(*, actor, certificate: Certificate, reason: str) -> Certificate:
    """Withdraw a certificate: it stays on record, and the public verification page says it was revoked."""
    ensure(can_revoke(actor, certificate), _("You cannot revoke this certificate."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for revoking the certificate.")]})
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.revoked_at is not None:
        raise ValidationError(_("This certificate has already been revoked."))
    certificate.revoked_at = timezone.now()
    certificate.revoked_reason = reason[:500]
    certificate.save(update_fields=["revoked_at", "revoked_reason"])
    audit(actor, "certificate.revoke", certificate, before={"revoked_at": None},
          after={"revoked_at": certificate.revoked_at.isoformat(), "reason": certificate.revoked_reason})
    return certificate


# --- stored PDFs and whole-class issuing -----------------------------------------------------------------------


def pdf_storage_name(certificate: Certificate) -> str:
    return f"training/certificates/{certificate.code}.pdf"


def verify_url_for(certificate: Certificate, base_url: str) -> str:
    from django.urls import reverse

    return base_url.rstrip("/") + reverse("training:certificate_verify", args=[certificate.code])


def stored_pdf(certificate: Certificate) -> bytes | None:
    """The PDF written by a whole-class run, read through the storage API; None when there is none."""
    from django.core.files.storage import default_storage

    name = pdf_storage_name(certificate)
    try:
        if not default_storage.exists(name):
            return None
        with default_storage.open(name, "rb") as handle:
            return handle.read()
    except OSError:
        return None  # the storage is unreachable: the caller draws the PDF afresh


def certificate_store_pdf(certificate: Certificate, *, base_url: str, province: str) -> bool:
    """Write the certificate's PDF through the storage API once; True when it was written now."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    name = pdf_storage_name(certificate)
    if default_storage.exists(name):
        return False
    pdf = certificate_pdf(certificate, verify_url=verify_url_for(certificate, base_url), province=province)
    default_storage.save(name, ContentFile(pdf))
    return True


def can_issue_for_class(actor, klass) -> bool:
    from hocso.training.classes.services import can_run_class

    return is_province_admin(actor) or can_run_class(actor, klass)


BATCH_STALE_AFTER = dt.timedelta(hours=1)


@transaction.atomic
def batch_request(*, actor, klass, base_url: str):
    """Queue issuing certificates to everyone in the class who completed the course (run by a background task)."""
    from hocso.training.models import BatchStatus, CertificateBatch
    from hocso.training.tasks import issue_class_certificates

    ensure(can_issue_for_class(actor, klass), _("You cannot issue certificates for this class."))
    # One run at a time per class: a second click just shows the pending one. A run left queued or running for
    # longer than any real one takes (its worker was killed) no longer blocks a new request.
    recent = timezone.now() - BATCH_STALE_AFTER
    running = klass.certificate_batches.filter(status__in=[BatchStatus.QUEUED, BatchStatus.RUNNING],
                                               requested_at__gte=recent).first()
    if running is not None:
        return running
    batch = CertificateBatch.objects.create(klass=klass, requested_by=actor)
    audit(actor, "class.certificates_request", klass, extra={"batch": batch.pk})
    transaction.on_commit(lambda: issue_class_certificates.enqueue(batch.pk, base_url))
    return batch


def batch_run(batch_id: int, base_url: str, province: str) -> None:
    """Issue (and store the PDF of) a certificate for every active learner of the class who completed the course.

    Idempotent: certificate_issue returns the existing certificate, and a stored PDF is never written twice.
    Each certificate is issued in its own transaction, so a failure part-way keeps what was already issued.
    """
    from hocso.training.models import BatchStatus, CertificateBatch

    batch = CertificateBatch.objects.select_related("klass__course", "requested_by").get(pk=batch_id)
    if batch.status == BatchStatus.DONE:
        return
    CertificateBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.RUNNING)
    actor = batch.requested_by
    counts = {"issued": 0, "already": 0, "not_completed": 0, "pdfs": 0}
    try:
        enrolments = (Enrolment.objects.filter(klass=batch.klass, status=EnrolmentStatus.ACTIVE)
                      .select_related("learner", "course", "klass").order_by("learner__sort_key", "id"))
        issued_before = set(Certificate.objects.filter(course=batch.klass.course).values_list("learner_id",
                                                                                              flat=True))
        for enrolment in enrolments:
            if enrolment.learner_id in issued_before:
                counts["already"] += 1
                certificate = Certificate.objects.get(learner=enrolment.learner, course=enrolment.course)
            else:
                try:
                    certificate = certificate_issue(actor=actor, enrolment=enrolment)
                except ValidationError:
                    counts["not_completed"] += 1
                    continue
                counts["issued"] += 1
            if certificate.revoked_at is None and certificate_store_pdf(certificate, base_url=base_url,
                                                                        province=province):
                counts["pdfs"] += 1
    except Exception:
        CertificateBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.FAILED, finished_at=timezone.now(),
                                                            **counts)
        raise
    CertificateBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.DONE, finished_at=timezone.now(),
                                                        **counts)
