"""The navigation menu: the entries each person's roles open, grouped so that the header stays one bar."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
from django.urls import get_script_prefix, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from hocso.access.permissions import can_author, can_manage_people, can_see_quizzes_and_classes
from hocso.access.scoping import is_province_admin, roles_of
from hocso.core.permissions import can_read_audit_log
from hocso.events.permissions import can_see_sites


@dataclass
class MenuEntry:
    """A link (`url`) or a group of links (`items`, shown as a drop-down on a desktop, collapsible on a phone)."""

    label: str
    url: str = ""
    items: list[tuple[str, str]] = field(default_factory=list)


def navigation(request) -> dict:
    """Menu entries for the signed-in user's roles, computed only if the page shows the menu (the exam page does
    not: its request is part of the exam-day rush, and the roles cost a query). Also the page's CSRF token, in
    place of Django's own context processor's (this one runs after it)."""
    return {
        "nav_items": lambda: _menu(request)[0],
        "nav_menu": lambda: _menu(request)[2],
        "user_roles": lambda: _menu(request)[1],
        "province_name": settings.HOCSO_PROVINCE_NAME,
        "csrf_token": SimpleLazyObject(lambda: csrf_token(request)),
    }


# --- the CSRF token ------------------------------------------------------------------------------------------
# django.middleware.csrf.get_token draws its random characters one `secrets.choice` at a time: 32 for the mask on
# every page with a form (every page: the language form), 32 more for a new secret, about 500 Python calls in
# all, as much as a learner's whole quiz page otherwise spends in its view. The same token drawn from one call
# to the operating system's generator: bytes below 248 (4 × 62) map evenly onto the 62 characters, the rest are
# dropped (no bias). The token's form, the secret's place in request.META and the cookie's renewal are Django's
# own (django.middleware.csrf.get_token, Django 5.2), so CsrfViewMiddleware checks it as one of its own.

_CHARS = CSRF_ALLOWED_CHARS
_INDEX = {char: index for index, char in enumerate(_CHARS)}
_KEEP = 256 - 256 % len(_CHARS)
_TO_CHAR = bytes(ord(_CHARS[b % len(_CHARS)]) if b < _KEEP else 0 for b in range(256))
_DROP = bytes(range(_KEEP, 256))


def _random_chars(length: int) -> str:
    chars = b""
    while len(chars) < length:  # 3 % of the bytes are dropped: one round almost always suffices
        chars += secrets.token_bytes(length + 8).translate(_TO_CHAR, _DROP)
    return chars[:length].decode("ascii")


def csrf_token(request) -> str:
    """A masked CSRF token for the request, as django.middleware.csrf.get_token gives it."""
    secret = request.META.get("CSRF_COOKIE")
    if secret is None:  # a new visitor: a new secret, which CsrfViewMiddleware sets as the cookie
        secret = _random_chars(CSRF_SECRET_LENGTH)
        request.META["CSRF_COOKIE"] = secret
    # Since the cookie is used, CsrfViewMiddleware sends it again (renewing its expiry), as Django does.
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    mask = _random_chars(CSRF_SECRET_LENGTH)
    size = len(_CHARS)
    return mask + "".join([_CHARS[(_INDEX[s] + _INDEX[m]) % size] for s, m in zip(secret, mask, strict=True)])


def menu_entries(request) -> tuple[list[MenuEntry], bool]:
    """The menu's entries for the request's user, and whether they are the shared menu of a person without roles
    (the same for everyone, so hocso.site.frame writes its markup once per language)."""
    _items, roles, entries = _menu(request)
    return entries, not roles


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
        programmes = MenuEntry(_("Programmes"))
        if can_see_sites(user):  # managers: their units' programmes and sites; coordinators: their own
            programmes.items.append((reverse("events:programme_list"), _("Awareness programmes")))
            programmes.items.append((reverse("events:site_list"), _("Bridge sites")))
        system = MenuEntry(_("System"))
        if is_province_admin(user):
            system.items.append((reverse("identity:api_keys"), _("API keys")))
        if can_read_audit_log(user):  # administrators: all of it; focal points: their own units'
            system.items.append((reverse("core:audit"), _("Audit log")))
        groups = [group for group in (learning, teaching, management, programmes, system) if group.items]
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
