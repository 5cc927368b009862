"""The navigation menu: the entries each person's roles open, grouped so that the header stays one bar."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.urls import get_script_prefix, reverse
from django.utils.translation import gettext_lazy as _

from hocso.access.permissions import can_author, can_manage_people, can_see_quizzes_and_classes
from hocso.access.scoping import is_province_admin, roles_of
from hocso.core.permissions import can_read_audit_log


@dataclass
class MenuEntry:
    """A link (`url`) or a group of links (`items`, shown as a drop-down on a desktop, collapsible on a phone)."""

    label: str
    url: str = ""
    items: list[tuple[str, str]] = field(default_factory=list)


def navigation(request) -> dict:
    """Menu entries for the signed-in user's roles, computed only if the page shows the menu (the exam page does
    not: its request is part of the exam-day rush, and the roles cost a query)."""
    return {
        "nav_items": lambda: _menu(request)[0],
        "nav_menu": lambda: _menu(request)[2],
        "user_roles": lambda: _menu(request)[1],
        "province_name": settings.HOCSO_PROVINCE_NAME,
    }


# The menu of a person without roles (a learner: nearly everyone), built once per worker and script prefix. Every
# entry follows from the roles (the predicates below read nothing else), and the labels are lazy, so the same
# entries serve every learner in every language.
_NO_ROLES_MENU: dict[str, tuple[list[tuple[str, str]], list[MenuEntry]]] = {}


def _menu(request) -> tuple[list[tuple[str, str]], set[str], list[MenuEntry]]:
    cached = getattr(request, "_hocso_menu", None)
    if cached is not None:
        return cached
    user = getattr(request, "user", None)
    roles: set[str] = set()
    groups: list[MenuEntry] = []
    if user is not None and user.is_authenticated:
        roles = roles_of(user)  # read once per request; the predicates below reuse it
        if not roles and (learner_menu := _NO_ROLES_MENU.get(get_script_prefix())) is not None:
            request._hocso_menu = (learner_menu[0], roles, learner_menu[1])
            return request._hocso_menu
        # Everyone may be a learner (managers sit the tests too); the page explains when an account has no profile.
        # Not checked here: that would cost a query on every page.
        learning = MenuEntry(_("Learning"), items=[
            (reverse("assessment:exam_my_quizzes"), _("My quizzes")),
            (reverse("training:catalogue"), _("Courses")),
        ])
        teaching = MenuEntry(_("Teaching"))
        if can_see_quizzes_and_classes(user):
            teaching.items.append((reverse("assessment:quiz_list"), _("Quizzes")))
            teaching.items.append((reverse("training:class_list"), _("Classes")))
        if can_author(user):
            teaching.items.append((reverse("assessment:bank_home"), _("Question bank")))
        management = MenuEntry(_("Management"))
        if can_manage_people(user):
            management.items += [
                (reverse("campaigns:list"), _("Test campaigns")),
                (reverse("training:plan_progress"), _("Training plan")),
                (reverse("org:tree"), _("Units")),
                (reverse("people:list"), _("People")),
                (reverse("people:roles"), _("Roles")),
            ]
        if is_province_admin(user):
            management.items.append((reverse("org:target_groups"), _("Target groups")))
        system = MenuEntry(_("System"))
        if is_province_admin(user):
            system.items.append((reverse("identity:api_keys"), _("API keys")))
        if can_read_audit_log(user):  # administrators: all of it; focal points: their own units'
            system.items.append((reverse("core:audit"), _("Audit log")))
        groups = [group for group in (learning, teaching, management, system) if group.items]
    home = [MenuEntry(_("Home"), url=reverse("core:home"))] if groups else []
    if len(groups) == 1:  # a learner: two links need no drop-down
        entries = home + [MenuEntry(label, url=url) for url, label in groups[0].items]
    else:
        entries = home + groups
    items = [(entry.url, entry.label) for entry in home] + [item for group in groups for item in group.items]
    if user is not None and user.is_authenticated and not roles:
        _NO_ROLES_MENU[get_script_prefix()] = (items, entries)
    request._hocso_menu = (items, roles, entries)
    return request._hocso_menu
