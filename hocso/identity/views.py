from __future__ import annotations

import time

from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from hocso.core.forms import call_service
from hocso.core.pagination import paginate, querystring_without_page
from hocso.org.forms import UnitPickerField
from hocso.org.models import Unit

from . import oidc, totp
from .forms import LoginForm, OtpForm
from .models import ApiKey
from .permissions import can_manage_api_keys
from .services import api_key_issue, api_key_revoke, two_step
from .signin import complete_sign_in
from .throttling import lockout_response
from .views_sso import ID_TOKEN_KEY

PENDING_OTP_KEY = "hocso_pending_otp"
OTP_STEP_SECONDS = 300
OTP_MAX_TRIES = 5


class LoginView(auth_views.LoginView):
    template_name = "identity/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cfg = oidc.config()
        context["sso_provider_name"] = cfg.provider_name if cfg else ""
        return context

    def form_valid(self, form):
        user = form.get_user()
        next_url = self.get_redirect_url()
        if totp.has_confirmed_device(user):
            # The password was right; the session opens only after the code (nothing is signed in yet).
            self.request.session[PENDING_OTP_KEY] = {
                "user_id": user.pk, "backend": user.backend, "next": next_url,
                "expires": time.time() + OTP_STEP_SECONDS, "tries": 0,
            }
            return redirect("identity:login_otp")
        return complete_sign_in(self.request, user, backend=user.backend, method="password", next_url=next_url)


@never_cache
def login_otp(request):
    """The second step of a password sign-in: the code from the authenticator app."""
    pending = request.session.get(PENDING_OTP_KEY)
    user = None
    if pending and pending.get("expires", 0) > time.time():
        user = get_user_model().objects.filter(pk=pending["user_id"], is_active=True).first()
    if user is None:
        request.session.pop(PENDING_OTP_KEY, None)
        messages.info(request, _("Please sign in again."))
        return redirect("identity:login")
    credentials = {"username": user.get_username()}
    if not AxesProxyHandler.is_allowed(request, credentials):
        request.session.pop(PENDING_OTP_KEY, None)
        return lockout_response(request)
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = totp.device_of(user)
        if device is not None and device.is_confirmed and two_step.verify(device, form.cleaned_data["code"]):
            request.session.pop(PENDING_OTP_KEY, None)
            return complete_sign_in(
                request, user, backend=pending["backend"], method="password+totp", next_url=pending["next"]
            )
        # A wrong code counts like a wrong password towards the account's lock-out.
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        pending["tries"] += 1
        if pending["tries"] >= OTP_MAX_TRIES:
            request.session.pop(PENDING_OTP_KEY, None)
            messages.error(request, _("Too many wrong codes. Sign in again."))
            return redirect("identity:login")
        request.session[PENDING_OTP_KEY] = pending
        form.add_error("code", _("That code is not right. Enter the 6 digits the app shows now."))
    return render(request, "identity/login_otp.html", {"form": form})


class LogoutView(auth_views.LogoutView):
    """Signs out here, then, after a single sign-on, at the provider too (RP-initiated logout) when it offers it."""

    def post(self, request, *args, **kwargs):
        id_token = request.session.get(ID_TOKEN_KEY)
        response = super().post(request, *args, **kwargs)
        if id_token:
            url = oidc.end_session_url(
                id_token=id_token, post_logout_redirect_uri=request.build_absolute_uri(reverse("identity:login"))
            )
            if url:
                return HttpResponseRedirect(url)
        return response


# --- API keys (province administrators only) ------------------------------------------------------------------


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"), max_length=200,
        help_text=gettext_lazy("Who uses the key, e.g. “IOC dashboard” or “Website of the commune”."),
    )
    unit = UnitPickerField(
        label=gettext_lazy("Unit scope"), required=False, queryset=Unit.objects.none(),
        empty_label=gettext_lazy("Whole province"),
        help_text=gettext_lazy("The key sees only this unit and the units below it."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.current().order_by("path")


def _require_province_admin(request) -> None:
    if not can_manage_api_keys(request.user):
        raise PermissionDenied(_("Only province administrators can manage API keys."))


@login_required
def api_keys(request):
    _require_province_admin(request)
    # Keys belong to the province, not to a unit: an administrator sees all of them.
    keys = ApiKey.objects.select_related("unit", "created_by").order_by("revoked_at", "-created_at")
    return render(
        request,
        "identity/api_keys.html",
        {"page": paginate(request, keys), "querystring": querystring_without_page(request)},
    )


@login_required
def api_key_create(request):
    _require_province_admin(request)
    form = ApiKeyForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and (issued := call_service(
        form, api_key_issue, actor=request.user, name=form.cleaned_data["name"], unit=form.cleaned_data["unit"],
    )):
        key, raw_key = issued
        # Rendered, not redirected: the raw key must never be stored (not even in the session).
        response = render(request, "identity/api_key_created.html", {"key": key, "raw_key": raw_key})
        response["Cache-Control"] = "no-store"
        return response
    return render(request, "identity/api_key_form.html", {"form": form})


@login_required
def api_key_revoke_view(request, pk: int):
    _require_province_admin(request)
    key = ApiKey.objects.select_related("unit").filter(pk=pk).first()
    if key is None:
        raise Http404(_("API key not found."))
    if request.method == "POST":
        try:
            api_key_revoke(actor=request.user, key=key)
        except ValidationError as error:
            messages.warning(request, " ".join(error.messages))
        else:
            messages.success(request, _("The key “%(name)s” has been revoked.") % {"name": key.name})
        return redirect("identity:api_keys")
    return render(request, "identity/api_key_revoke.html", {"key": key})
