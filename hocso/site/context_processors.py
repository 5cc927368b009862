"""The navigation menu: the entries each person's roles open."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hocso.access.permissions import can_author, can_manage_people, can_see_quizzes_and_classes
from hocso.access.scoping import is_province_admin, roles_of


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
        roles = roles_of(user)  # read once per request; the predicates below reuse it
        items.append((reverse("core:home"), _("Home")))
        # Everyone may be a learner (managers sit the tests too); the page explains when an account has no profile.
        # Not checked here: that would cost a query on every page.
        items.append((reverse("assessment:exam_my_quizzes"), _("My quizzes")))
        items.append((reverse("training:catalogue"), _("Courses")))
        if can_see_quizzes_and_classes(user):
            items.append((reverse("assessment:quiz_list"), _("Quizzes")))
            items.append((reverse("training:class_list"), _("Classes")))
        if can_author(user):
            items.append((reverse("assessment:bank_home"), _("Question bank")))
        if can_manage_people(user):
            items.append((reverse("campaigns:list"), _("Test campaigns")))
            items.append((reverse("training:plan_progress"), _("Training plan")))
            items.append((reverse("org:tree"), _("Units")))
            items.append((reverse("people:list"), _("People")))
            items.append((reverse("people:roles"), _("Roles")))
        if is_province_admin(user):
            items.append((reverse("org:target_groups"), _("Target groups")))
            items.append((reverse("identity:api_keys"), _("API keys")))
            items.append((reverse("core:audit"), _("Audit log")))
    request._hocso_menu = (items, roles)
    return items, roles
