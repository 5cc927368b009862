"""Single sign-on pages: start, callback from the provider, and confirming a profile found by e-mail."""

from __future__ import annotations

import logging

from django.contrib.auth import get_user_model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from hocso.people.models import Learner

from . import oidc
from .oidc import SsoError
from .services import sso
from .signin import complete_sign_in, safe_next

log = logging.getLogger(__name__)

ID_TOKEN_KEY = "hocso_oidc_id_token"
NEXT_KEY = "hocso_sso_next"
PENDING_KEY = "hocso_sso_pending"
MODEL_BACKEND = "hocso.identity.backends.AccountBackend"


def _require_sso() -> oidc.OidcConfig:
    cfg = oidc.config()
    if cfg is None:
        raise Http404(_("Single sign-on is not configured."))
    return cfg


def _error_message(reason: str, provider: str) -> str:
    messages = {
        "state_mismatch": _(
            "The sign-in could not be finished: it was started in another window or took too long. Please try again."
        ),
        "provider_error": _("The sign-in was cancelled or refused at %(provider)s."),
        "provider_unreachable": _(
            "%(provider)s cannot be reached right now. Try again later, or sign in with your username and password."
        ),
    }
    default = _(
        "The answer from %(provider)s could not be verified, so you were not signed in. Please try again; if it "
        "happens again, tell the province administrator."
    )
    return messages.get(reason, default) % {"provider": provider}


def _problem(request: HttpRequest, cfg: oidc.OidcConfig, *, kind: str, status: int, message: str = "") -> HttpResponse:
    return render(
        request, "identity/sso_problem.html",
        {"kind": kind, "message": message, "provider_name": cfg.provider_name}, status=status,
    )


@require_GET
@never_cache
def sso_start(request: HttpRequest) -> HttpResponse:
    cfg = _require_sso()
    next_url = safe_next(request, request.GET.get("next"))
    if request.user.is_authenticated:
        return redirect(next_url)
    request.session[NEXT_KEY] = next_url
    try:
        return oidc.start(request, request.build_absolute_uri(reverse("identity:sso_callback")))
    except SsoError as exc:
        log.warning("OIDC: cannot start the sign-in: %s", exc)
        return _problem(request, cfg, kind="error", status=502, message=_error_message(exc.reason, cfg.provider_name))


def _sign_in(request: HttpRequest, user, id_token: str, next_url: str | None) -> HttpResponse:
    response = complete_sign_in(request, user, backend=MODEL_BACKEND, method="sso", next_url=next_url)
    # Kept for the provider's logout (id_token_hint); the session is server-side.
    request.session[ID_TOKEN_KEY] = id_token
    return response


@require_GET
@never_cache
def sso_callback(request: HttpRequest) -> HttpResponse:
    cfg = _require_sso()
    try:
        claims = oidc.finish(request)
    except SsoError as exc:
        log.warning("OIDC: sign-in refused: %s", exc)
        status = 502 if exc.reason == "provider_unreachable" else 400
        message = _error_message(exc.reason, cfg.provider_name)
        return _problem(request, cfg, kind="error", status=status, message=message)
    outcome = sso.sso_resolve(claims=claims)
    next_url = request.session.pop(NEXT_KEY, None)
    if outcome.kind == sso.LOGIN:
        return _sign_in(request, outcome.user, claims.id_token, next_url)
    if outcome.kind == sso.CONFIRM:
        request.session[PENDING_KEY] = {
            **sso.pending_from(claims, outcome), "id_token": claims.id_token, "next": next_url,
        }
        return redirect("identity:sso_confirm")
    return _problem(request, cfg, kind=outcome.kind, status=403)


@require_http_methods(["GET", "POST"])
@never_cache
def sso_confirm(request: HttpRequest) -> HttpResponse:
    """A profile was found by the verified e-mail: the person says whether it is theirs before it is linked."""
    cfg = _require_sso()
    pending = request.session.get(PENDING_KEY)
    if not pending:
        return redirect("identity:login")
    if request.method == "POST":
        request.session.pop(PENDING_KEY, None)
        if request.POST.get("answer") != "yes":
            return _problem(request, cfg, kind="declined", status=200)
        outcome = sso.sso_link_confirmed(pending=pending)
        if outcome.kind == sso.LOGIN:
            return _sign_in(request, outcome.user, pending["id_token"], pending.get("next"))
        return _problem(request, cfg, kind=outcome.kind, status=403)
    learner = user = None
    if pending.get("learner_id"):
        learner = Learner.objects.select_related("unit").filter(pk=pending["learner_id"]).first()
    elif pending.get("user_id"):
        user = get_user_model().objects.filter(pk=pending["user_id"]).first()
    if learner is None and user is None:
        request.session.pop(PENDING_KEY, None)
        return _problem(request, cfg, kind="unknown", status=403)
    return render(request, "identity/sso_confirm.html", {
        "learner": learner, "account": user, "email": pending["email"], "provider_name": cfg.provider_name,
    })
