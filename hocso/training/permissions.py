"""Who may do what in training: every rule of the app, as predicates named after what they allow.

Views, API handlers, services and selectors ask these; none of them spells out a role set. Roles:
- province administrators: everything;
- instructors: author courses (and edit the ones they own), run the classes they teach or whose course they own;
- unit focal points: see every class, enrol the people of their units, see the training plan;
- learners: their own enrolments, progress and certificates;
- an API key reads classes like a focal point of its unit scope, and changes nothing.
"""

from __future__ import annotations

from hocso.access.models import Role
from hocso.access.scoping import is_province_admin, roles_of
from hocso.core.actors import Actor
from hocso.core.scoping import EVERYTHING, UnitScope, scope_of
from hocso.identity.models import ApiKey
from hocso.people.models import Learner

from .models import Certificate, Course, CourseClass, Enrolment

# --- courses -------------------------------------------------------------------------------------------------


def can_author(actor: Actor) -> bool:
    """Create courses (and open any course before it is published): administrators and instructors."""
    return bool(roles_of(actor) & {Role.PROVINCE_ADMIN, Role.INSTRUCTOR})


def can_edit_every_course(actor: Actor) -> bool:
    """Edit any course, whoever owns it: province administrators."""
    return is_province_admin(actor)


def can_edit_course(actor: Actor, course: Course) -> bool:
    """Change a course, its modules, lessons and classes: administrators, and the instructor who owns it."""
    if can_edit_every_course(actor):
        return True
    return Role.INSTRUCTOR in roles_of(actor) and course.owner_id is not None and course.owner_id == actor.pk


# --- classes -------------------------------------------------------------------------------------------------


def is_api_key(actor: Actor | None) -> bool:
    return isinstance(actor, ApiKey)


def can_see_classes(actor: Actor) -> bool:
    """Open the class pages: staff who run or fill classes; an integration's API key (as a focal point)."""
    return is_api_key(actor) or bool(roles_of(actor) & {Role.PROVINCE_ADMIN, Role.INSTRUCTOR, Role.FOCAL_POINT})


def can_see_every_class(actor: Actor) -> bool:
    """See every class, not only one's own: administrators, focal points (who enrol their people) and API keys."""
    return is_api_key(actor) or bool(roles_of(actor) & {Role.PROVINCE_ADMIN, Role.FOCAL_POINT})


def can_run_class(actor: Actor, klass: CourseClass) -> bool:
    """Run a class (sessions, attendance, deciding requests, enrolling anyone): the course's editors and the class's
    instructors."""
    if not getattr(actor, "is_authenticated", False):
        return False  # anonymous, or an API key (whose pk is not a user's)
    if can_edit_course(actor, klass.course):
        return True
    return klass.instructors.filter(pk=actor.pk).exists()


def can_take_attendance(actor: Actor, klass: CourseClass) -> bool:
    """Mark who was present and show the session's check-in code: those who run the class."""
    return can_run_class(actor, klass)


def class_people_scope(actor: Actor, klass: CourseClass, *, runs_class: bool | None = None) -> UnitScope:
    """Whose enrolments and attendance in a class the actor sees, and whom they may enrol in it: everyone for those
    who run the class, the people of their units for a focal point (or an API key), nobody for anyone else.
    `runs_class`: the caller's `can_run_class` answer, when it already has it (not asked twice)."""
    runs = can_run_class(actor, klass) if runs_class is None else runs_class
    return EVERYTHING if runs else scope_of(actor)


def scope_covers_learner(scope: UnitScope, learner: Learner) -> bool:
    """Whether a class's people scope (`class_people_scope`) takes in this person: for checking many at once."""
    return scope.everything or (learner.unit_id is not None and scope.covers(learner.unit.path))


def can_enrol_learner(actor: Actor, klass: CourseClass, learner: Learner) -> bool:
    """Enrol this person in the class: those who run it enrol anyone, focal points the people of their units."""
    return scope_covers_learner(class_people_scope(actor, klass), learner)


def can_enrol_from_list(actor: Actor, klass: CourseClass) -> bool:
    """Enrol from an uploaded list: as bulk enrolment, those who run the class and focal points (their people)."""
    return not class_people_scope(actor, klass).is_empty


def can_change_enrolments(actor: Actor) -> bool:
    """Enrol, approve or withdraw anyone at all: people, never an integration's API key."""
    return not is_api_key(actor)


def can_decide_enrolment(actor: Actor, enrolment: Enrolment) -> bool:
    """Approve or reject a request to join (or withdraw someone): whoever may enrol that person in that class."""
    return enrolment.klass is not None and can_enrol_learner(actor, enrolment.klass, enrolment.learner)


def is_own_enrolment(actor: Actor, enrolment: Enrolment) -> bool:
    return enrolment.learner.user_id is not None and enrolment.learner.user_id == getattr(actor, "pk", None)


def can_withdraw(actor: Actor, enrolment: Enrolment) -> bool:
    """Take a learner out of a class: the learner themself, or whoever may decide their enrolment."""
    return is_own_enrolment(actor, enrolment) or can_decide_enrolment(actor, enrolment)


# --- certificates --------------------------------------------------------------------------------------------


def can_issue_certificate(actor: Actor, enrolment: Enrolment) -> bool:
    """Issue the certificate of a completed course: its learner (claiming it), administrators, and those who run the
    learner's class."""
    if is_own_enrolment(actor, enrolment) or is_province_admin(actor):
        return True
    return enrolment.klass is not None and can_run_class(actor, enrolment.klass)


def can_issue_class_certificates(actor: Actor, klass: CourseClass) -> bool:
    """Issue certificates to a whole class in the background: those who run it."""
    return can_run_class(actor, klass)


def can_revoke_certificate(actor: Actor, certificate: Certificate) -> bool:
    """Revoke a certificate (and see why one was revoked): those who may edit its course; for a certificate of
    participation (no course), the province administrators."""
    if certificate.course_id is None:
        return is_province_admin(actor)
    return can_edit_course(actor, certificate.course)


def can_download_certificate(actor: Actor, certificate: Certificate) -> bool:
    """Download the PDF: its holder while it stands; administrators always (a revoked one too)."""
    own = certificate.learner.user_id == getattr(actor, "pk", None)
    return (own and certificate.revoked_at is None) or is_province_admin(actor)


# --- the training plan ---------------------------------------------------------------------------------------


def can_see_plans(actor: Actor) -> bool:
    """See the training plan and its progress: administrators and unit focal points."""
    return bool(roles_of(actor) & {Role.PROVINCE_ADMIN, Role.FOCAL_POINT})


def can_edit_plans(actor: Actor) -> bool:
    """Create and change training plans and their targets: province administrators."""
    return is_province_admin(actor)
