"""The training app's models, one module per concept; `hocso.training.models` names them all (and Django registers
them from here). Tables, app label and migrations are those of the single `models.py` this package replaced."""

from .certificates import BatchStatus, Certificate, CertificateBatch, CertificateKind
from .classes import Attendance, AttendanceMethod, CourseClass, Enrolment, EnrolmentStatus, Session
from .courses import Course, CourseMode, Lesson, LessonKind, LessonProgress, Module
from .plans import PlanTarget, TrainingPlan

__all__ = [
    "Attendance", "AttendanceMethod", "BatchStatus", "Certificate", "CertificateBatch", "CertificateKind", "Course",
    "CourseClass", "CourseMode", "Enrolment", "EnrolmentStatus", "Lesson", "LessonKind", "LessonProgress", "Module",
    "PlanTarget", "Session", "TrainingPlan",
]
