"""The training app's models, one module per concept; `hocso.training.models` names them all (and Django registers
them from here)."""

from .courses import (
    Attendance,
    AttendanceMethod,
    BatchStatus,
    Certificate,
    CertificateBatch,
    Course,
    CourseClass,
    CourseMode,
    Enrolment,
    EnrolmentStatus,
    Lesson,
    LessonKind,
    LessonProgress,
    Module,
    Session,
)
from .plans import PlanTarget, TrainingPlan

__all__ = [
    "Attendance", "AttendanceMethod", "BatchStatus", "Certificate", "CertificateBatch", "Course", "CourseClass",
    "CourseMode", "Enrolment", "EnrolmentStatus", "Lesson", "LessonKind", "LessonProgress", "Module", "PlanTarget",
    "Session", "TrainingPlan",
]
