"""Reads for certificates: by their code, a learner's own, a class's counts, and the stored PDF."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.db.models import OuterRef, QuerySet, Subquery
from django.urls import reverse

from hocso.people.models import Learner

from ..models import Certificate, CourseClass, Enrolment, EnrolmentStatus


def certificate_by_code(code: str) -> Certificate | None:
    """The certificate with this code as people type it (spaces around, lower case), with its learner and course."""
    return Certificate.objects.select_related("learner", "course").filter(code=code.strip().upper()).first()


def certificates_of(learner: Learner) -> QuerySet[Certificate]:
    return Certificate.objects.filter(learner=learner).order_by("-issued_at", "-id")


def certificate_of(learner: Learner, course_id: int) -> Certificate | None:
    return Certificate.objects.filter(learner=learner, course_id=course_id).first()


def certificate_codes(learner: Learner, courses: list) -> dict[int, str]:
    """{course id: the code of the learner's certificate} for those of `courses` they hold one for."""
    return dict(Certificate.objects.filter(learner=learner, course__in=courses).values_list("course_id", "code"))


def class_certificate_counts(klass: CourseClass) -> dict[str, int]:
    """How many of the class's enrolled learners hold a (valid) certificate of its course, and how many do not."""
    learners = klass.enrolments.filter(status=EnrolmentStatus.ACTIVE).values("learner_id")
    held = Certificate.objects.filter(course_id=klass.course_id, learner_id__in=learners, revoked_at__isnull=True)
    active = klass.enrolments.filter(status=EnrolmentStatus.ACTIVE).count()
    issued = held.count()
    return {"active": active, "issued": issued, "without": active - issued}


def with_certificate_codes(enrolments: QuerySet[Enrolment]) -> QuerySet[Enrolment]:
    """Each enrolment with the code of the learner's certificate for the course (or None), in the same query."""
    codes = Certificate.objects.filter(learner_id=OuterRef("learner_id"), course_id=OuterRef("course_id"))
    return enrolments.annotate(certificate_code=Subquery(codes.values("code")[:1]),
                               certificate_revoked=Subquery(codes.values("revoked_at")[:1]))


def verify_url_for(certificate: Certificate, base_url: str) -> str:
    """The public verification address, on the site at `base_url` (the requesting host's)."""
    return base_url.rstrip("/") + reverse("training:certificate_verify", args=[certificate.code])


def pdf_storage_name(certificate: Certificate) -> str:
    return f"training/certificates/{certificate.code}.pdf"


def stored_pdf(certificate: Certificate) -> bytes | None:
    """The PDF written by a whole-class run, read through the storage API; None when there is none."""
    name = pdf_storage_name(certificate)
    try:
        if not default_storage.exists(name):
            return None
        with default_storage.open(name, "rb") as handle:
            return handle.read()
    except OSError:
        return None  # the storage is unreachable: the caller draws the PDF afresh


def recent_certificates(learner: Learner, limit: int = 5) -> list[Certificate]:
    """The learner's newest certificates (revoked ones too: the page says so), with their course."""
    return list(certificates_of(learner).select_related("course")[:limit])
