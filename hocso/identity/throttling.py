"""Login throttling with django-axes: a temporary lock-out per account and, with a higher limit, per address.

A commune office often reaches the Internet through one shared address, so the address limit
(LOGIN_IP_FAILURE_LIMIT) is well above the account limit (LOGIN_FAILURE_LIMIT): one person's mistakes lock
their own account, not the whole office; a password-guessing run from one address is still stopped.
"""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off, get_failure_limit
from django.conf import settings
from django.db.models import Sum
from django.shortcuts import render

from hocso.core.request_context import ip_from_request


def client_ip(request) -> str | None:
    """The address axes records: the same one the audit log uses (X-Forwarded-For only when trusted)."""
    return ip_from_request(request)


class AxesBackend(AxesStandaloneBackend):
    """Refuses locked-out accounts before the password is checked.

    Authentication without a request (a management command, the test client's login()) does not come from the
    network and has no address to throttle, so it is left to the next backend instead of failing.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class AxesHandler(AxesDatabaseHandler):
    """Axes compares one failure count with one limit; this count reaches the account limit when either the
    account's failures reach it or the address's failures reach the (higher) address limit."""

    def get_failures(self, request, credentials=None) -> int:
        by_parameter = [
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        ]
        parameters = settings.AXES_LOCKOUT_PARAMETERS
        by_account = sum(n for p, n in zip(parameters, by_parameter, strict=False) if p == "username")
        by_address = sum(n for p, n in zip(parameters, by_parameter, strict=False) if p == "ip_address")
        if by_address >= settings.LOGIN_IP_FAILURE_LIMIT:
            return max(by_account, get_failure_limit(request, credentials))
        return by_account


def lockout_response(request, original_response=None, credentials=None):
    """The sign-in page again, with a clear message and HTTP 429, instead of axes' plain text."""
    cool_off = get_cool_off(request)
    minutes = max(1, int(cool_off.total_seconds() // 60)) if cool_off else None
    return render(
        request,
        "identity/locked_out.html",
        {"minutes": minutes},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
