"""Who may author courses: province administrators and instructors (an instructor edits the courses they own)."""

from __future__ import annotations

from hocso.access.models import Role
from hocso.access.scoping import is_province_admin, roles_of

from .models import Course


def can_author(user) -> bool:
    return bool(roles_of(user) & {Role.PROVINCE_ADMIN, Role.INSTRUCTOR})


def can_edit_course(user, course: Course) -> bool:
    if is_province_admin(user):
        return True
    return Role.INSTRUCTOR in roles_of(user) and course.owner_id is not None and course.owner_id == user.pk
