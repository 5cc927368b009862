"""The account's part of a person's personal data (see hocso.people.privacy): its sections of the copy, and its
erasure when the person is anonymised."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from hocso.core.models import AuditEntry
from hocso.people.privacy import Column, register_account_eraser, register_section

from .services import account_anonymise


def account_rows(subject) -> list[dict[str, Any]]:
    user = subject.user
    if user is None:
        return []
    return [{
        "username": user.get_username(),
        "full_name": user.full_name,
        "email": user.email,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "roles": "; ".join(str(assignment) for assignment in user.roles.select_related("unit")),
        "single_sign_on": "; ".join(identity.issuer for identity in user.oidc_identities.all()),
        "two_step": bool(getattr(user, "totp_device", None) and user.totp_device.is_confirmed),
    }]


def consent_rows(subject) -> list[dict[str, Any]]:
    if subject.user is None:
        return []
    return [
        {"version": record.version, "accepted_at": record.accepted_at}
        for record in subject.user.consents.order_by("accepted_at")
    ]


def access_rows(subject) -> list[dict[str, Any]]:
    """Who did what with the person's record: every look at the full CCCD number is here too."""
    conditions = []
    if subject.learner is not None:
        conditions.append(("people.learner", str(subject.learner.pk)))
    if subject.user is not None:
        conditions.append((subject.user._meta.label_lower, str(subject.user.pk)))
    rows = []
    for object_type, object_id in conditions:
        for entry in AuditEntry.objects.filter(object_type=object_type, object_id=object_id).order_by("created_at"):
            rows.append({"time": entry.created_at, "action": entry.action, "by": entry.actor_label})
    return sorted(rows, key=lambda row: row["time"])


def register() -> None:
    register_account_eraser("account", account_anonymise)
    register_section(
        "account", _("Account"), order=30, rows=account_rows,
        columns=[
            Column("username", _("Username")), Column("full_name", _("full name")), Column("email", _("email")),
            Column("date_joined", _("created")), Column("last_login", _("last sign-in")),
            Column("roles", _("roles")), Column("single_sign_on", _("single sign-on")),
            Column("two_step", _("two-step verification")),
        ],
    )
    register_section(
        "consents", _("Consent to the personal-data notice"), order=31, rows=consent_rows,
        columns=[Column("version", _("notice version")), Column("accepted_at", _("accepted"))],
    )
    register_section(
        "access", _("Actions on your record"), order=90, rows=access_rows,
        columns=[Column("time", _("time")), Column("action", _("action")), Column("by", _("by"))],
    )
