"""/api/v1/training/…, the certificates part: the learner's own certificates, and the public check of a code. The
routes are declared in `hocso.training.api`, in the order of the OpenAPI document."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Schema

from ..courses.api import learner_or_403
from . import selectors

# --- schemas -------------------------------------------------------------------------------------------------


class MyCertificateOut(Schema):
    code: str
    course_id: int | None = Field(description="null for a certificate of participation (an awareness programme).")
    course_title: str
    hours: float
    issued_at: dt.datetime
    revoked_at: dt.datetime | None
    verify_url: str
    pdf_url: str


class VerifyOut(Schema):
    code: str
    valid: bool = Field(description="false once revoked.")
    learner_name: str
    course_title: str
    hours: float
    issued_at: dt.datetime
    revoked_at: dt.datetime | None


# --- handlers ------------------------------------------------------------------------------------------------


def my_certificates(request: HttpRequest):
    learner = learner_or_403(request)
    base = request.build_absolute_uri("/")
    return [{
        "code": c.code, "course_id": c.course_id, "course_title": c.course_title, "hours": float(c.hours),
        "issued_at": c.issued_at, "revoked_at": c.revoked_at, "verify_url": selectors.verify_url_for(c, base),
        "pdf_url": request.build_absolute_uri(reverse("training:certificate_pdf", args=[c.code])),
    } for c in selectors.certificates_of(learner)]


def verify_certificate(request: HttpRequest, code: str):
    """No authentication: the same facts as the public verification page (the name on the certificate, the
    course, the hours, the dates), and whether it was revoked."""
    certificate = selectors.certificate_by_code(code)
    if certificate is None:
        raise Http404(_("No certificate has this code."))
    return {"code": certificate.code, "valid": certificate.revoked_at is None,
            "learner_name": certificate.learner_name, "course_title": certificate.course_title,
            "hours": float(certificate.hours), "issued_at": certificate.issued_at,
            "revoked_at": certificate.revoked_at}  # not the reason: it may be personal (kept in the audit log)
