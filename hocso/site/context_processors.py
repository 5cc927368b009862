from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hocso.identity.models import Role
from hocso.identity.scoping import roles_of


def navigation(request) -> dict:
    """Menu entries for the signed-in user's roles, computed only if the page shows the menu (the exam page does
    not: its request is part of the exam-day rush, and the roles cost a query)."""
    return {
        "nav_items": lambda: _menu(request)[0],
        "user_roles": lambda: _menu(request)[1],
        "province_name": settings.HOCSO_PROVINCE_NAME,
    }


def _menu(request) -> tuple[list[tuple[str, str]], set[str]]:
    cached = getattr(request, "_hocso_menu", None)
    if cached is not None:
        return cached
    user = getattr(request, "user", None)
    items: list[tuple[str, str]] = []
    roles: set[str] = set()
    if user is not None and user.is_authenticated:
        roles = roles_of(user)
        items.append((reverse("core:home"), _("Home")))
        # Everyone may be a learner (managers sit the tests too); the page explains when an account has no profile.
        # Not checked here: that would cost a query on every page.
        items.append((reverse("assessment:exam_my_quizzes"), _("My quizzes")))
        items.append((reverse("training:catalogue"), _("Courses")))
        if roles & {Role.PROVINCE_ADMIN, Role.INSTRUCTOR, Role.FOCAL_POINT}:
            items.append((reverse("assessment:quiz_list"), _("Quizzes")))
            items.append((reverse("training:class_list"), _("Classes")))
        if roles & {Role.PROVINCE_ADMIN, Role.INSTRUCTOR}:
            items.append((reverse("assessment:bank_home"), _("Question bank")))
        if roles & {Role.PROVINCE_ADMIN, Role.FOCAL_POINT}:
            items.append((reverse("campaigns:list"), _("Test campaigns")))
            items.append((reverse("training:plan_progress"), _("Training plan")))
            items.append((reverse("org:tree"), _("Units")))
            items.append((reverse("people:list"), _("People")))
            items.append((reverse("people:roles"), _("Roles")))
        if Role.PROVINCE_ADMIN in roles:
            items.append((reverse("org:target_groups"), _("Target groups")))
            items.append((reverse("identity:api_keys"), _("API keys")))
            items.append((reverse("core:audit"), _("Audit log")))
    request._hocso_menu = (items, roles)
    return items, roles
