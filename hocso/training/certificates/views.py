"""Certificates (claim, download, public verification) and the calendar feed. Thin views."""

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

from hocso.identity.scoping import is_province_admin
from hocso.people.forms import apply_validation_error
from hocso.people.models import Learner
from hocso.training.certificates import services as certificates
from hocso.training.classes import calendar
from hocso.training.courses import selectors
from hocso.training.courses.forms import RevokeForm
from hocso.training.models import Certificate


@login_required
@require_POST
def certificate_claim(request: HttpRequest, pk: int) -> HttpResponse:
    course = selectors.course_get_for_learner(actor=request.user, pk=pk)
    enrolment = selectors.enrolment_for(actor=request.user, course=course)
    if enrolment is None:
        raise Http404
    try:
        certificate = certificates.certificate_issue(actor=request.user, enrolment=enrolment)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("training:course", pk=course.pk)
    return redirect("training:certificate_pdf", code=certificate.code)


@login_required
def certificate_pdf(request: HttpRequest, code: str) -> HttpResponse:
    certificate = Certificate.objects.select_related("learner").filter(code=code.strip().upper()).first()
    own = certificate is not None and certificate.learner.user_id == request.user.pk
    if certificate is None or not (own or is_province_admin(request.user)):
        raise Http404
    if certificate.revoked_at is not None and not is_province_admin(request.user):
        raise Http404  # a revoked certificate is no longer handed out (its verification page says it was revoked)
    pdf = certificates.stored_pdf(certificate)  # written by "issue certificates to the whole class", if it ran
    if pdf is None:
        verify_url = request.build_absolute_uri(reverse("training:certificate_verify", args=[certificate.code]))
        pdf = certificates.certificate_pdf(certificate, verify_url=verify_url, province=settings.HOCSO_PROVINCE_NAME)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="chung-chi-{certificate.code}.pdf"'
    return response


def certificate_verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public: anyone with the code sees whose certificate it is, for which course, and whether it stands."""
    certificate = Certificate.objects.select_related("course").filter(code=code.strip().upper()).first()
    editor = certificate is not None and request.user.is_authenticated and certificates.can_revoke(request.user,
                                                                                                  certificate)
    return render(request, "training/certificates/verify.html", {
        "certificate": certificate, "code": code, "can_revoke": editor and certificate.revoked_at is None,
        # The reason for a revocation may be personal: only the course's editors see it here.
        "show_reason": editor,
    }, status=200 if certificate else 404)


@login_required
def certificate_revoke(request: HttpRequest, code: str) -> HttpResponse:
    """Confirm, with a reason, that a certificate is withdrawn (course editors only; others get 404)."""
    certificate = Certificate.objects.select_related("course").filter(code=code.strip().upper()).first()
    if certificate is None or not certificates.can_revoke(request.user, certificate):
        raise Http404
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            certificates.certificate_revoke(actor=request.user, certificate=certificate,
                                            reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The certificate was revoked."))
            return redirect("training:certificate_verify", code=certificate.code)
    return render(request, "training/certificates/revoke.html", {"certificate": certificate, "form": form})


def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The learner's sessions for calendar apps, which cannot sign in: the signed address is the key."""
    user_id = calendar.user_id_for_token(token)
    learner = Learner.objects.filter(user_id=user_id, user__is_active=True).first() if user_id else None
    if learner is None:
        raise Http404
    body = calendar.ics(calendar.sessions_for_learner(learner), host=request.get_host().split(":")[0],
                        name=_("My classes"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="lich-hoc.ics"'
    return response
