"""What happens after a person proved who they are: the session, then the steps that must come first.

Every sign-in (password, password + code, single sign-on) ends in `complete_sign_in`, which opens the session
and lists the steps still owed — accepting the personal-data notice (Decree 356/2025/ND-CP asks for consent
before processing) and, for province administrators when the setting asks for it, setting up two-step
verification. `SignInGateMiddleware` keeps the person on those steps until they are done. The list lives in
the session, written at sign-in only, so ordinary requests cost no query.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from hocso.core.api_common import error_response
from hocso.core.request_context import ip_from_request

from . import totp
from .models import CONSENT_VERSION, ConsentRecord
from .services import consent_record

# The version of the personal-data notice (identity/consent_notice.html). Change it when the notice changes
# materially: everyone is asked again at their next sign-in.

GATES_KEY = "hocso_gates"
GATE_CONSENT = "consent"
GATE_TOTP_SETUP = "totp_setup"
SIGN_IN_METHOD_KEY = "hocso_sign_in_method"


def safe_next(request: HttpRequest, candidate: str | None) -> str:
    """`candidate` when it points into this site, else the home page (no open redirects)."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def has_current_consent(user) -> bool:
    return ConsentRecord.objects.filter(user=user, version=CONSENT_VERSION).exists()


def pending_gates(user, *, method: str) -> list[str]:
    gates = []
    if not has_current_consent(user):
        gates.append(GATE_CONSENT)
    # The provider's own strong sign-in (eKYC) stands for the second factor after single sign-on.
    if method != "sso" and totp.is_required_for(user) and not totp.has_confirmed_device(user):
        gates.append(GATE_TOTP_SETUP)
    return gates


def complete_sign_in(request: HttpRequest, user, *, backend: str, method: str, next_url: str | None) -> HttpResponse:
    """Open the session (a new session key: no fixation) and go to the first pending step, else `next_url`."""
    login(request, user, backend=backend)
    if method != "sso":
        # The whole sign-in succeeded: earlier mistakes on this account no longer count towards a lock-out.
        from axes.utils import reset as axes_reset

        axes_reset(username=user.get_username())
    request.session[SIGN_IN_METHOD_KEY] = method
    gates = pending_gates(user, method=method)
    request.session[GATES_KEY] = gates
    target = safe_next(request, next_url)
    if gates:
        return redirect(gate_url(gates[0], target))
    return redirect(target)


def gate_url(gate: str, next_url: str) -> str:
    from urllib.parse import urlencode

    name = {GATE_CONSENT: "identity:consent", GATE_TOTP_SETUP: "identity:totp_setup"}[gate]
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


def clear_gate(request: HttpRequest, gate: str) -> list[str]:
    gates = [g for g in request.session.get(GATES_KEY, []) if g != gate]
    request.session[GATES_KEY] = gates
    return gates


def record_consent_from_request(request: HttpRequest) -> ConsentRecord:
    return consent_record(user=request.user, ip_address=ip_from_request(request))


class SignInGateMiddleware:
    """Sends a signed-in person with a pending step to it; only that step, signing out, the language switch and
    static files are reachable meanwhile."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        # Views that never use the session (the exam's answer save, authorised by its own token) skip the gate:
        # reading the session would cost a query on the exam's hottest path.
        if getattr(view_func, "session_free", False):
            return None
        gates = request.session.get(GATES_KEY) if hasattr(request, "session") else None
        if gates and request.user.is_authenticated and not self._allowed(request.path_info, gates[0]):
            if request.path_info.startswith("/api/"):  # in the API's error shape, as its schema documents
                return error_response(403, "sign_in_incomplete", _(
                    "Finish signing in first (accept the personal-data notice or set up two-step verification)."))
            return redirect(gate_url(gates[0], request.get_full_path()))
        return None

    @staticmethod
    def _allowed(path: str, gate: str) -> bool:
        allowed = {reverse("identity:logout"), reverse("set_language"), reverse("identity:privacy_notice")}
        allowed.add(reverse("identity:consent") if gate == GATE_CONSENT else reverse("identity:totp_setup"))
        return path in allowed or path.startswith(settings.STATIC_URL)
