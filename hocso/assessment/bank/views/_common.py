"""What every question bank page does first."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _

from hocso.core.permissions import ensure

from ...models import Category
from ...permissions import can_author
from .. import selectors


def require_author(request: HttpRequest) -> None:
    ensure(can_author(request.user), _("Only administrators and instructors can use the question bank."))


def trail(category: Category | None) -> list[Category]:
    """The breadcrumbs down to `category`, included."""
    return [*selectors.category_ancestors(category), category] if category else []
