"""Classes (runs of a course): enrolment, the class-list import, sessions, attendance, QR check-in, the calendar."""
