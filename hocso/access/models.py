"""Roles, each with the unit subtree it applies to.

The table is still `identity_roleassignment`: the model moved here from `identity` by state-only migrations
(issue 12), so no row, constraint or index changed name.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PROVINCE_ADMIN = "province_admin", _("Province administrator")
    FOCAL_POINT = "focal_point", _("Unit focal point")
    INSTRUCTOR = "instructor", _("Instructor")
    COORDINATOR = "coordinator", _("Bridge-site coordinator")


# Roles whose assignment names a unit (the subtree they act on).
UNIT_ROLES = {Role.FOCAL_POINT, Role.INSTRUCTOR, Role.COORDINATOR}

# The roles that let someone manage people, units and roles: losing the last of them locks a person out of these
# pages.
MANAGING_ROLES = (Role.PROVINCE_ADMIN, Role.FOCAL_POINT)

# The roles that write questions, quizzes and courses.
AUTHOR_ROLES = (Role.PROVINCE_ADMIN, Role.INSTRUCTOR)


class RoleAssignment(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="roles"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("unit"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        db_table = "identity_roleassignment"
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "unit"], name="identity_role_unique"),
            models.UniqueConstraint(
                fields=["user", "role"], condition=models.Q(unit__isnull=True), name="identity_role_unique_global"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}" + (f" — {self.unit}" if self.unit_id else "")
