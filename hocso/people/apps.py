from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "hocso.people"
    label = "people"
    verbose_name = _("People")

    def ready(self) -> None:
        # org sits below people: it reaches the people of its units through the port it owns (hocso.org.members).
        from hocso.org.members import UnitMembers, register_unit_members

        from . import audit_log, selectors, services

        audit_log.register()

        register_unit_members(UnitMembers(
            subtree_counts=selectors.subtree_member_counts,
            direct_counts=selectors.direct_member_counts,
            current=selectors.unit_members,
            history=selectors.unit_history,
            move_all=services.memberships_transfer_unit,
            move=services.memberships_transfer_learners,
        ))
