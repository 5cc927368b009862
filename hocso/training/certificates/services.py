"""Writes for certificates: issued when the course's completion rule is met (by the learner's claim or a whole-class
run in the background), their PDF stored once, revoked with a reason. Keyword-only, transactional, audited."""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hocso.core.actors import Actor
from hocso.core.audit import audit
from hocso.core.permissions import ensure

from ..courses.completion import course_status
from ..models import (
    BatchStatus,
    Certificate,
    CertificateBatch,
    CertificateKind,
    CourseClass,
    Enrolment,
    EnrolmentStatus,
)
from ..permissions import can_issue_certificate, can_issue_class_certificates, can_revoke_certificate
from ..tasks import issue_class_certificates
from .pdf import certificate_pdf
from .selectors import pdf_storage_name, verify_url_for

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are read aloud and typed
# How long a queued or running whole-class run blocks a new request (past that, its worker must have died).
BATCH_STALE_AFTER = dt.timedelta(hours=1)


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))


@transaction.atomic
def certificate_issue(*, actor: Actor, enrolment: Enrolment) -> Certificate:
    """The certificate of a completed course (the same one if already issued)."""
    ensure(can_issue_certificate(actor, enrolment), _("You cannot issue this certificate."))
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


# --- revoking ------------------------------------------------------------------------------------------------


@transaction.atomic
def certificate_revoke(*, actor: Actor, certificate: Certificate, reason: str) -> Certificate:
    """Withdraw a certificate: it stays on record, and the public verification page says it was revoked."""
    ensure(can_revoke_certificate(actor, certificate), _("You cannot revoke this certificate."))
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


def certificate_store_pdf(certificate: Certificate, *, base_url: str, province: str) -> bool:
    """Write the certificate's PDF through the storage API once; True when it was written now."""
    name = pdf_storage_name(certificate)
    if default_storage.exists(name):
        return False
    pdf = certificate_pdf(certificate, verify_url=verify_url_for(certificate, base_url), province=province)
    default_storage.save(name, ContentFile(pdf))
    return True


@transaction.atomic
def batch_request(*, actor: Actor, klass: CourseClass, base_url: str) -> CertificateBatch:
    """Queue issuing certificates to everyone in the class who completed the course (run by a background task)."""
    ensure(can_issue_class_certificates(actor, klass), _("You cannot issue certificates for this class."))
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
    The actor is whoever requested the run (the audit log names them for each certificate).
    """
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


@transaction.atomic
def participation_certificate(*, actor: Actor, learner, source: str, title: str, hours: Decimal,
                              issued_at: dt.datetime | None = None) -> tuple[Certificate, bool]:
    """A certificate of participation in something a higher app ran (`source`, e.g. "programme:12"): the same one if
    already issued for that source. Returns it and whether it is new. The caller decides who may ask."""
    existing = Certificate.objects.filter(learner=learner, source=source).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            certificate = Certificate.objects.create(
                code=new_code(), learner=learner, course=None, kind=CertificateKind.PARTICIPATION, source=source,
                learner_name=learner.full_name, course_title=title[:255], hours=hours,
                issued_at=issued_at or timezone.now())
    except IntegrityError:  # issued at the same moment by another request
        return Certificate.objects.get(learner=learner, source=source), False
    audit(actor, "certificate.issue", certificate, after={"source": source, "learner": learner.pk})
    return certificate, True
