"""The signed-in person's own account: security settings, the personal-data notice and a copy of their data."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from hocso.core.audit import audit
from hocso.core.exporting import XLSX_TYPE
from hocso.core.forms import call_service
from hocso.people import privacy

from . import oidc, totp
from .forms import ConsentForm, OtpForm
from .models import ConsentRecord, OidcIdentity
from .services import sessions_revoke_all, two_step
from .signin import (
    CONSENT_VERSION,
    GATE_CONSENT,
    GATE_TOTP_SETUP,
    clear_gate,
    gate_url,
    record_consent_from_request,
    safe_next,
)


def _after_gate(request: HttpRequest, gate: str) -> HttpResponse:
    remaining = clear_gate(request, gate)
    target = safe_next(request, request.GET.get("next") or request.POST.get("next"))
    return redirect(gate_url(remaining[0], target) if remaining else target)


@login_required
@never_cache
def account(request: HttpRequest) -> HttpResponse:
    user = request.user
    device = totp.device_of(user)
    return render(request, "identity/account.html", {
        "two_step_on": device is not None and device.is_confirmed,
        "two_step_required": totp.is_required_for(user),
        "identities": OidcIdentity.objects.filter(user=user).order_by("created_at"),
        "consent": ConsentRecord.objects.filter(user=user).order_by("-accepted_at").first(),
        "consent_version": CONSENT_VERSION,
        "sso_provider_name": (oidc.config().provider_name if oidc.enabled() else ""),
        "has_password": user.has_usable_password(),
    })


@login_required
@never_cache
def totp_setup(request: HttpRequest) -> HttpResponse:
    user = request.user
    device = totp.device_of(user)
    if device is not None and device.is_confirmed:
        messages.info(request, _("Two-step verification is already on."))
        return redirect("identity:account")
    if device is None or (request.method == "GET" and request.GET.get("restart")):
        device = two_step.totp_begin(user=user)
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and call_service(
        form, two_step.totp_confirm, user=user, code=form.cleaned_data["code"],
    ):
        messages.success(request, _("Two-step verification is on. Keep your phone with the app safe."))
        return _after_gate(request, GATE_TOTP_SETUP)
    secret = device.secret
    return render(request, "identity/totp_setup.html", {
        "form": form,
        "qr_svg": totp.qr_svg(device),
        "secret_groups": [secret[i:i + 4] for i in range(0, len(secret), 4)],
        "required": totp.is_required_for(user),
        "next": request.GET.get("next", ""),
    })


@login_required
@never_cache
def totp_disable(request: HttpRequest) -> HttpResponse:
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        call_service(form, two_step.totp_disable, user=request.user, code=form.cleaned_data["code"])
        if not form.errors:  # the service returns nothing: its refusal is on the form
            messages.success(request, _("Two-step verification is off."))
            return redirect("identity:account")
    return render(request, "identity/totp_disable.html", {"form": form})


@login_required
@require_POST
def sign_out_everywhere(request: HttpRequest) -> HttpResponse:
    sessions_revoke_all(actor=request.user, user=request.user)
    logout(request)
    messages.success(request, _("You have been signed out on every device, this one included."))
    return redirect("identity:login")


def privacy_notice(request: HttpRequest) -> HttpResponse:
    """The notice, readable by anyone (also before signing in)."""
    return render(request, "identity/privacy_notice.html", {"consent_version": CONSENT_VERSION})


@login_required
@never_cache
def consent(request: HttpRequest) -> HttpResponse:
    form = ConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        record_consent_from_request(request)
        return _after_gate(request, GATE_CONSENT)
    return render(request, "identity/consent.html", {
        "form": form, "consent_version": CONSENT_VERSION, "next": request.GET.get("next", ""),
    })


# --- a copy of one's own data ----------------------------------------------------------------------------------


@login_required
@never_cache
def my_data(request: HttpRequest) -> HttpResponse:
    subject = privacy.subject_for(request.user)
    return render(request, "identity/my_data.html", {
        "sections": privacy.sections(), "learner": subject.learner,
    })


def _download(request: HttpRequest, kind: str) -> HttpResponse:
    subject = privacy.subject_for(request.user)
    data = privacy.personal_data(actor=request.user, subject=subject)
    stamp = timezone.localdate().strftime("%Y%m%d")
    if kind == "json":
        response = HttpResponse(privacy.as_json(data), content_type="application/json; charset=utf-8")
    else:
        response = HttpResponse(privacy.as_xlsx(data), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="hocso-du-lieu-ca-nhan-{stamp}.{kind}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def my_data_json(request: HttpRequest) -> HttpResponse:
    return _download(request, "json")


@login_required
@require_POST
def my_data_xlsx(request: HttpRequest) -> HttpResponse:
    return _download(request, "xlsx")


# --- passwords -------------------------------------------------------------------------------------------------


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "identity/password_change.html"
    success_url = reverse_lazy("identity:account")

    def form_valid(self, form):
        response = super().form_valid(form)  # keeps this session; every other one ends with the old password
        audit(self.request.user, "account.password_change", self.request.user)
        messages.success(self.request, _("Your password has been changed. Other devices have been signed out."))
        return response


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "identity/password_reset_form.html"
    email_template_name = "identity/email/password_reset.txt"
    subject_template_name = "identity/email/password_reset_subject.txt"
    success_url = reverse_lazy("identity:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "identity/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "identity/password_reset_confirm.html"
    success_url = reverse_lazy("identity:password_reset_complete")

    def form_valid(self, form):
        from axes.utils import reset as axes_reset

        response = super().form_valid(form)
        # Proving control of the mailbox ends a lock-out; the new password ends every open session.
        axes_reset(username=form.user.get_username())
        audit(form.user, "account.password_reset", form.user)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "identity/password_reset_complete.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["login_url"] = reverse("identity:login")
        return context
