"""Certificate pages: the learner's claim, the PDF, the public verification page, revoking, and issuing to a whole
class in the background. Thin views."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hocso.core.forms import call_service
from hocso.core.permissions import ensure

from ..classes.selectors import class_get
from ..courses import selectors as course_selectors
from ..permissions import can_download_certificate, can_issue_class_certificates, can_revoke_certificate
from . import selectors, services
from .forms import RevokeForm
from .pdf import certificate_pdf as draw_pdf


@login_required
@require_POST
def certificate_claim(request: HttpRequest, pk: int) -> HttpResponse:
    course = course_selectors.course_get_for_learner(actor=request.user, pk=pk)
    enrolment = course_selectors.enrolment_for(actor=request.user, course=course)
    if enrolment is None:
        raise Http404
    try:
        certificate = services.certificate_issue(actor=request.user, enrolment=enrolment)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("training:course", pk=course.pk)
    return redirect("training:certificate_pdf", code=certificate.code)


@login_required
def certificate_pdf(request: HttpRequest, code: str) -> HttpResponse:
    # A revoked certificate is no longer handed out to its holder (its verification page says it was revoked).
    certificate = selectors.certificate_by_code(code)
    if certificate is None or not can_download_certificate(request.user, certificate):
        raise Http404
    pdf = selectors.stored_pdf(certificate)  # written by "issue certificates to the whole class", if it ran
    if pdf is None:
        verify_url = request.build_absolute_uri(reverse("training:certificate_verify", args=[certificate.code]))
        pdf = draw_pdf(certificate, verify_url=verify_url, province=settings.HOCSO_PROVINCE_NAME)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="chung-chi-{certificate.code}.pdf"'
    return response


def certificate_verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public: anyone with the code sees whose certificate it is, for which course, and whether it stands."""
    certificate = selectors.certificate_by_code(code)
    editor = certificate is not None and request.user.is_authenticated and can_revoke_certificate(request.user,
                                                                                                  certificate)
    return render(request, "training/certificates/verify.html", {
        "certificate": certificate, "code": code, "can_revoke": editor and certificate.revoked_at is None,
        # The reason for a revocation may be personal: only the course's editors see it here.
        "show_reason": editor,
    }, status=200 if certificate else 404)


@login_required
def certificate_revoke(request: HttpRequest, code: str) -> HttpResponse:
    """Confirm, with a reason, that a certificate is withdrawn (course editors only; others get 404)."""
    certificate = selectors.certificate_by_code(code)
    if certificate is None or not can_revoke_certificate(request.user, certificate):
        raise Http404
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and call_service(
        form, services.certificate_revoke, actor=request.user, certificate=certificate,
        reason=form.cleaned_data["reason"],
    ):
        messages.success(request, _("The certificate was revoked."))
        return redirect("training:certificate_verify", code=certificate.code)
    return render(request, "training/certificates/revoke.html", {"certificate": certificate, "form": form})


@login_required
@require_POST
def class_certificates(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue certificates for everyone in the class who completed the course (a background task does the work)."""
    klass = class_get(actor=request.user, pk=pk)
    ensure(can_issue_class_certificates(request.user, klass), _("You cannot issue certificates for this class."))
    services.batch_request(actor=request.user, klass=klass, base_url=request.build_absolute_uri("/"))
    messages.success(request, _("Certificates are being issued in the background. Reload the page to see progress."))
    return redirect("training:class", pk=pk)
