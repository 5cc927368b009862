"""/api/v1/training/…: the learner's courses, progress, certificates and calendar; classes for staff; and the
public certificate check.

This module is the app's router: every route, in the order the OpenAPI document lists them. The handlers and their
schemas live in each sub-package's `api` module (courses, classes, certificates). The routes are declared here, not
with decorators there, because the document's order interleaves the sub-packages and must not change when code
moves; `operation_id` keeps each operation's id as it was when all handlers lived in this module.
"""

from __future__ import annotations

from ninja import Router

from hocso.core.api_common import SessionAuth, errors

from .certificates import api as certificates
from .classes import api as classes
from .courses import api as courses

router = Router(tags=["training"])


def _id(handler) -> str:
    return f"hocso_training_api_{handler.__name__}"


def _get(path: str, handler, **options) -> None:
    router.get(path, operation_id=_id(handler), **options)(handler)


def _post(path: str, handler, **options) -> None:
    router.post(path, operation_id=_id(handler), **options)(handler)


# --- the learner's own ("my"): session authentication only -----------------------------------------------------

_get("/training/my/courses", courses.my_courses,
     response={200: courses.MyCoursePage, **errors(401, 403, 422)}, auth=SessionAuth(),
     summary="My courses: enrolled and available, with completion")
_get("/training/my/courses/{course_id}/progress", courses.my_course_progress,
     response={200: courses.CourseProgressOut, **errors(401, 403, 404, 422)}, auth=SessionAuth(),
     summary="My progress in one course, lesson by lesson")
_get("/training/my/certificates", certificates.my_certificates,
     response={200: list[certificates.MyCertificateOut], **errors(401, 403)}, auth=SessionAuth(),
     summary="My certificates")
_get("/training/my/calendar", classes.my_calendar,
     response={200: classes.MyCalendarOut, **errors(401, 403)}, auth=SessionAuth(),
     summary="My upcoming sessions and deadlines")

# --- staff (and API keys, read-only) -------------------------------------------------------------------------

_get("/training/courses", courses.list_courses,
     response={200: courses.CoursePage, **errors(401, 403, 422)}, summary="List courses (staff)")
_get("/training/classes", classes.list_classes,
     response={200: classes.ClassPage, **errors(401, 403, 422)}, summary="List classes (staff)")
_get("/training/classes/{class_id}/enrolments", classes.class_enrolments,
     response={200: classes.EnrolmentPage, **errors(401, 403, 404, 422)}, summary="Enrolments of a class (staff)")
_post("/training/classes/{class_id}/enrolments", classes.enrol_in_class,
      response={200: classes.EnrolResultOut, **errors(401, 403, 404, 422)},
      summary="Enrol a learner in a class (staff)")
_get("/training/classes/{class_id}/attendance", classes.class_attendance,
     response={200: classes.AttendancePage, **errors(401, 403, 404, 422)},
     summary="Attendance rate per learner of a class (staff)")

# --- public --------------------------------------------------------------------------------------------------

_get("/training/certificates/{code}/verify", certificates.verify_certificate,
     response={200: certificates.VerifyOut, **errors(404)}, auth=None,
     summary="Verify a certificate by its code (public)")
